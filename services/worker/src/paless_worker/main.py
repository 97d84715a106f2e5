"""paless-worker: the arq worker process."""

from __future__ import annotations

import logging
from typing import Any

from arq import func
from arq.worker import Worker

from paless_shared import jobs
from paless_shared.settings import AppSettings, RedisSettings, WorkerSettings, load
from paless_worker import tasks
from paless_worker.context import close_context, open_context


async def on_startup(ctx: dict[str, Any]) -> None:
    ctx["paless"] = await open_context()


async def on_shutdown(ctx: dict[str, Any]) -> None:
    if "paless" in ctx:
        await close_context(ctx["paless"])


def create_worker(*, burst: bool = False, **overrides: Any) -> Worker:
    settings = load(WorkerSettings)
    redis_settings = load(RedisSettings)
    options: dict[str, Any] = {
        "functions": [
            func(tasks.ingest, name=jobs.INGEST),
            func(tasks.reconcile, name=jobs.RECONCILE),
            func(tasks.delete_objects, name=jobs.DELETE_OBJECTS),
        ],
        "redis_settings": jobs.arq_redis_settings(redis_settings),
        "queue_name": redis_settings.queue_name,
        "job_serializer": jobs.serialize,
        "job_deserializer": jobs.deserialize,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "max_jobs": settings.worker_concurrency,
        "job_timeout": settings.worker_job_timeout_seconds,
        "max_tries": settings.worker_max_tries,
        "poll_delay": settings.worker_poll_delay_seconds,
        "health_check_interval": 30,
        "burst": burst,
        "handle_signals": not burst,
    }
    options.update(overrides)
    return Worker(**options)


def main() -> None:
    app = load(AppSettings)
    logging.basicConfig(
        level=app.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    create_worker().run()
