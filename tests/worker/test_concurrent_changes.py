"""A person changing a document while the worker finishes it: both changes are made,
neither waits for the other for ever, and a deadlock Postgres breaks is retried.

(paless-cli uploads a file, then sets its tags while the worker is reading it: the
worker's closing transaction held the version's row and wanted the document's, while
the tag change held the document's and, writing it again, checked the current
version's foreign key. Postgres ended one of them with "deadlock detected".)
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.documents.processing import (
    ExtractedDocument,
    lock_for_processing,
    mark_ready,
    start_processing,
)
from paless_shared.platform.errors import concurrent_transaction
from paless_shared.tables import DocumentStatus
from paless_shared.versions import service as versions
from paless_worker.tasks import is_transient
from tests.conftest import Account, waiting_for_a_lock
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows

Sessions = async_sessionmaker[AsyncSession]


async def new_tag(client: httpx.AsyncClient, account: Account, name: str) -> str:
    response = await client.post("/api/v1/tags", json={"name": name}, headers=account.headers)
    assert response.status_code == 201, response.text
    tag_id: str = response.json()["id"]
    return tag_id


async def claimed_run(db: Sessions, document_id: uuid.UUID) -> uuid.UUID:
    """What ingest's first transaction does: the document `processing`, its run."""
    async with db() as session:
        started = await start_processing(session, document_id, max_attempts=5)
        assert started is not None
        open_runs = await versions.open_runs(session, document_id)
        run = await versions.claim_run(session, started.version_id, open_runs=open_runs)
        await session.commit()
        return run.id


def extracted(content: str, pages: int) -> ExtractedDocument:
    return ExtractedDocument(
        sha256="0" * 64,
        size_bytes=100,
        page_count=pages,
        content=content,
        pdf_metadata={},
        thumbnail_key=None,
        created_at=None,
    )


@pytest.mark.parametrize("lock_first", [True, False], ids=["as-the-worker", "version-first"])
async def test_tags_set_while_ingest_closes_are_kept_with_what_ingest_stored(
    uploaded: Any,
    db: Sessions,
    client: httpx.AsyncClient,
    account: Account,
    documents: DocumentRows,
    lock_first: bool,
) -> None:
    document_id = await uploaded(text_pdf("Quarterly report", "figures"), "report.pdf")
    tag = await new_tag(client, account, "reports")
    run_id = await claimed_run(db, document_id)

    async with db() as session:
        # Ingest's closing transaction, stopped half-way: the worker locks the
        # document first; without that, the version's row is locked and written first.
        if lock_first:
            assert await lock_for_processing(session, document_id)
        await versions.finish_run(
            session,
            run_id,
            ["Quarterly report", "figures"],
            thumbnail_key=None,
            page_count=2,
            sha256="0" * 64,
            settings_used=None,
        )
        change = asyncio.create_task(
            client.patch(
                f"/api/v1/documents/{document_id}", json={"tags": [tag]}, headers=account.headers
            )
        )
        if lock_first:
            # The change waits for the worker's commit (for the document's row).
            await waiting_for_a_lock(db, change)
        else:
            # Nothing of the worker's holds the change up: it is made at once. (Locking
            # the version FOR UPDATE, as before, made it wait for the version's row,
            # and the worker's next statement then waited for it: a deadlock.)
            await asyncio.wait_for(asyncio.shield(change), 30)
        assert await mark_ready(session, document_id, extracted("Quarterly report\ffigures", 2))
        await session.commit()
    response = await asyncio.wait_for(change, 30)

    assert response.status_code == 200, response.text
    assert response.json()["tags"] == [tag]
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.page_count == 2
    assert [str(tag_id) for tag_id in document.tag_ids] == [tag]
    found = await client.get(
        "/api/v1/documents", params={"q": "quarterly", "tags": tag}, headers=account.headers
    )
    assert found.status_code == 200, found.text
    assert [item["id"] for item in found.json()["items"]] == [str(document_id)]


async def deadlock(db: Sessions) -> DBAPIError:
    """A real deadlock between two transactions on two rows (each updates one, then
    the other): the error Postgres ends the losing one with."""
    async with db() as session:
        await session.execute(text("DROP TABLE IF EXISTS deadlock_rows"))
        await session.execute(text("CREATE TABLE deadlock_rows (id int PRIMARY KEY, n int)"))
        await session.execute(text("INSERT INTO deadlock_rows VALUES (1, 0), (2, 0)"))
        await session.commit()
    first_locked, second_locked = asyncio.Event(), asyncio.Event()
    add = text("UPDATE deadlock_rows SET n = n + 1 WHERE id = :id")

    async def writer(mine: int, other: int, locked: asyncio.Event, wait: asyncio.Event) -> None:
        async with db() as session:
            await session.execute(add, {"id": mine})
            locked.set()
            await wait.wait()
            await session.execute(add, {"id": other})
            await session.commit()

    try:
        results = await asyncio.gather(
            writer(1, 2, first_locked, second_locked),
            writer(2, 1, second_locked, first_locked),
            return_exceptions=True,
        )
    finally:
        async with db() as session:
            await session.execute(text("DROP TABLE deadlock_rows"))
            await session.commit()
    errors = [result for result in results if isinstance(result, BaseException)]
    assert len(errors) == 1, results  # Postgres ends exactly one of them
    assert isinstance(errors[0], DBAPIError), errors[0]
    return errors[0]


async def test_a_deadlock_postgres_broke_is_retried_not_a_failed_document(db: Sessions) -> None:
    error = await deadlock(db)

    assert "deadlock detected" in str(error)
    assert concurrent_transaction(error)
    assert is_transient(error)
