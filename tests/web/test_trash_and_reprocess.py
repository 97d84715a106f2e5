"""Reprocessing a finished document, and the trash: deleting hides a document, restoring
brings it back, purging removes its row at once and its files right after, and the
periodic empty_trash job purges what has been in the trash for PALESS_EMPTY_TRASH_DAYS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import select, update

from paless_shared.platform import jobs
from paless_shared.tables import Document, DocumentStatus, Task, TaskStatus
from tests.conftest import Account, upload
from tests.pdfs import corrupt_pdf, text_pdf
from tests.web.support import assert_problem, object_keys


async def uploaded(
    client: httpx.AsyncClient, account: Account, content: bytes | None = None
) -> str:
    response = await upload(client, account, content or text_pdf("page"), "doc.pdf")
    assert response.status_code == 202, response.text
    document_id: str = response.json()["id"]
    return document_id


async def document_row(db: Any, document_id: str) -> Document | None:
    async with db() as session:
        found: Document | None = await session.scalar(
            select(Document).where(Document.id == uuid.UUID(document_id))
        )
    return found


async def task_rows(db: Any, **where: Any) -> list[Task]:
    async with db() as session:
        statement = select(Task).order_by(Task.enqueued_at)
        for column, value in where.items():
            statement = statement.where(getattr(Task, column) == value)
        return list(await session.scalars(statement))


async def stored(storage: Any, document_id: str) -> set[str]:
    """The document's objects in S3: its original, and its renditions by name (each
    run keeps them under a prefix of its own)."""
    renditions = await object_keys(storage, f"renditions/{document_id}/")
    return await object_keys(storage, f"originals/{document_id}") | {
        key.rsplit("/", 1)[-1] for key in renditions
    }


def files_of(document_id: str) -> set[str]:
    return {f"originals/{document_id}.pdf", "thumbnail.webp"}


async def trash(client: httpx.AsyncClient, account: Account, document_id: str) -> None:
    response = await client.delete(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert response.status_code == 204, response.text


async def reprocess(
    client: httpx.AsyncClient, account: Account, document_id: str
) -> httpx.Response:
    return await client.post(f"/api/v1/documents/{document_id}/reprocess", headers=account.headers)


# Reprocessing --------------------------------------------------------------------


async def test_a_failed_document_is_reprocessed_with_a_new_task_and_fails_the_same_way_again(
    client: httpx.AsyncClient, account: Account, run_worker: Any, db: Any
) -> None:
    document_id = await uploaded(client, account, corrupt_pdf())
    await run_worker()
    failed = await document_row(db, document_id)
    assert failed is not None and failed.status == DocumentStatus.failed
    reason = failed.failure_reason
    assert reason

    response = await reprocess(client, account, document_id)

    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    assert response.json()["failure_reason"] is None
    pending = await document_row(db, document_id)
    assert pending is not None and pending.ingest_attempts == 0
    first, second = await task_rows(db, document_id=uuid.UUID(document_id))
    assert (second.kind, second.status) == (jobs.INGEST, TaskStatus.queued)
    assert second.job_id != first.job_id
    assert second.owner_id == account.id

    await run_worker()

    again = await document_row(db, document_id)
    assert again is not None
    assert again.status == DocumentStatus.failed
    assert again.failure_reason == reason
    assert again.ingest_attempts == 1  # counted afresh, not 2
    first, second = await task_rows(db, document_id=uuid.UUID(document_id))
    assert (second.status, second.attempts, second.last_error) == (TaskStatus.failed, 1, reason)
    assert first.status == TaskStatus.failed  # the first run's record is kept


async def test_a_ready_document_is_reprocessed_to_ready_with_the_same_content_and_one_thumbnail(
    client: httpx.AsyncClient, account: Account, run_worker: Any, db: Any, storage: Any
) -> None:
    content = text_pdf("Same again", title="Again")
    document_id = await uploaded(client, account, content)
    await run_worker()
    before = await document_row(db, document_id)
    assert before is not None and before.status == DocumentStatus.ready

    response = await reprocess(client, account, document_id)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    await run_worker()

    after = await document_row(db, document_id)
    assert after is not None
    assert after.status == DocumentStatus.ready, after.failure_reason
    assert after.sha256 == before.sha256
    assert after.content == before.content == "Same again"
    answered = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert answered.json()["duplicate_of"] is None  # not a duplicate of itself
    assert after.ingest_attempts == 1
    assert await stored(storage, document_id) == files_of(document_id)
    tasks = await task_rows(db, document_id=uuid.UUID(document_id))
    assert [(t.status, t.attempts) for t in tasks] == [(TaskStatus.succeeded, 1)] * 2


@pytest.mark.parametrize("status", [DocumentStatus.pending, DocumentStatus.processing])
async def test_a_document_still_in_progress_cannot_be_reprocessed(
    client: httpx.AsyncClient, account: Account, db: Any, status: DocumentStatus
) -> None:
    document_id = await uploaded(client, account)
    async with db() as session:
        await session.execute(
            update(Document).where(Document.id == uuid.UUID(document_id)).values(status=status)
        )
        await session.commit()

    response = await reprocess(client, account, document_id)

    problem = assert_problem(response, 409)
    assert status.value in problem["detail"]
    assert len(await task_rows(db, document_id=uuid.UUID(document_id))) == 1
    row = await document_row(db, document_id)
    assert row is not None and row.status == status


async def test_another_users_document_cannot_be_reprocessed(
    client: httpx.AsyncClient, make_account: Any, run_worker: Any, db: Any
) -> None:
    owner, intruder = await make_account(), await make_account()
    document_id = await uploaded(client, owner)
    await run_worker()

    response = await reprocess(client, intruder, document_id)

    assert_problem(response, 404)
    assert len(await task_rows(db, document_id=uuid.UUID(document_id))) == 1
    row = await document_row(db, document_id)
    assert row is not None and row.status == DocumentStatus.ready


async def test_a_trashed_document_cannot_be_reprocessed(
    client: httpx.AsyncClient, account: Account, run_worker: Any, db: Any
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()
    await trash(client, account, document_id)

    response = await reprocess(client, account, document_id)

    assert_problem(response, 404)
    assert len(await task_rows(db, document_id=uuid.UUID(document_id))) == 1


# The trash -----------------------------------------------------------------------


async def test_a_trashed_document_is_hidden_everywhere_but_the_trash_and_keeps_its_files(
    client: httpx.AsyncClient, account: Account, run_worker: Any, db: Any, storage: Any
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()

    await trash(client, account, document_id)

    base = f"/api/v1/documents/{document_id}"
    for path in (base, f"{base}/download", f"{base}/thumbnail"):
        assert_problem(await client.get(path, headers=account.headers), 404)
    listed = await client.get("/api/v1/documents", headers=account.headers)
    assert listed.json()["items"] == []
    in_trash = (await client.get("/api/v1/trash", headers=account.headers)).json()
    assert [item["id"] for item in in_trash["items"]] == [document_id]
    deleted_at = datetime.fromisoformat(in_trash["items"][0]["deleted_at"])
    assert abs(datetime.now(UTC) - deleted_at) < timedelta(minutes=1)
    row = await document_row(db, document_id)
    assert row is not None and row.deleted_at == deleted_at
    assert await stored(storage, document_id) == files_of(document_id)


async def test_restoring_brings_a_document_back_with_its_files(
    client: httpx.AsyncClient, account: Account, run_worker: Any
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()
    await trash(client, account, document_id)

    response = await client.post(f"/api/v1/trash/{document_id}/restore", headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json()["id"] == document_id
    assert response.json()["deleted_at"] is None
    assert response.json()["status"] == "ready"
    listed = await client.get("/api/v1/documents", headers=account.headers)
    assert [item["id"] for item in listed.json()["items"]] == [document_id]
    download = await client.get(
        f"/api/v1/documents/{document_id}/download",
        params={"redirect": "false"},
        headers=account.headers,
    )
    assert download.status_code == 200
    assert (await client.get("/api/v1/trash", headers=account.headers)).json()["items"] == []


async def test_a_document_not_in_the_trash_cannot_be_restored(
    client: httpx.AsyncClient, account: Account
) -> None:
    document_id = await uploaded(client, account)

    response = await client.post(f"/api/v1/trash/{document_id}/restore", headers=account.headers)

    assert_problem(response, 404)


async def test_purging_removes_the_row_now_and_the_files_once_the_worker_ran(
    client: httpx.AsyncClient, account: Account, run_worker: Any, db: Any, storage: Any
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()
    await trash(client, account, document_id)

    response = await client.delete(f"/api/v1/trash/{document_id}", headers=account.headers)

    assert response.status_code == 204
    assert await document_row(db, document_id) is None
    assert await stored(storage, document_id) == files_of(document_id)  # until the job runs
    [deletion] = await task_rows(db, kind=jobs.DELETE_OBJECTS)
    assert deletion.owner_id == account.id
    assert {key.rsplit("/", 1)[-1] for key in deletion.args[0]} == {
        f"{document_id}.pdf",
        "thumbnail.webp",
    }

    await run_worker()

    assert await stored(storage, document_id) == set()
    [deletion] = await task_rows(db, kind=jobs.DELETE_OBJECTS)
    assert deletion.status == TaskStatus.succeeded
    # Both keys, plus the legacy thumbnail key every purge asks for (absent here).
    assert deletion.result == {"deleted": 3}
    assert (await client.get("/api/v1/trash", headers=account.headers)).json()["items"] == []


async def test_a_document_not_in_the_trash_cannot_be_purged(
    client: httpx.AsyncClient, account: Account, run_worker: Any, db: Any, storage: Any
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()

    response = await client.delete(f"/api/v1/trash/{document_id}", headers=account.headers)

    assert_problem(response, 404)
    assert await document_row(db, document_id) is not None
    assert await task_rows(db, kind=jobs.DELETE_OBJECTS) == []
    assert await stored(storage, document_id) == files_of(document_id)


async def test_emptying_the_trash_purges_only_the_callers_trashed_documents(
    client: httpx.AsyncClient, make_account: Any, run_worker: Any, db: Any, storage: Any
) -> None:
    alice, bob = await make_account(), await make_account()
    alices_trash = [await uploaded(client, alice, text_pdf(f"old {n}")) for n in range(3)]
    alices_kept = await uploaded(client, alice, text_pdf("kept"))
    bobs_trash = await uploaded(client, bob, text_pdf("bob's"))
    await run_worker()
    for document_id in alices_trash:
        await trash(client, alice, document_id)
    await trash(client, bob, bobs_trash)

    response = await client.delete("/api/v1/trash", headers=alice.headers)

    assert response.status_code == 200
    assert response.json() == {"purged": 3}
    for document_id in alices_trash:
        assert await document_row(db, document_id) is None
    assert await document_row(db, alices_kept) is not None
    assert await document_row(db, bobs_trash) is not None
    await run_worker()
    for document_id in alices_trash:
        assert await stored(storage, document_id) == set()
    assert await stored(storage, alices_kept) == files_of(alices_kept)
    assert await stored(storage, bobs_trash) == files_of(bobs_trash)
    bobs_view = (await client.get("/api/v1/trash", headers=bob.headers)).json()
    assert [item["id"] for item in bobs_view["items"]] == [bobs_trash]


async def test_emptying_an_empty_trash_purges_nothing(
    client: httpx.AsyncClient, account: Account, db: Any
) -> None:
    document_id = await uploaded(client, account)

    response = await client.delete("/api/v1/trash", headers=account.headers)

    assert response.status_code == 200
    assert response.json() == {"purged": 0}
    assert await document_row(db, document_id) is not None
    assert await task_rows(db, kind=jobs.DELETE_OBJECTS) == []


# The periodic empty_trash job ----------------------------------------------------


async def trashed_days_ago(db: Any, document_id: str, days: float) -> None:
    async with db() as session:
        await session.execute(
            update(Document)
            .where(Document.id == uuid.UUID(document_id))
            .values(deleted_at=datetime.now(UTC) - timedelta(days=days))
        )
        await session.commit()


async def run_empty_trash(queue: ArqRedis, run_worker: Any, db: Any) -> Task:
    slot = "1800000000"
    await queue.enqueue_job(jobs.EMPTY_TRASH, slot, _job_id=f"empty_trash:{slot}")
    await run_worker()
    [task] = await task_rows(db, kind=jobs.EMPTY_TRASH)
    assert task.status == TaskStatus.succeeded, task.last_error
    return task


@pytest.mark.parametrize(
    ("days_setting", "old", "recent"), [("30", 31, 29), ("7", 8, 6)], ids=["default", "7-days"]
)
async def test_empty_trash_job_purges_documents_trashed_longer_ago_than_the_setting(
    client: httpx.AsyncClient,
    account: Account,
    run_worker: Any,
    queue: ArqRedis,
    db: Any,
    storage: Any,
    monkeypatch: pytest.MonkeyPatch,
    days_setting: str,
    old: int,
    recent: int,
) -> None:
    monkeypatch.setenv("PALESS_EMPTY_TRASH_DAYS", days_setting)
    expired = await uploaded(client, account, text_pdf("expired"))
    recently_trashed = await uploaded(client, account, text_pdf("recent"))
    live = await uploaded(client, account, text_pdf("live"))
    await run_worker()
    for document_id in (expired, recently_trashed):
        await trash(client, account, document_id)
    await trashed_days_ago(db, expired, old)
    await trashed_days_ago(db, recently_trashed, recent)

    task = await run_empty_trash(queue, run_worker, db)

    assert task.result == {"purged": 1}
    assert task.owner_id is None
    assert await document_row(db, expired) is None
    assert await stored(storage, expired) == set()
    assert await document_row(db, recently_trashed) is not None
    assert await stored(storage, recently_trashed) == files_of(recently_trashed)
    assert await stored(storage, live) == files_of(live)
    in_trash = (await client.get("/api/v1/trash", headers=account.headers)).json()
    assert [item["id"] for item in in_trash["items"]] == [recently_trashed]
    listed = (await client.get("/api/v1/documents", headers=account.headers)).json()
    assert [item["id"] for item in listed["items"]] == [live]


async def test_empty_trash_job_never_touches_documents_outside_the_trash(
    client: httpx.AsyncClient,
    account: Account,
    run_worker: Any,
    queue: ArqRedis,
    db: Any,
    storage: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """However old a document is, only deleted_at counts."""
    monkeypatch.setenv("PALESS_EMPTY_TRASH_DAYS", "0")
    document_id = await uploaded(client, account)
    await run_worker()
    long_ago = datetime.now(UTC) - timedelta(days=400)
    async with db() as session:
        await session.execute(
            update(Document)
            .where(Document.id == uuid.UUID(document_id))
            .values(added_at=long_ago, created_at=long_ago, modified_at=long_ago)
        )
        await session.commit()

    task = await run_empty_trash(queue, run_worker, db)

    assert task.result == {"purged": 0}
    assert await document_row(db, document_id) is not None
    assert await stored(storage, document_id) == files_of(document_id)


async def test_the_trash_is_paged_most_recently_deleted_first(
    client: httpx.AsyncClient, account: Account
) -> None:
    first, second, third = [await uploaded(client, account, text_pdf(f"d{n}")) for n in range(3)]
    for document_id in (second, third, first):
        await trash(client, account, document_id)

    page_one = await client.get("/api/v1/trash", params={"limit": 2}, headers=account.headers)
    assert page_one.status_code == 200, page_one.text
    page_two = await client.get(
        "/api/v1/trash",
        params={"limit": 2, "cursor": page_one.json()["next_cursor"]},
        headers=account.headers,
    )

    assert [item["id"] for item in page_one.json()["items"]] == [first, third]
    assert page_two.status_code == 200, page_two.text
    assert [item["id"] for item in page_two.json()["items"]] == [second]
    assert page_two.json()["next_cursor"] is None
