"""paless-worker: the arq worker process (`paless-worker --check` probes its health)."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import logging
import os
from pathlib import Path
from typing import Any, cast

from arq import func
from arq.typing import WorkerCoroutine
from prometheus_client import start_http_server

from paless_shared.platform import jobs
from paless_shared.platform.observability import configure_logging
from paless_shared.platform.ocr import OcrSettings, publish_languages
from paless_shared.platform.settings import (
    AppSettings,
    ConfigurationError,
    RedisSettings,
    WorkerSettings,
    exit_on_configuration_error,
    heartbeat_is_fresh,
    load,
)
from paless_worker import tasks
from paless_worker.context import close_context, ocr_processes, open_context
from paless_worker.lease import LeasedWorker
from paless_worker.ocr.engine import tesseract_status
from paless_worker.pipeline import ocr_jobs
from paless_worker.pipeline.ingest import ingest
from paless_worker.tracking import Job, tracked, untracked

log = logging.getLogger("paless_worker")

# The default queue's jobs, each with a task row of its own.
JOBS: dict[str, Job] = {
    jobs.INGEST: ingest,
    jobs.DELETE_OBJECTS: tasks.delete_objects,
    jobs.RECONCILE: tasks.reconcile,
    jobs.SANITY_CHECK: tasks.sanity_check,
    jobs.EMPTY_TRASH: tasks.empty_trash,
    jobs.EXPIRE_UPLOADS: tasks.expire_uploads,
    jobs.PRUNE_TASKS: tasks.prune_tasks,
    jobs.SEARCH_STATISTICS: tasks.search_statistics,
}
# Parts of an ingest's work, reporting to its task: (queue, job).
PARTS: dict[str, tuple[str, Job]] = {
    jobs.ASSEMBLE: ("default", ocr_jobs.assemble_archive),
    jobs.OCR_PAGE: ("ocr", ocr_jobs.ocr_page),
}


def functions(queue: str) -> list[Any]:
    """What a worker serving `queue` runs: the OCR queue's worker only page OCR; the
    default queue's worker everything else."""
    chosen = (
        []
        if queue == "ocr"
        # ingest starts and ends its task in its own transactions
        else [(name, tracked(name, job, in_job=name == jobs.INGEST)) for name, job in JOBS.items()]
    )
    chosen += [(name, untracked(name, job)) for name, (on, job) in PARTS.items() if on == queue]
    return [func(cast(WorkerCoroutine, job), name=name) for name, job in chosen]


class DrainingWorker(LeasedWorker):
    """arq's worker with leased job claims (paless_worker.lease), except that once told
    to stop (SIGTERM) it starts no further job.

    arq reads a batch of due job ids and starts them one by one as slots free up; told
    to stop, it takes no new batch but would keep starting the rest of the one it holds
    as running jobs finish, and those would be cut short when the grace runs out.
    """

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        for job_id in job_ids:
            # Wait for a free slot, then decide: the slot is taken again below without
            # yielding to the event loop, so no signal can slip in between.
            await self.sem.acquire()
            self.sem.release()
            if not self.allow_pick_jobs:
                return
            await super().start_jobs([job_id])


async def on_startup(ctx: dict[str, Any]) -> None:
    ctx["paless"] = await open_context()
    settings = load(WorkerSettings)
    if ctx.get("paless_queue") == "ocr":
        # The web checks the languages a document asks for against this list.
        status = await asyncio.to_thread(tesseract_status)
        await publish_languages(ctx["redis"], status.languages)
    path = claim_heartbeat_file(settings.worker_heartbeat_file)
    ctx["heartbeat"] = asyncio.create_task(_heartbeat(path, settings.worker_heartbeat_seconds))


async def on_shutdown(ctx: dict[str, Any]) -> None:
    if "heartbeat" in ctx:
        ctx["heartbeat"].cancel()
    if "paless" in ctx:
        await close_context(ctx["paless"])


async def _heartbeat(path: Path, seconds: float) -> None:
    """Touch this process's heartbeat file while its event loop runs, so a probe can
    tell this worker (not just any worker on the queue) is alive."""
    while True:
        await asyncio.to_thread(path.touch)
        await asyncio.sleep(seconds)


# Heartbeat files this process holds (configured path -> the file it writes), each
# with its locked descriptor kept open for the process's life.
_claimed: dict[Path, Path] = {}
_held: list[int] = []


def claim_heartbeat_file(configured: Path) -> Path:
    """This process's heartbeat file: the configured one, unless another live worker on
    the host holds it (a lock, released however that process ends); then
    `<name>.<pid>` beside it, so each file speaks for one process. `--check` reads the
    configured file: in a container, the one worker there."""
    if configured in _claimed:
        return _claimed[configured]
    for path in (configured, configured.with_name(f"{configured.name}.{os.getpid()}")):
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        _held.append(descriptor)
        _claimed[configured] = path
        if path != configured:
            log.info("worker.heartbeat.file", extra={"path": str(path)})
        return path
    raise RuntimeError(f"no heartbeat file to hold beside {configured}")  # pragma: no cover


def serve_metrics(port: int) -> None:
    """Metrics on `port`; a port already taken (another worker on this host) stops the
    process with one line naming the setting, not a traceback."""
    try:
        start_http_server(port)
    except OSError as exc:
        raise ConfigurationError(
            f"PALESS_WORKER_METRICS_PORT={port}: cannot serve metrics there "
            f"({exc.strerror or exc}); give each worker on a host its own port, "
            "or 0 to serve none"
        ) from None
    log.info("worker.metrics.serving", extra={"port": port})


def create_worker(
    *, burst: bool = False, queue: str | None = None, **overrides: Any
) -> LeasedWorker:
    settings = load(WorkerSettings)
    redis_settings = load(RedisSettings)
    queue = queue or settings.worker_queue
    if queue not in ("default", "ocr"):
        raise ConfigurationError(f"unknown queue {queue!r}: expected default or ocr")
    max_jobs = settings.worker_concurrency
    job_timeout = settings.worker_job_timeout_seconds
    if queue == "ocr":
        # One page per OCR process at a time: a page's time limit counts from its start.
        ocr = load(OcrSettings)
        max_jobs = ocr_processes(ocr)
        job_timeout = max(job_timeout, int(ocr.ocr_page_timeout_seconds) + 120)
    options: dict[str, Any] = {
        "functions": functions(queue),
        "redis_settings": jobs.arq_redis_settings(redis_settings),
        "queue_name": redis_settings.ocr_queue_name
        if queue == "ocr"
        else redis_settings.queue_name,
        "ctx": {"paless_queue": queue},
        "job_serializer": jobs.serialize,
        "job_deserializer": jobs.deserialize,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "max_jobs": max_jobs,
        "job_timeout": job_timeout,
        "max_tries": settings.worker_max_tries,
        "poll_delay": settings.worker_poll_delay_seconds,
        "health_check_interval": 30,
        # On SIGTERM let running jobs finish (within the grace) instead of cancelling.
        "job_completion_wait": settings.worker_shutdown_grace_seconds,
        "burst": burst,
        "handle_signals": not burst,
        "lease_seconds": settings.worker_lease_seconds,
    }
    options.update(overrides)
    if settings.worker_shutdown_grace_seconds < settings.worker_job_timeout_seconds:
        # Allowed (jobs are idempotent and go back on the queue), but then a scale-down
        # or a rollout may interrupt a job that would have finished.
        log.warning(
            "worker.shutdown_grace.shorter_than_job_timeout",
            extra={
                "shutdown_grace_seconds": settings.worker_shutdown_grace_seconds,
                "job_timeout_seconds": settings.worker_job_timeout_seconds,
            },
        )
    return DrainingWorker(**options)


@exit_on_configuration_error
def main() -> None:
    parser = argparse.ArgumentParser(prog="paless-worker", description=__doc__)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 0 if the worker in this container is running (its heartbeat is fresh)",
    )
    parser.add_argument(
        "--queue",
        choices=("default", "ocr"),
        default=None,
        help="the queue to serve: ocr (page OCR) or default (everything else); "
        "PALESS_WORKER_QUEUE otherwise",
    )
    args = parser.parse_args()
    if args.check:
        settings = load(WorkerSettings)
        fresh = heartbeat_is_fresh(
            settings.worker_heartbeat_file, max(60.0, 3 * settings.worker_heartbeat_seconds)
        )
        raise SystemExit(0 if fresh else 1)
    app = load(AppSettings)
    configure_logging(app.log_level, app.log_format)
    settings = load(WorkerSettings)
    if settings.worker_metrics_port:
        serve_metrics(settings.worker_metrics_port)
    create_worker(queue=args.queue).run()
