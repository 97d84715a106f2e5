"""Statements that keep the search index current: a stored `tsvector` per document
(GIN-indexed) over the title (weight A), file name (B), notes (C) and text (D)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import cast, literal, select, text
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Document

# Characters of extracted text that go into the index and that snippets are cut from
# (a tsvector is limited to 1 MB; 300,000 characters is about a hundred dense pages).
SEARCH_CONTENT_CHARS = 300_000


def regconfig(language: str) -> Any:
    """The text search configuration (PALESS_SEARCH_LANGUAGE) as a query value."""
    return cast(literal(language), REGCONFIG)


_REFRESH = text(
    """
    UPDATE documents AS d SET search_vector =
        setweight(to_tsvector(CAST(:language AS regconfig), d.title), 'A')
        || setweight(to_tsvector(CAST(:language AS regconfig), d.original_filename), 'B')
        || setweight(to_tsvector(CAST(:language AS regconfig), coalesce(
            (SELECT string_agg(n.text, ' ') FROM notes n WHERE n.document_id = d.id), '')), 'C')
        || setweight(to_tsvector(CAST(:language AS regconfig),
            left(coalesce(d.content, ''), :limit)), 'D')
    WHERE d.id = ANY(:ids)
    """
)


async def refresh(session: AsyncSession, document_ids: Sequence[uuid.UUID], language: str) -> None:
    """Recompute the search vectors of these documents."""
    await session.execute(
        _REFRESH,
        {"language": language, "limit": SEARCH_CONTENT_CHARS, "ids": list(document_ids)},
    )


async def document_ids_after(
    session: AsyncSession, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """Every document's id (trashed too), in id order, a batch at a time."""
    statement = select(Document.id).order_by(Document.id).limit(limit)
    if after is not None:
        statement = statement.where(Document.id > after)
    return list((await session.execute(statement)).scalars())
