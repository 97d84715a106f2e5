"""The worker's Prometheus metrics, served on PALESS_WORKER_METRICS_PORT."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from arq import Retry
from prometheus_client import Counter, Histogram

from paless_shared.observability import clean_request_id, request_id_var

log = logging.getLogger(__name__)

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

Job = Callable[..., Awaitable[Any]]


def instrumented(kind: str, job: Job) -> Job:
    """Count and time a job, and adopt the request id it was enqueued with so its logs
    line up with the request's."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, request_id: str | None = None) -> Any:
        token = request_id_var.set(clean_request_id(request_id))
        JOBS_STARTED.labels(kind).inc()
        started = time.perf_counter()
        try:
            result = await job(ctx, *args)
        except Retry:
            JOBS_RETRIED.labels(kind).inc()
            raise
        except BaseException:
            JOBS_FAILED.labels(kind).inc()
            raise
        else:
            JOBS_SUCCEEDED.labels(kind).inc()
            return result
        finally:
            JOB_DURATION.labels(kind).observe(time.perf_counter() - started)
            request_id_var.reset(token)

    return run
