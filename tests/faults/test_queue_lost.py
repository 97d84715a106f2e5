"""Redis loses every queued job (flushed, or restarted without persistence): Postgres
still knows each document's task, and reconcile sends the work again."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.tables import DocumentStatus, TaskStatus
from tests.faults.conftest import statuses
from tests.pdfs import text_pdf
from tests.worker.support import TaskRows

pytestmark = pytest.mark.faults

DOCUMENTS = 20
GRACE_SECONDS = 1


async def queued_ids(queue: ArqRedis) -> set[str]:
    return {member.decode() for member in await queue.zrange(queue.default_queue_name, 0, -1)}


async def past_grace(since: float) -> None:
    """Until tasks queued at `since` count as overdue for reconcile."""
    await asyncio.sleep(max(0.0, since + GRACE_SECONDS + 0.2 - time.monotonic()))


async def test_redis_flushed_twice_with_twenty_documents_queued_loses_none(
    uploaded: Any,
    queue: ArqRedis,
    run_worker: Any,
    tasks: TaskRows,
    db: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PALESS_RECONCILE_QUEUED_GRACE_SECONDS", str(GRACE_SECONDS))
    monkeypatch.setenv("PALESS_RECONCILE_STALE_SECONDS", str(GRACE_SECONDS))
    ids: list[uuid.UUID] = [await uploaded(text_pdf(f"Queued {n}")) for n in range(DOCUMENTS)]
    expected_jobs = {f"ingest:{document_id}" for document_id in ids}
    assert await queued_ids(queue) == expected_jobs
    faults, dropped = 0, 0

    # Fault 1: Redis forgets all twenty jobs before any worker saw them.
    await queue.flushdb()
    faults, dropped = faults + 1, dropped + DOCUMENTS
    await past_grace(time.monotonic())
    await queue.enqueue_job("reconcile", "slot-1")
    await run_worker(max_burst_jobs=1)  # the reconcile job only
    assert await queued_ids(queue) == expected_jobs

    # Fault 2: and forgets them again, after reconcile sent them.
    await queue.flushdb()
    faults, dropped = faults + 1, dropped + DOCUMENTS
    assert set((await statuses(db, ids)).values()) == {DocumentStatus.pending}
    await past_grace(time.monotonic())
    await queue.enqueue_job("reconcile", "slot-2")
    await run_worker()

    final = await statuses(db, ids)
    ready = [document_id for document_id, status in final.items() if status == DocumentStatus.ready]
    lost = DOCUMENTS - len(ready)
    print(
        f"\n[faults] Redis flush: faults injected {faults} (jobs dropped {dropped}), "
        f"documents {DOCUMENTS}, ready {len(ready)}, documents lost {lost}"
    )
    assert lost == 0, final
    for document_id in ids:
        task = await tasks.only_for_document(document_id)
        # One task per document, run once: reconcile re-sent it, it did not copy it.
        assert (task.kind, task.status, task.attempts) == ("ingest", TaskStatus.succeeded, 1)
