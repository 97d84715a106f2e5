"""Documents as the API answers them: the row, plus its tags, custom field values and
notes (read for a whole page at once by `documents.read`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

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
    documents: Sequence[tables.Document],
    *,
    hits: Mapping[uuid.UUID, SearchHit] | None = None,
) -> list[DocumentSummary]:
    """Documents as list items, with their tags and field values (one query each for
    the whole page)."""
    found = await extras(session, principal, [document.id for document in documents])
    items = []
    for document in documents:
        extra = found.get(document.id) or Extras()
        hit = (hits or {}).get(document.id)
        items.append(
            DocumentSummary.model_validate(document).model_copy(
                update={
                    "tags": extra.tags,
                    "correspondent": extra.correspondent,
                    "document_type": extra.document_type,
                    "duplicate_of": extra.duplicate_of,
                    "custom_fields": [
                        CustomFieldValue.model_validate(value) for value in extra.custom_fields
                    ],
                    "search": SearchHitOut(score=hit.score, snippet=hit.snippet, pages=hit.pages)
                    if hit
                    else None,
                }
            )
        )
    return items


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
