"""The reconcile job makes the queue agree with the task rows in Postgres: work that is
recorded but has no job behind it is sent again (and runs); work whose job is still in
the queue is not sent twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from arq import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix, retry_key_prefix
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.documents.uploads import create_document
from paless_shared.platform import jobs
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.jobs import JobBuffer
from paless_shared.tables import DocumentStatus, Task, TaskStatus
from tests.conftest import Account
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows, TaskRows

SLOT = "1800000000"


@pytest.fixture
def tasks(db: async_sessionmaker[AsyncSession]) -> TaskRows:
    return TaskRows(db)


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


async def queued_job_ids(queue: ArqRedis) -> list[str]:
    return sorted(m.decode() for m in await queue.zrange(queue.default_queue_name, 0, -1))


async def reconcile_task(db: async_sessionmaker[AsyncSession], slot: str = SLOT) -> Task:
    async with db() as session:
        task = await session.scalar(
            select(Task).where(Task.kind == jobs.RECONCILE, Task.job_id == f"reconcile:{slot}")
        )
    assert task is not None, "the reconcile job left no task row"
    assert task.status == TaskStatus.succeeded, task.last_error
    return task


async def enqueue_reconcile(queue: ArqRedis, slot: str = SLOT, **options: Any) -> None:
    job = await queue.enqueue_job(jobs.RECONCILE, slot, _job_id=f"reconcile:{slot}", **options)
    assert job is not None


async def created_but_never_sent(
    db: async_sessionmaker[AsyncSession], storage: Any, account: Account, content: bytes
) -> uuid.UUID:
    """What an upload does up to its commit, with the process dying before the job is
    sent: the original is in S3, the document and its queued task are in Postgres, and
    Redis has never heard of it."""
    document_id = uuid.uuid4()
    key = storage.original_key(document_id)
    await storage.put_bytes(key, content, "application/pdf")
    buffer = JobBuffer()
    async with unit_of_work(db) as session:
        await create_document(
            session,
            buffer,
            document_id=document_id,
            owner_id=account.id,
            original_key=key,
            filename="crash.pdf",
            title=None,
            size_bytes=len(content),
        )
    assert [job.function for job in buffer.jobs] == [jobs.INGEST]
    buffer.discard()  # the crash: committed, never enqueued
    return document_id


# The crash between commit and enqueue --------------------------------------------


async def test_a_document_committed_but_never_enqueued_is_sent_by_reconcile_and_becomes_ready(
    db: async_sessionmaker[AsyncSession],
    storage: Any,
    account: Account,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
) -> None:
    document_id = await created_but_never_sent(db, storage, account, text_pdf("Crash window"))
    assert await queue.zcard(queue.default_queue_name) == 0
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.job_id) == (TaskStatus.queued, f"ingest:{document_id}")
    # Longer ago than PALESS_RECONCILE_QUEUED_GRACE_SECONDS (60 s by default).
    await tasks.set_for_document(document_id, enqueued_at=ago(minutes=5))

    await enqueue_reconcile(queue)
    worker = await run_worker()  # runs reconcile, then the ingest it sent

    assert (worker.jobs_complete, worker.jobs_failed) == (2, 0)
    assert (await reconcile_task(db)).result == {"requeued": 1}
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.content == "Crash window"
    assert document.ingest_attempts == 1
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.attempts, task.job_id) == (
        TaskStatus.succeeded,
        1,
        f"ingest:{document_id}",
    )


async def test_a_crash_long_ago_is_sent_once_not_once_per_stale_row(
    db: async_sessionmaker[AsyncSession],
    storage: Any,
    account: Account,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
) -> None:
    """Both the task (queued past its grace) and the document (pending past the stale
    limit) say the work is due: it is still one job and one task."""
    document_id = await created_but_never_sent(db, storage, account, text_pdf("Long down"))
    await tasks.set_for_document(document_id, enqueued_at=ago(hours=2))
    await documents.make_stale(document_id, timedelta(hours=2))

    await enqueue_reconcile(queue)
    worker = await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 1}
    assert (worker.jobs_complete, worker.jobs_failed) == (2, 0)
    assert (await documents.require(document_id)).status == DocumentStatus.ready
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 1)


async def test_a_task_queued_for_less_than_the_grace_is_not_sent_yet(
    db: async_sessionmaker[AsyncSession],
    storage: Any,
    account: Account,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its job may simply not have reached Redis yet; the grace is the setting's."""
    monkeypatch.setenv("PALESS_RECONCILE_QUEUED_GRACE_SECONDS", "3600")
    document_id = await created_but_never_sent(db, storage, account, text_pdf("Too soon"))
    await tasks.set_for_document(document_id, enqueued_at=ago(minutes=5))

    await enqueue_reconcile(queue)
    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 0}
    assert await queued_job_ids(queue) == []
    assert (await documents.require(document_id)).status == DocumentStatus.pending
    assert (await tasks.only_for_document(document_id)).status == TaskStatus.queued


async def test_the_queued_grace_follows_the_setting(
    db: async_sessionmaker[AsyncSession],
    storage: Any,
    account: Account,
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PALESS_RECONCILE_QUEUED_GRACE_SECONDS", "1")
    document_id = await created_but_never_sent(db, storage, account, text_pdf("Short grace"))
    await queue.enqueue_job(
        jobs.RECONCILE, SLOT, _job_id=f"reconcile:{SLOT}", _defer_by=timedelta(seconds=2)
    )

    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 1}
    assert (await documents.require(document_id)).status == DocumentStatus.ready


# Jobs that still exist are not sent twice ----------------------------------------


async def test_a_queued_task_whose_job_is_still_in_the_queue_is_not_sent_twice(
    uploaded: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
) -> None:
    """A long queue is not a lost message."""
    document_id = await uploaded(text_pdf("Waiting my turn"))
    await tasks.set_for_document(document_id, enqueued_at=ago(minutes=5))
    assert await queue.zcard(queue.default_queue_name) == 1
    # Reconcile goes first (its score is older than the ingest's) and runs alone.
    await enqueue_reconcile(queue, _defer_until=ago(hours=1))

    await run_worker(max_jobs=1, max_burst_jobs=1)

    assert (await reconcile_task(db)).result == {"requeued": 0}
    assert await queue.zcard(queue.default_queue_name) == 1
    assert await queued_job_ids(queue) == [f"ingest:{document_id}"]
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.job_id) == (TaskStatus.queued, f"ingest:{document_id}")

    worker = await run_worker()

    assert worker.jobs_complete == 1
    assert (await documents.require(document_id)).status == DocumentStatus.ready
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 1)


# Running tasks whose worker died -------------------------------------------------


async def test_a_running_task_older_than_the_stale_setting_with_no_job_is_sent_again(
    uploaded: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker died mid-job and Redis (restarted without persistence) lost the job."""
    monkeypatch.setenv("PALESS_RECONCILE_STALE_SECONDS", "60")
    document_id = await uploaded(text_pdf("Half done"))
    await queue.flushdb()
    await documents.set(document_id, status=DocumentStatus.processing, ingest_attempts=1)
    await tasks.set_for_document(
        document_id,
        status=TaskStatus.running,
        attempts=1,
        started_at=ago(minutes=2),
        enqueued_at=ago(minutes=2),
    )

    await enqueue_reconcile(queue)
    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 1}
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.ingest_attempts == 2
    task = await tasks.only_for_document(document_id)
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 2)


async def test_a_running_task_younger_than_the_stale_setting_is_left_alone(
    uploaded: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long job is not a dead one."""
    monkeypatch.setenv("PALESS_RECONCILE_STALE_SECONDS", "600")
    document_id = await uploaded(text_pdf("Still at it"))
    await queue.flushdb()
    await documents.set(document_id, status=DocumentStatus.processing, ingest_attempts=1)
    await tasks.set_for_document(
        document_id,
        status=TaskStatus.running,
        attempts=1,
        started_at=ago(minutes=2),
        enqueued_at=ago(minutes=2),
    )

    await enqueue_reconcile(queue)
    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 0}
    assert await queued_job_ids(queue) == []
    assert (await documents.require(document_id)).status == DocumentStatus.processing
    assert (await tasks.only_for_document(document_id)).status == TaskStatus.running


# Documents with no task at all ---------------------------------------------------


async def test_a_pending_document_with_no_task_gets_a_new_ingest_task_and_becomes_ready(
    uploaded: Any,
    account: Account,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
) -> None:
    """Its task rows are gone (pruned, or written before tasks existed)."""
    document_id = await uploaded(text_pdf("No record of work"))
    await queue.flushdb()
    await tasks.clear()
    # Unchanged for longer than PALESS_RECONCILE_STALE_SECONDS (600 s by default).
    await documents.make_stale(document_id, timedelta(hours=1))

    await enqueue_reconcile(queue)
    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 1}
    assert (await documents.require(document_id)).status == DocumentStatus.ready
    task = await tasks.only_for_document(document_id)
    assert task.kind == jobs.INGEST
    assert task.owner_id == account.id
    assert task.job_id == f"ingest:{document_id}:{SLOT}"
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 1)


# Job ids arq has already used ----------------------------------------------------


async def test_a_queued_task_whose_job_id_arq_gave_up_on_gets_a_tagged_id_and_runs(
    uploaded: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
) -> None:
    """A job whose worker was killed on every try ends in arq as 'max retries exceeded'
    without ever running; arq keeps that result under the job id, so enqueueing the
    same id again would be silently ignored."""
    document_id = await uploaded(text_pdf("Unlucky"))
    base_id = f"ingest:{document_id}"
    await queue.set(retry_key_prefix + base_id, "5")  # five tries started, none finished
    await run_worker()
    assert await queue.exists(result_key_prefix + base_id)
    assert not await queue.exists(job_key_prefix + base_id)
    assert (await documents.require(document_id)).status == DocumentStatus.pending
    assert (await tasks.only_for_document(document_id)).status == TaskStatus.queued
    await tasks.set_for_document(document_id, enqueued_at=ago(minutes=5))

    await enqueue_reconcile(queue)
    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 1}
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    task = await tasks.only_for_document(document_id)
    assert task.job_id != base_id and task.job_id.startswith(base_id)
    assert SLOT in task.job_id
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 1)
    assert await queue.exists(result_key_prefix + task.job_id)


async def test_a_finished_job_whose_row_was_never_updated_is_run_again_under_a_tagged_id(
    uploaded: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    run_worker: Any,
    documents: DocumentRows,
    tasks: TaskRows,
) -> None:
    """The job ran but Postgres was away when its row was to be updated: the row still
    says queued. The re-run finds the document done and changes nothing."""
    document_id = await uploaded(text_pdf("Done, unrecorded"))
    await run_worker()
    base_id = f"ingest:{document_id}"
    assert await queue.exists(result_key_prefix + base_id)
    before = await documents.snapshot(document_id)
    await tasks.set_for_document(
        document_id,
        status=TaskStatus.queued,
        attempts=0,
        worker_id=None,
        started_at=None,
        finished_at=None,
        result=None,
        enqueued_at=ago(minutes=5),
    )

    await enqueue_reconcile(queue)
    await run_worker()

    assert (await reconcile_task(db)).result == {"requeued": 1}
    task = await tasks.only_for_document(document_id)
    assert task.job_id != base_id and task.job_id.startswith(base_id) and SLOT in task.job_id
    assert (task.status, task.attempts) == (TaskStatus.succeeded, 1)
    assert task.result == {"document": "unchanged"}
    assert await documents.snapshot(document_id) == before
