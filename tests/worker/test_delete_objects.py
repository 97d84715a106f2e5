"""The delete_objects job removes a deleted document's objects from S3; it may run
more than once."""

from __future__ import annotations

import uuid
from typing import Any

from arq import ArqRedis

from paless_shared.platform import jobs


async def test_delete_objects_removes_them_and_running_again_is_harmless(
    queue: ArqRedis, run_worker: Any, storage: Any
) -> None:
    document_id = uuid.uuid4()
    keys = [storage.original_key(document_id), storage.thumbnail_key(document_id)]
    for key in keys:
        await storage.put_bytes(key, b"%PDF-1.4 bytes of " + key.encode(), "application/pdf")
    never_existed = storage.original_key(uuid.uuid4())
    kept = storage.original_key(uuid.uuid4())
    await storage.put_bytes(kept, b"%PDF-1.4 someone else's", "application/pdf")

    first = await queue.enqueue_job(jobs.DELETE_OBJECTS, [*keys, never_existed])
    assert first is not None
    worker = await run_worker()

    assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
    assert (await first.result(timeout=5))["deleted"] == 3
    for key in keys:
        assert await storage.head_size(key) is None
    assert await storage.head_size(kept) is not None

    again = await queue.enqueue_job(jobs.DELETE_OBJECTS, keys)
    assert again is not None
    worker = await run_worker()

    assert (worker.jobs_complete, worker.jobs_failed, worker.jobs_retried) == (1, 0, 0)
    assert (await again.result(timeout=5))["deleted"] == 2
    assert await storage.head_size(kept) is not None
