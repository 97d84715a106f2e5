"""Bulk edits at the size the API allows (10,000 documents): each operation works in
one request, well past Postgres's 32,767 parameters per statement."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select, text

from paless_shared.tables import AuditEvent, CustomFieldValue, Document, Tag
from paless_shared.tables import document_tags as document_tags_table
from tests.conftest import Account
from tests.web.stored import create_id

MANY = 10_000


async def insert_documents(db: Any, owner: Account, count: int) -> list[str]:
    """`count` ready documents of `owner`, made by Postgres in one statement (sending
    10,000 rows of parameters from here would cost this test more than the bulk edit)."""
    made = text(
        """
        INSERT INTO documents (id, owner_id, title, original_filename, mime_type, size_bytes,
                               sha256, page_count, content, status, original_key)
        SELECT id, :owner, 'Scan ' || n, 'scan-' || n || '.pdf', 'application/pdf', 1000,
               repeat(replace(id::text, '-', ''), 2), 1, '', 'ready'::document_status,
               'originals/' || id || '.pdf'
        FROM (SELECT n, gen_random_uuid() AS id FROM generate_series(1, :count) AS n) AS made
        RETURNING id
        """
    )
    async with db() as session:
        ids = (await session.scalars(made, {"owner": owner.id, "count": count})).all()
        await session.commit()
    return [str(document_id) for document_id in ids]


async def count(db: Any, statement: Any) -> int:
    async with db() as session:
        return int(await session.scalar(statement) or 0)


@pytest.mark.parametrize(
    "operation",
    ["add_tags", "remove_tags", "set_correspondent", "set_document_type", "set_custom_field"],
)
async def test_a_bulk_edit_of_ten_thousand_documents_changes_them_all(
    client: httpx.AsyncClient, account: Account, db: Any, operation: str
) -> None:
    documents = await insert_documents(db, account, MANY)
    parent = await create_id(client, account, "tags", name="archive")
    child = await create_id(client, account, "tags", name="archive-2026", parent=parent)
    arguments: dict[str, Any] = {
        "add_tags": {"tags": [child]},
        "remove_tags": {"tags": [parent]},
        "set_correspondent": {
            "correspondent": await create_id(client, account, "correspondents", name="acme")
        },
        "set_document_type": {
            "document_type": await create_id(client, account, "document_types", name="bill")
        },
        "set_custom_field": {
            "field": await create_id(
                client, account, "custom_fields", name="total", data_type="integer"
            ),
            "value": 42,
        },
    }[operation]
    if operation == "remove_tags":
        async with db() as session:
            await session.execute(
                insert(document_tags_table),
                [{"document_id": uuid.UUID(d), "tag_id": uuid.UUID(parent)} for d in documents],
            )
            await session.commit()

    response = await client.post(
        "/api/v1/documents/bulk_edit",
        json={"documents": documents, "operation": operation, **arguments},
        headers=account.headers,
        timeout=120,
    )

    assert response.status_code == 200, response.text[:500]
    assert response.json() == {"changed": MANY}
    # Counted among this test's documents only: other tests share the database.
    mine = Document.id.in_([uuid.UUID(d) for d in documents])
    tagged = (
        select(func.count())
        .select_from(document_tags_table)
        .join(Document, Document.id == document_tags_table.c.document_id)
        .where(mine)
    )
    if operation == "add_tags":
        assert await count(db, tagged) == 2 * MANY  # the tag and its parent
        found = await client.get(
            "/api/v1/documents", params={"q": "archive", "limit": 1}, headers=account.headers
        )
        assert found.json()["items"], "the search vectors were refreshed"
    elif operation == "remove_tags":
        assert await count(db, tagged) == 0
    elif operation == "set_custom_field":
        values = (
            select(func.count())
            .select_from(CustomFieldValue)
            .join(Document, Document.id == CustomFieldValue.document_id)
            .where(CustomFieldValue.value_int == 42, mine)
        )
        assert await count(db, values) == MANY
    else:
        column = (
            Document.correspondent_id
            if operation == "set_correspondent"
            else Document.document_type_id
        )
        assert await count(db, select(func.count()).where(column.is_not(None), mine)) == MANY
    events = select(func.count()).where(
        AuditEvent.details["bulk"].astext == operation, AuditEvent.actor_id == account.id
    )
    assert await count(db, events) == MANY
    tags = select(func.count()).where(Tag.owner_id == account.id, Tag.name.like("archive%"))
    assert await count(db, tags) == 2


async def test_a_bulk_delete_of_ten_thousand_documents_trashes_them_all(
    client: httpx.AsyncClient, account: Account, db: Any
) -> None:
    documents = await insert_documents(db, account, MANY)

    response = await client.post(
        "/api/v1/documents/bulk_edit",
        json={"documents": documents, "operation": "delete"},
        headers=account.headers,
        timeout=120,
    )

    assert response.status_code == 200, response.text[:500]
    assert response.json() == {"changed": MANY}
    trashed = select(func.count()).where(
        Document.deleted_at.is_not(None), Document.id.in_([uuid.UUID(d) for d in documents])
    )
    assert await count(db, trashed) == MANY
    deleted = select(func.count()).where(
        AuditEvent.action == "document.deleted", AuditEvent.actor_id == account.id
    )
    assert await count(db, deleted) == MANY
