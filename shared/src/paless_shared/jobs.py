"""Job names, the queue connection and enqueue-after-commit.

Jobs carry IDs, never objects, and are serialized as JSON (not arq's default pickle)
so that whoever can write to Redis cannot make a worker run arbitrary code.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings as ArqRedisSettings

from paless_shared.observability import request_id_var
from paless_shared.settings import RedisSettings

INGEST = "ingest"
RECONCILE = "reconcile"
DELETE_OBJECTS = "delete_objects"


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
    """Jobs waiting or deferred in the queue (arq keeps them in a sorted set)."""
    return int(await queue.zcard(queue_name))


def ingest_job_id(document_id: uuid.UUID, attempt_tag: str | None = None) -> str:
    """The first enqueue of a document's ingest has a fixed id, so enqueueing it twice
    is a no-op; re-enqueues by reconcile add a tag (the time slot) to get through."""
    base = f"{INGEST}:{document_id}"
    return f"{base}:{attempt_tag}" if attempt_tag else base


@dataclass(frozen=True)
class PendingJob:
    function: str
    args: tuple[Any, ...]
    job_id: str | None = None


@dataclass
class JobBuffer:
    """Jobs requested during a unit of work, sent only after it commits.

    Sending inside the transaction could start a job that reads rows not yet
    committed, or start one for a change that is then rolled back.
    """

    jobs: list[PendingJob] = field(default_factory=list)

    def add(self, function: str, *args: Any, job_id: str | None = None) -> None:
        self.jobs.append(PendingJob(function, args, job_id))

    def enqueue_ingest(self, document_id: uuid.UUID) -> None:
        self.add(INGEST, str(document_id), job_id=ingest_job_id(document_id))

    async def flush(self, queue: ArqRedis) -> None:
        jobs, self.jobs = self.jobs, []
        request_id = request_id_var.get()
        for job in jobs:
            await queue.enqueue_job(
                job.function, *job.args, _job_id=job.job_id, request_id=request_id
            )

    def discard(self) -> None:
        self.jobs.clear()
