"""`documents.tag_ids` (what tag filters read) stays equal to `document_tags` after
every path that changes a document's tags, and in the same transaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, insert, select

from paless_shared.tables import Document, document_tags
from tests.conftest import Account
from tests.web.stored import StoredDocuments, create_id, found_ids, patch, running_app


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as shared:
        yield shared


@pytest.fixture
def stored(db: Any) -> StoredDocuments:
    return StoredDocuments(db)


Tags = dict[str, set[str]]


async def arrays_and_rows(db: Any, owner: Account) -> tuple[Tags, Tags]:
    """For each of the owner's documents: the tags its array holds, and the tags its
    rows of document_tags hold (read in one transaction)."""
    async with db() as session:
        arrays = {
            str(document_id): {str(tag) for tag in tag_ids}
            for document_id, tag_ids in await session.execute(
                select(Document.id, Document.tag_ids).where(Document.owner_id == owner.id)
            )
        }
        rows: Tags = {document_id: set() for document_id in arrays}
        for document_id, tag_id in await session.execute(
            select(document_tags.c.document_id, document_tags.c.tag_id)
            .join(Document, Document.id == document_tags.c.document_id)
            .where(Document.owner_id == owner.id)
        ):
            rows[str(document_id)].add(str(tag_id))
    return arrays, rows


async def assert_in_step(db: Any, owner: Account) -> Tags:
    arrays, rows = await arrays_and_rows(db, owner)
    assert arrays == rows
    # Each row also carries its document's added_at (the tag's documents by date).
    async with db() as session:
        dates = (
            await session.execute(
                select(document_tags.c.added_at, Document.added_at)
                .join(Document, Document.id == document_tags.c.document_id)
                .where(Document.owner_id == owner.id)
            )
        ).all()
    assert all(row_date == document_date for row_date, document_date in dates)
    return rows


async def bulk(
    client: httpx.AsyncClient, account: Account, documents: list[str], operation: str, **body: Any
) -> None:
    response = await client.post(
        "/api/v1/documents/bulk_edit",
        json={"documents": documents, "operation": operation, **body},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text


async def test_every_path_that_changes_tags_keeps_the_array_equal_to_the_rows(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    finance = await create_id(client, account, "tags", name="finance")
    taxes = await create_id(client, account, "tags", name="taxes", parent=finance)
    red = await create_id(client, account, "tags", name="red")
    blue = await create_id(client, account, "tags", name="blue")
    first = await stored.add(account, "First", tags=[red, blue])
    second = await stored.add(account, "Second", tags=[red])
    third = await stored.add(account, "Third")
    rows = await assert_in_step(db, account)
    assert rows[first] == {red, blue}

    # Editing a document: the complete set, a child brings its parent.
    assert (await patch(client, account, third, tags=[taxes])).status_code == 200
    rows = await assert_in_step(db, account)
    assert rows[third] == {finance, taxes}
    assert (await patch(client, account, first, tags=[])).status_code == 200
    rows = await assert_in_step(db, account)
    assert rows[first] == set()

    # Bulk add (with a parent) and bulk remove.
    await bulk(client, account, [first, second, third], "add_tags", tags=[taxes])
    rows = await assert_in_step(db, account)
    assert rows[second] == {red, finance, taxes}
    await bulk(client, account, [second, third], "remove_tags", tags=[finance, red])
    rows = await assert_in_step(db, account)
    assert rows[second] == {taxes}

    # Deleting a tag removes its rows by cascade.
    deleted = await client.delete(f"/api/v1/tags/{taxes}", headers=account.headers)
    assert deleted.status_code == 204
    rows = await assert_in_step(db, account)
    assert rows == {first: {finance}, second: set(), third: set()}

    # Any other statement on the table, as written straight in SQL.
    async with db() as session:
        await session.execute(
            insert(document_tags),
            [{"document_id": uuid.UUID(d), "tag_id": uuid.UUID(blue)} for d in (first, third)],
        )
        await session.execute(
            document_tags.update()
            .where(document_tags.c.document_id == uuid.UUID(third))
            .values(document_id=uuid.UUID(second))
        )
        await session.execute(
            delete(document_tags).where(document_tags.c.tag_id == uuid.UUID(finance))
        )
        # Within the transaction, before the commit.
        arrays = dict(
            (str(d), {str(t) for t in tag_ids})
            for d, tag_ids in await session.execute(
                select(Document.id, Document.tag_ids).where(Document.owner_id == account.id)
            )
        )
        await session.commit()
    assert arrays == {first: {blue}, second: {blue}, third: set()}
    await assert_in_step(db, account)

    # The filters read the array.
    assert sorted(await found_ids(client, account, tags_all=[blue])) == sorted([first, second])
    assert await found_ids(client, account, tags_none=[blue]) == [third]
    assert sorted(await found_ids(client, account, tags_any=[blue, red])) == sorted([first, second])


async def test_two_transactions_tagging_one_document_at_once_both_count(
    client: httpx.AsyncClient, account: Account, stored: StoredDocuments, db: Any
) -> None:
    red = await create_id(client, account, "tags", name="red")
    blue = await create_id(client, account, "tags", name="blue")
    document_id = uuid.UUID(await stored.add(account, "Scan"))

    async with db() as first, db() as second:
        await first.execute(insert(document_tags).values(document_id=document_id, tag_id=red))
        # The second waits for the first's lock on the document's row ...
        waiting = asyncio.create_task(
            second.execute(insert(document_tags).values(document_id=document_id, tag_id=blue))
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await first.commit()
        # ... then reads the first's tag as committed.
        await waiting
        await second.commit()

    rows = await assert_in_step(db, account)
    assert rows[str(document_id)] == {red, blue}
    async with db() as session:
        count = await session.scalar(
            select(func.cardinality(Document.tag_ids)).where(Document.id == document_id)
        )
    assert count == 2
