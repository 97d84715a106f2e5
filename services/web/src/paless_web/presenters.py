"""Documents as the API answers them: the row, plus its tags, custom field values and
notes (read for a whole page at once by `documents.read`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared import tables
from paless_shared.documents.read import Extras, extras
from paless_shared.platform.principal import Principal
from paless_shared.search.filters import SearchHit
from paless_web.schemas.documents import (
    CustomFieldValue,
    Document,
    DocumentSummary,
    Note,
)
from paless_web.schemas.documents import SearchHit as SearchHitOut


async def present(
    session: AsyncSession,
    principal: Principal,
    documents: Sequence[Any],
    *,
    hits: Mapping[uuid.UUID, SearchHit] | None = None,
) -> list[DocumentSummary]:
    """Documents (entities, or rows with the same names) as list items, with their tags
    and field values (one query each for the whole page)."""
    found = await extras(session, principal, [document.id for document in documents])
    hits = hits or {}
    return [
        summary(document, found.get(document.id) or _NONE, hits.get(document.id))
        for document in documents
    ]


_NONE = Extras()


def summary(document: Any, extra: Extras, hit: SearchHit | None) -> DocumentSummary:
    """A list item from a document (entity or row) and what it carries besides.

    Built without validation: every value comes from the database with the type its
    field declares, so validating again (50 times a page) would only cost time; the
    JSON is the validated model's (tests/web/test_presenters.py compares them)."""
    return DocumentSummary.model_construct(
        id=document.id,
        title=document.title,
        original_filename=document.original_filename,
        mime_type=document.mime_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        page_count=document.page_count,
        status=document.status,
        failure_reason=document.failure_reason,
        duplicate_of=extra.duplicate_of,
        has_thumbnail=document.thumbnail_key is not None,
        created_at=document.created_at,
        added_at=document.added_at,
        modified_at=document.modified_at,
        deleted_at=document.deleted_at,
        correspondent=extra.correspondent,
        document_type=extra.document_type,
        archive_serial_number=document.archive_serial_number,
        tags=extra.tags,
        custom_fields=[CustomFieldValue.model_construct(**value) for value in extra.custom_fields],
        search=(
            SearchHitOut.model_construct(
                score=float(hit.score), snippet=hit.snippet, pages=hit.pages, ranked=hit.ranked
            )
            if hit
            else None
        ),
    )


async def present_one(
    session: AsyncSession, principal: Principal, document: tables.Document
) -> Document:
    """A document with its text, metadata, tags, field values and notes."""
    extra = (await extras(session, principal, [document.id], notes=True)).get(
        document.id
    ) or Extras()
    return Document.model_validate(document).model_copy(
        update={
            "tags": extra.tags,
            "correspondent": extra.correspondent,
            "document_type": extra.document_type,
            "duplicate_of": extra.duplicate_of,
            "custom_fields": [CustomFieldValue.model_validate(v) for v in extra.custom_fields],
            "notes": [Note.model_validate(note) for note in extra.notes],
        }
    )


async def present_notes(
    session: AsyncSession, principal: Principal, document: tables.Document
) -> list[Note]:
    """A document's notes, oldest first."""
    extra = (await extras(session, principal, [document.id], notes=True)).get(document.id)
    return [Note.model_validate(note) for note in (extra.notes if extra else [])]
