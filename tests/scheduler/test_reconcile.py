"""Reconcile: Postgres's task and document rows say what work is due; work the queue
lost is sent again, and nothing else is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix, retry_key_prefix
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.maintenance.reconcile import requeue_stale
from paless_shared.platform import jobs
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.jobs import JobBuffer
from paless_shared.tables import DocumentStatus, TaskStatus
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows, TaskRows

# Longer than both graces used below (a queued task: 60 s; a running one: 600 s).
LONG_AGO = timedelta(hours=1)


@pytest.fixture
def tasks(db: async_sessionmaker[AsyncSession]) -> TaskRows:
    return TaskRows(db)


@pytest.fixture(autouse=True)
async def no_leftover_tasks(tasks: TaskRows) -> None:
    await tasks.clear()


async def queued_ids(queue: ArqRedis) -> list[str]:
    return sorted(m.decode() for m in await queue.zrange(queue.default_queue_name, 0, -1))


async def reconcile_now(
    db: async_sessionmaker[AsyncSession], queue: ArqRedis, slot: str = "1800000000"
) -> int:
    """What the reconcile job does: decide in a transaction, send after commit."""
    buffer = JobBuffer()
    async with unit_of_work(db) as session:
        count = await requeue_stale(
            session,
            queue,
            buffer,
            queued_grace=timedelta(seconds=60),
            stale_after=timedelta(seconds=600),
            slot_tag=slot,
        )
    await buffer.flush(queue)
    return count


def long_ago() -> datetime:
    return datetime.now(UTC) - LONG_AGO


async def test_reconcile_job_resends_a_queued_task_whose_job_was_lost(
    uploaded: Any, queue: ArqRedis, run_worker: Any, documents: DocumentRows, tasks: TaskRows
) -> None:
    document_id = await uploaded(text_pdf("Lost in transit"))
    await queue.flushdb()  # Redis lost the message
    await tasks.set_for_document(document_id, enqueued_at=long_ago())

    reconcile = await queue.enqueue_job(jobs.RECONCILE, "1800000000")
    assert reconcile is not None
    # One burst: the reconcile job runs, then the ingest it sent again.
    worker = await run_worker()

    assert (await reconcile.result(timeout=5))["requeued"] == 1
    assert (worker.jobs_complete, worker.jobs_failed) == (2, 0)
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.content == "Lost in transit"
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.job_id) == (TaskStatus.succeeded, f"ingest:{document_id}")


async def test_recently_queued_task_is_left_alone(
    uploaded: Any, queue: ArqRedis, db: async_sessionmaker[AsyncSession], tasks: TaskRows
) -> None:
    """Its job may simply not have reached Redis yet (sent right after commit)."""
    document_id = await uploaded(text_pdf("Just arrived"))
    await queue.flushdb()

    assert await reconcile_now(db, queue) == 0
    assert await queued_ids(queue) == []
    assert (await tasks.only_for_document(document_id)).status == TaskStatus.queued


async def test_task_whose_job_is_still_queued_gets_no_second_job(
    uploaded: Any, queue: ArqRedis, db: async_sessionmaker[AsyncSession], tasks: TaskRows
) -> None:
    """A long queue is not a lost message."""
    document_id = await uploaded(text_pdf("Waiting my turn"))
    await tasks.set_for_document(document_id, enqueued_at=long_ago())

    assert await reconcile_now(db, queue, "1800000000") == 0
    assert await reconcile_now(db, queue, "1800000060") == 0

    assert await queued_ids(queue) == [f"ingest:{document_id}"]


async def test_finished_work_is_never_sent_again(
    uploaded: Any,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    db: async_sessionmaker[AsyncSession],
    storage: Any,
) -> None:
    ready_id = await uploaded(text_pdf("All done"))
    failed_id = await uploaded(text_pdf("Will fail"))
    await storage.delete((await documents.require(failed_id)).original_key)
    await run_worker()
    assert (await documents.require(ready_id)).status == DocumentStatus.ready
    assert (await documents.require(failed_id)).status == DocumentStatus.failed
    await queue.flushdb()
    for document_id in (ready_id, failed_id):
        await documents.make_stale(document_id, LONG_AGO)
        await tasks.set_for_document(document_id, enqueued_at=long_ago(), started_at=long_ago())

    assert await reconcile_now(db, queue) == 0
    assert await queued_ids(queue) == []


async def test_task_of_a_killed_worker_is_taken_up_again(
    uploaded: Any,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    db: async_sessionmaker[AsyncSession],
) -> None:
    """The worker died mid-job: the task is `running`, the document `processing`, and
    Redis (restarted without persistence) no longer holds the job."""
    document_id = await uploaded(text_pdf("Half done"))
    await queue.flushdb()
    await documents.set(document_id, status=DocumentStatus.processing, ingest_attempts=1)
    await tasks.set_for_document(
        document_id, status=TaskStatus.running, attempts=1, started_at=long_ago()
    )

    assert await reconcile_now(db, queue) == 1
    assert await queued_ids(queue) == [f"ingest:{document_id}"]
    await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.ingest_attempts == 2
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 2)


async def test_job_arq_gave_up_on_is_sent_under_a_slot_tagged_id_once(
    uploaded: Any,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    db: async_sessionmaker[AsyncSession],
) -> None:
    """A job whose worker was killed on every try ends in arq as 'max retries exceeded'
    without running, and its id stays taken by that result: reconcile must use another
    id — and only once, however many slots pass before that job runs."""
    document_id = await uploaded(text_pdf("Unlucky"))
    base_id = f"ingest:{document_id}"
    await queue.set(retry_key_prefix + base_id, "5")  # five tries started, none finished
    worker = await run_worker()
    assert worker.jobs_failed == 1
    assert await queue.exists(result_key_prefix + base_id)
    assert not await queue.exists(job_key_prefix + base_id)
    assert (await documents.require(document_id)).status == DocumentStatus.pending
    await tasks.set_for_document(document_id, enqueued_at=long_ago())

    assert await reconcile_now(db, queue, "1800000000") == 1
    tagged = (await tasks.only_for_document(document_id)).job_id
    assert tagged != base_id and tagged.startswith(base_id)
    assert await queued_ids(queue) == [tagged]

    # The queue is long: later slots come before that job has run.
    await tasks.set_for_document(document_id, enqueued_at=long_ago())
    assert await reconcile_now(db, queue, "1800000060") == 0
    assert await queued_ids(queue) == [tagged]

    await run_worker()
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert (await tasks.only_for_document(document_id)).status == TaskStatus.succeeded


async def test_stale_document_without_any_task_gets_a_new_ingest_task(
    uploaded: Any,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    db: async_sessionmaker[AsyncSession],
) -> None:
    """Its task rows are gone (pruned, or written by an older release without them)."""
    document_id = await uploaded(text_pdf("No record of work"))
    await queue.flushdb()
    await tasks.clear()
    await documents.make_stale(document_id, LONG_AGO)

    assert await reconcile_now(db, queue, "1800000000") == 1
    [job_id] = await queued_ids(queue)
    assert job_id.startswith(f"ingest:{document_id}")
    await run_worker()

    assert (await documents.require(document_id)).status == DocumentStatus.ready
    task = await tasks.only_for_document(document_id)
    assert (task.kind, task.status, task.job_id) == (jobs.INGEST, TaskStatus.succeeded, job_id)


async def test_recent_document_without_a_task_is_left_alone(
    uploaded: Any,
    queue: ArqRedis,
    tasks: TaskRows,
    documents: DocumentRows,
    db: async_sessionmaker[AsyncSession],
) -> None:
    document_id = await uploaded(text_pdf("Fresh"))
    await queue.flushdb()
    await tasks.clear()
    await documents.make_stale(document_id, timedelta(seconds=30))

    assert await reconcile_now(db, queue) == 0
    assert await queued_ids(queue) == []
