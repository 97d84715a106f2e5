"""Statements that keep the search index current: a stored `tsvector` per document
(GIN-indexed) over the title (weight A), file name (B), notes (C) and text (D).

Each vector holds the words as written, accents folded (configuration `paless_simple`),
and, where they differ, their stems in the document's language (`paless_<language>`):
a query matches either, so "invoices" finds "invoice" while codes and names still
match exactly (see `tsquery`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import cast, func, literal, select, text
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Document

# Characters of extracted text that go into the index and that snippets are cut from
# (a tsvector is limited to 1 MB; 300,000 characters is about a hundred dense pages).
SEARCH_CONTENT_CHARS = 300_000

EXACT = "paless_simple"
# Tesseract's language codes (what OCR records) as text search configurations.
_TESSERACT = {
    "eng": "english",
    "deu": "german",
    "fra": "french",
    "spa": "spanish",
    "ita": "italian",
    "nld": "dutch",
    "por": "portuguese",
    "swe": "swedish",
    "dan": "danish",
    "nor": "norwegian",
    "fin": "finnish",
    "rus": "russian",
}


def stemming(language: str) -> str:
    """The accent-folding configuration that stems words of this language."""
    return EXACT if language == "simple" else f"paless_{language}"


def regconfig(language: str) -> Any:
    """The exact-form configuration for snippets (stems are matched by `tsquery`)."""
    return cast(literal(stemming(language)), REGCONFIG)


def tsquery(q: Any, language: str) -> Any:
    """`q` (web-search syntax) as a tsquery that matches the words as written (accents
    folded) or their stems in `language`."""
    exact = func.websearch_to_tsquery(cast(literal(EXACT), REGCONFIG), q)
    if language == "simple":
        return exact
    stemmed = func.websearch_to_tsquery(cast(literal(stemming(language)), REGCONFIG), q)
    return exact.op("||")(stemmed)


_REFRESH = text(
    """
    UPDATE documents AS d SET search_vector = v.exact || ts_delete(
            v.stemmed, tsvector_to_array(v.exact))
    FROM (
        SELECT x.id,
            setweight(to_tsvector('paless_simple', x.title), 'A')
            || setweight(to_tsvector('paless_simple', x.original_filename), 'B')
            || setweight(to_tsvector('paless_simple', x.notes), 'C')
            || setweight(to_tsvector('paless_simple', x.content), 'D') AS exact,
            CASE WHEN x.config = CAST('paless_simple' AS regconfig) THEN ''::tsvector ELSE
                setweight(to_tsvector(x.config, x.title), 'A')
                || setweight(to_tsvector(x.config, x.original_filename), 'B')
                || setweight(to_tsvector(x.config, x.notes), 'C')
                || setweight(to_tsvector(x.config, x.content), 'D') END AS stemmed
        FROM (
            SELECT d.id, d.title, d.original_filename,
                CAST(CASE WHEN l.name = 'simple' THEN 'paless_simple'
                     ELSE 'paless_' || l.name END AS regconfig) AS config,
                coalesce((SELECT string_agg(n.text, ' ') FROM notes n
                          WHERE n.document_id = d.id), '') AS notes,
                left(coalesce(d.content, ''), :limit) AS content
            FROM documents d,
                LATERAL (SELECT coalesce(CAST(:codes AS jsonb) ->> coalesce(d.language, :language),
                                         coalesce(d.language, :language)) AS name) AS l
            WHERE d.id = ANY(:ids)
        ) AS x
    ) AS v
    WHERE d.id = v.id
    """
)


async def refresh(session: AsyncSession, document_ids: Sequence[uuid.UUID], language: str) -> None:
    """Recompute the search vectors of these documents."""
    await session.execute(
        _REFRESH,
        {
            "language": language,
            "limit": SEARCH_CONTENT_CHARS,
            "ids": list(document_ids),
            "codes": json.dumps(_TESSERACT),
        },
    )


async def document_ids_after(
    session: AsyncSession, after: uuid.UUID | None, limit: int
) -> list[uuid.UUID]:
    """Every document's id (trashed too), in id order, a batch at a time."""
    statement = select(Document.id).order_by(Document.id).limit(limit)
    if after is not None:
        statement = statement.where(Document.id > after)
    return list((await session.execute(statement)).scalars())
