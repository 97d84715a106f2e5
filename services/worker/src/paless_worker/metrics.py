"""The worker's Prometheus metrics, served on PALESS_WORKER_METRICS_PORT."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

JOBS_STARTED = Counter("paless_worker_jobs_started_total", "Jobs started.", ["kind"])
JOBS_SUCCEEDED = Counter(
    "paless_worker_jobs_succeeded_total", "Jobs that ran to the end.", ["kind"]
)
JOBS_FAILED = Counter("paless_worker_jobs_failed_total", "Jobs that raised an error.", ["kind"])
JOBS_RETRIED = Counter(
    "paless_worker_jobs_retried_total", "Jobs handed back for a retry.", ["kind"]
)
JOB_DURATION = Histogram(
    "paless_worker_job_duration_seconds",
    "Time a job took.",
    ["kind"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
PAGES_PROCESSED = Counter("paless_worker_pages_processed_total", "PDF pages read by ingest.")
DOCUMENTS_FINISHED = Counter(
    "paless_worker_documents_finished_total", "Documents brought to a final state.", ["status"]
)
