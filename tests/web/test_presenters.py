"""List items are built without validation (`presenters.summary`), from entities or from
the list's rows: their JSON must be, byte for byte, that of the validated models built
from the entities, for every kind of value a list item carries."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared import tables
from paless_shared.documents.read import Extras, extras
from paless_shared.platform.principal import Principal
from paless_shared.search import service as search
from paless_shared.search.filters import DocumentFilter, SearchHit, Sort
from paless_shared.tables import (
    Correspondent,
    CustomField,
    CustomFieldType,
    DocumentStatus,
    DocumentType,
    Tag,
)
from paless_web.presenters import present
from paless_web.schemas.documents import CustomFieldValue, DocumentPage, DocumentSummary
from paless_web.schemas.documents import SearchHit as SearchHitOut
from tests.conftest import Account
from tests.web.stored import StoredDocuments, at

TEXT = 'Ünïcode "quoted" \\ back\tslash </script> \x01 control, emoji 🧾 and\nnewline'


def validated(document: tables.Document, extra: Extras, hit: SearchHit | None) -> DocumentSummary:
    """A list item as it was built before: validated from the entity, then copied."""
    return DocumentSummary.model_validate(document).model_copy(
        update={
            "tags": extra.tags,
            "correspondent": extra.correspondent,
            "document_type": extra.document_type,
            "duplicate_of": extra.duplicate_of,
            "custom_fields": [CustomFieldValue.model_validate(v) for v in extra.custom_fields],
            "search": (
                SearchHitOut(
                    score=hit.score, snippet=hit.snippet, pages=hit.pages, ranked=hit.ranked
                )
                if hit
                else None
            ),
        }
    )


async def field(stored: StoredDocuments, owner: Account, name: str, kind: CustomFieldType) -> str:
    return await stored.add_object(owner, CustomField, name, data_type=kind)


@pytest.fixture
async def library(make_account: Any, db: async_sessionmaker[AsyncSession]) -> Principal:
    """Documents of one owner with every kind of value a list item shows: tags (one
    the reader may not see), references, a copy of another document, custom fields of
    every type (set and null), unusual text, failed and pending documents with the
    optional columns null."""
    owner, other = await make_account(), await make_account()
    stored = StoredDocuments(db)
    tags = [await stored.add_object(owner, Tag, name) for name in ("zeta", "alpha", TEXT[:40])]
    hidden_tag = await stored.add_object(other, Tag, "theirs")
    correspondent = await stored.add_object(owner, Correspondent, "acme")
    hidden_type = await stored.add_object(other, DocumentType, "not yours")
    kinds = {
        CustomFieldType.string: {"value_text": TEXT},
        CustomFieldType.longtext: {"value_text": TEXT * 20},
        CustomFieldType.url: {"value_text": "https://example.com/a?b=c&d=é"},
        CustomFieldType.select: {"value_text": "second"},
        CustomFieldType.date: {"value_date": date(2024, 2, 29)},
        CustomFieldType.boolean: {"value_bool": False},
        CustomFieldType.integer: {"value_int": -(2**62)},
        CustomFieldType.float: {"value_float": 1e20},
        CustomFieldType.monetary: {"value_monetary": Decimal("12.5"), "value_currency": "EUR"},
    }
    fields = {kind: await field(stored, owner, f"f-{kind.value}", kind) for kind in kinds}
    link = await field(stored, owner, "f-documentlink", CustomFieldType.documentlink)
    small_float = await field(stored, owner, "f-float-small", CustomFieldType.float)
    first = await stored.add(owner, "first", "invoice text")
    values: dict[str, dict[str, Any]] = {fields[kind]: columns for kind, columns in kinds.items()}
    values[link] = {"value_documents": [uuid.UUID(first)]}
    values[small_float] = {"value_float": 0.1}
    await stored.add(
        owner,
        TEXT,
        "invoice " + TEXT,
        tags=[*tags, hidden_tag],
        correspondent=correspondent,
        document_type=hidden_type,
        created_at=datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        added_at=at("2024-03-02"),
        filename="scan é.pdf",
        fields=values,
    )
    nulls = {kind: {} for kind in fields.values()}
    await stored.add(
        owner,
        "failed, fields null",
        "invoice",
        status=DocumentStatus.failed,
        added_at=at("2024-03-03"),
        fields=nulls,
    )
    await stored.add(owner, "pending", status=DocumentStatus.pending, added_at=at("2024-03-04"))
    async with db() as session:
        # A copy of `first` (same owner and content), and optional columns null.
        copy = await session.get(tables.Document, uuid.UUID(await stored.add(owner, "copy")))
        original = await session.get(tables.Document, uuid.UUID(first))
        assert copy is not None and original is not None
        copy.sha256 = original.sha256
        copy.page_count = None
        copy.failure_reason = "could not read:\n" + TEXT
        copy.thumbnail_key = "thumbnails/x.webp"
        copy.archive_serial_number = 2**63 - 1
        await session.commit()
    return Principal(user_id=owner.id, username=owner.username)


async def pages(
    session: AsyncSession, principal: Principal, filters: DocumentFilter
) -> tuple[bytes, bytes]:
    """The page's JSON as the list answers it (rows, items built without validation),
    and as validated models of the entities."""
    as_rows = await search.find_documents(session, principal, filters, limit=50, summaries=True)
    entities = await search.find_documents(session, principal, filters, limit=50)
    assert [row.id for row in as_rows.documents] == [e.id for e in entities.documents]
    found = await extras(session, principal, [document.id for document in entities.documents])
    expected = DocumentPage(
        items=[
            validated(e, found.get(e.id) or Extras(), entities.hits.get(e.id))
            for e in entities.documents
        ],
        next_cursor=entities.next_cursor,
    )
    items = await present(session, principal, as_rows.documents, hits=as_rows.hits)
    answer = DocumentPage(items=items, next_cursor=as_rows.next_cursor)
    return answer.model_dump_json().encode(), expected.model_dump_json().encode()


@pytest.mark.parametrize(
    "filters",
    [
        DocumentFilter(),
        DocumentFilter(sort=Sort.title_asc),
        DocumentFilter(status=[DocumentStatus.failed, DocumentStatus.ready]),
        DocumentFilter(q="invoice"),  # entities, with hits: scores, snippets and pages
    ],
    ids=["list", "by-title", "by-status", "search"],
)
async def test_list_items_are_the_validated_models_json(
    library: Principal, db: async_sessionmaker[AsyncSession], filters: DocumentFilter
) -> None:
    async with db() as session:
        answered, expected = await pages(session, library, filters)
    assert answered == expected
    assert len(DocumentPage.model_validate_json(answered).items) >= 2
    if filters.q:
        assert b'"snippet":"' in answered
    else:
        for kind in CustomFieldType:
            assert f'"data_type":"{kind.value}"'.encode() in answered
        assert b'"duplicate_of":"' in answered and b'"value":null' in answered
