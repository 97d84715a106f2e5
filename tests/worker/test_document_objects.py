"""A document's objects in S3 end with it: a reprocess that makes no thumbnail removes
the old one, a purge removes every object the document ever had, and a purge's delete
job that S3 refuses is retried with backoff and then sent again by reconcile."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_devstack import free_port
from paless_shared.platform import jobs
from paless_shared.tables import Task, TaskStatus
from tests.conftest import Account
from tests.pdfs import sliver_pdf, text_pdf
from tests.worker.support import DocumentRows

SLOT = "1800000000"


async def exists(storage: Any, key: str) -> bool:
    return await storage.head(key) is not None


async def ready_with_thumbnail(
    uploaded: Any, run_worker: Any, storage: Any, documents: DocumentRows
) -> tuple[uuid.UUID, str]:
    """A ready document and its thumbnail's key (under its renditions)."""
    document_id: uuid.UUID = await uploaded(text_pdf("with a thumbnail"))
    await run_worker()
    row = await documents.require(document_id)
    assert row.thumbnail_key is not None
    assert await exists(storage, row.thumbnail_key)
    return document_id, row.thumbnail_key


async def delete_tasks(db: async_sessionmaker[AsyncSession]) -> list[Task]:
    async with db() as session:
        result = await session.scalars(select(Task).where(Task.kind == jobs.DELETE_OBJECTS))
        return list(result)


async def purge(client: httpx.AsyncClient, account: Account, document_id: uuid.UUID) -> None:
    trashed = await client.delete(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert trashed.status_code == 204, trashed.text
    purged = await client.delete(f"/api/v1/trash/{document_id}", headers=account.headers)
    assert purged.status_code == 204, purged.text


# Thumbnails --------------------------------------------------------------------------


async def test_a_reprocess_that_makes_no_thumbnail_removes_the_old_one(
    client: httpx.AsyncClient,
    account: Account,
    uploaded: Any,
    run_worker: Any,
    storage: Any,
    documents: DocumentRows,
) -> None:
    document_id, thumbnail = await ready_with_thumbnail(uploaded, run_worker, storage, documents)
    # The same document now renders to no thumbnail (a page WebP cannot hold).
    await storage.put_bytes(
        storage.original_key(document_id), sliver_pdf("no thumbnail now"), "application/pdf"
    )

    response = await client.post(
        f"/api/v1/documents/{document_id}/reprocess", headers=account.headers
    )
    assert response.status_code == 202, response.text
    await run_worker()

    row = await documents.require(document_id)
    assert (row.status, row.content, row.thumbnail_key) == ("ready", "no thumbnail now", None)
    assert not await exists(storage, thumbnail)


async def test_a_purge_removes_every_object_the_document_had_even_one_its_row_forgot(
    client: httpx.AsyncClient,
    account: Account,
    uploaded: Any,
    run_worker: Any,
    storage: Any,
    documents: DocumentRows,
) -> None:
    document_id, thumbnail = await ready_with_thumbnail(uploaded, run_worker, storage, documents)
    # What a reprocess without a thumbnail used to leave: the object, no key on the row.
    await documents.set(document_id, thumbnail_key=None)

    await purge(client, account, document_id)
    await run_worker()

    assert not await exists(storage, storage.original_key(document_id))
    assert not await exists(storage, thumbnail)


async def test_emptying_old_trash_removes_every_object_the_document_had(
    queue: ArqRedis,
    uploaded: Any,
    run_worker: Any,
    storage: Any,
    documents: DocumentRows,
) -> None:
    document_id, thumbnail = await ready_with_thumbnail(uploaded, run_worker, storage, documents)
    await documents.set(
        document_id, thumbnail_key=None, deleted_at=datetime.now(UTC) - timedelta(days=365)
    )

    job = await queue.enqueue_job(jobs.EMPTY_TRASH, SLOT, _job_id=f"empty_trash:{SLOT}")
    assert job is not None
    await run_worker()

    assert await documents.get(document_id) is None
    assert not await exists(storage, storage.original_key(document_id))
    assert not await exists(storage, thumbnail)


# The delete job: retried, then reconciled --------------------------------------------


async def test_a_delete_storage_refuses_is_retried_then_sent_again_by_reconcile(
    client: httpx.AsyncClient,
    account: Account,
    uploaded: Any,
    run_worker: Any,
    storage: Any,
    documents: DocumentRows,
    queue: ArqRedis,
    db: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document_id, thumbnail = await ready_with_thumbnail(uploaded, run_worker, storage, documents)
    await purge(client, account, document_id)

    # The worker's S3 is unreachable (a closed port) through every try.
    with monkeypatch.context() as outage:
        outage.setenv("PALESS_S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
        outage.setenv("PALESS_WORKER_MAX_TRIES", "3")
        worker = await run_worker()

    assert worker.jobs_retried == 2
    [task] = await delete_tasks(db)
    assert (task.status, task.attempts) == (TaskStatus.failed, 3)
    assert "gave up after 3 attempts" in (task.last_error or "")
    assert await exists(storage, storage.original_key(document_id))

    # S3 is back. Reconcile sends the failed delete again once it is older than
    # PALESS_RECONCILE_STALE_SECONDS; the delete then succeeds.
    async with db() as session:
        await session.execute(
            update(Task)
            .where(Task.id == task.id)
            .values(finished_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()
    reconcile = await queue.enqueue_job(jobs.RECONCILE, SLOT, _job_id=f"reconcile:{SLOT}")
    assert reconcile is not None
    await run_worker()

    [task] = await delete_tasks(db)
    assert (task.status, task.attempts, task.last_error) == (TaskStatus.succeeded, 4, None)
    assert not await exists(storage, storage.original_key(document_id))
    assert not await exists(storage, thumbnail)


async def test_a_lost_delete_job_is_sent_again_by_reconcile(
    client: httpx.AsyncClient,
    account: Account,
    uploaded: Any,
    run_worker: Any,
    storage: Any,
    documents: DocumentRows,
    queue: ArqRedis,
    db: async_sessionmaker[AsyncSession],
) -> None:
    document_id, thumbnail = await ready_with_thumbnail(uploaded, run_worker, storage, documents)
    await purge(client, account, document_id)
    await queue.flushdb()  # the message is lost
    async with db() as session:
        await session.execute(
            update(Task)
            .where(Task.kind == jobs.DELETE_OBJECTS)
            .values(enqueued_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()

    reconcile = await queue.enqueue_job(jobs.RECONCILE, SLOT, _job_id=f"reconcile:{SLOT}")
    assert reconcile is not None
    await run_worker()

    [task] = await delete_tasks(db)
    assert task.status == TaskStatus.succeeded
    assert not await exists(storage, storage.original_key(document_id))
    assert not await exists(storage, thumbnail)
