"""Job names, the queue connection and enqueue-after-commit.

Jobs carry IDs, never objects, and are serialized as JSON (not arq's default pickle)
so that whoever can write to Redis cannot make a worker run arbitrary code.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings as ArqRedisSettings
from arq.constants import job_key_prefix, result_key_prefix

from paless_shared.platform.observability import request_id_var
from paless_shared.platform.settings import RedisSettings

INGEST = "ingest"
RECONCILE = "reconcile"
DELETE_OBJECTS = "delete_objects"
SANITY_CHECK = "sanity_check"
EMPTY_TRASH = "empty_trash"
EXPIRE_UPLOADS = "expire_uploads"
PRUNE_TASKS = "prune_tasks"
SEARCH_STATISTICS = "search_statistics"
# OCR of one page of a processing run (the OCR queue), and the job that joins the
# run's pages into the archive once the last one is in (the default queue).
OCR_PAGE = "ocr_page"
ASSEMBLE = "assemble_archive"


def serialize(payload: dict[str, Any]) -> bytes:
    # default=str: results and errors that are not JSON types are kept as text.
    return json.dumps(payload, default=str, separators=(",", ":")).encode()


def deserialize(data: bytes) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("job payload is not a JSON object")
    return value


def arq_redis_settings(settings: RedisSettings) -> ArqRedisSettings:
    return ArqRedisSettings.from_dsn(str(settings.redis_url))


async def create_queue(settings: RedisSettings) -> ArqRedis:
    return await create_pool(
        arq_redis_settings(settings),
        job_serializer=serialize,
        job_deserializer=deserialize,
        default_queue_name=settings.queue_name,
    )


async def queue_depth(queue: ArqRedis, queue_name: str) -> int:
    """Jobs in hand on a queue: waiting to start or running.

    arq keeps every job in the queue's sorted set, scored by the time it may run, until
    it finishes; a job deferred to later (a retry waiting out its back-off, a job
    enqueued with a delay) is scored in the future and not counted until it is due.
    This is what the worker autoscaler divides by a worker's concurrency.
    """
    now_ms = int(time.time() * 1000)
    return int(await queue.zcount(queue_name, "-inf", now_ms))


def ingest_job_id(document_id: uuid.UUID, tag: str | None = None) -> str:
    """A document's first ingest has a fixed id, so enqueueing it twice is a no-op;
    later runs (reprocess, a reconcile after the first job finished) add a tag."""
    base = f"{INGEST}:{document_id}"
    return f"{base}:{tag}" if tag else base


def ocr_page_job_id(run_id: uuid.UUID, number: int) -> str:
    """One job per page and run: a redelivered or repeated request is a no-op."""
    return f"{OCR_PAGE}:{run_id}:{number}"


def assemble_job_id(run_id: uuid.UUID) -> str:
    return f"{ASSEMBLE}:{run_id}"


async def job_exists(queue: ArqRedis, job_id: str) -> bool:
    """Whether arq still holds the job (queued, deferred or running)."""
    return bool(await queue.exists(job_key_prefix + job_id))


async def job_finished(queue: ArqRedis, job_id: str) -> bool:
    """Whether arq keeps a result for the job id (so enqueueing it again is a no-op)."""
    return bool(await queue.exists(result_key_prefix + job_id))


@dataclass(frozen=True)
class PendingJob:
    function: str
    args: tuple[Any, ...]
    job_id: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class JobBuffer:
    """Jobs requested during a unit of work, sent only after it commits.

    Sending inside the transaction could start a job that reads rows not yet
    committed, or start one for a change that is then rolled back.
    """

    jobs: list[PendingJob] = field(default_factory=list)
    # Values put in Redis (with a time to live) before the jobs that need them are sent.
    secrets: list[tuple[str, str, int]] = field(default_factory=list)

    def put_secret(self, key: str, value: str, ttl_seconds: int) -> None:
        """Keep `value` out of Postgres and out of job arguments: it waits under `key`
        in Redis for at most `ttl_seconds`, for the job that deletes it once used."""
        self.secrets.append((key, value, ttl_seconds))

    def add(self, function: str, *args: Any, job_id: str | None = None, **kwargs: Any) -> None:
        self.jobs.append(PendingJob(function, args, job_id, kwargs))

    async def flush(self, queue: ArqRedis) -> None:
        jobs, self.jobs = self.jobs, []
        secrets, self.secrets = self.secrets, []
        for key, value, ttl in secrets:
            await queue.set(key, value, ex=ttl)
        request_id = request_id_var.get()
        for job in jobs:
            await queue.enqueue_job(
                job.function, *job.args, _job_id=job.job_id, request_id=request_id, **job.kwargs
            )

    def discard(self) -> None:
        self.jobs.clear()
        self.secrets.clear()
