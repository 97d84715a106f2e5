"""Statements that order search results by relevance: the score, and paging in
relevance order past the rank window."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    cast,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from paless_shared.tables import Document


def score_of(query: Any) -> Any:
    """Relevance of a document to a tsquery: cover density (how close together, and
    how often, the words occur, weighted by field: title > file name > notes > text)
    divided by the document's length, so that a short document about the words ranks
    above a long one that mentions them in passing; a query word in few documents
    makes few covers, so a document that repeats the rare word ranks higher."""
    return func.ts_rank_cd(_WEIGHTS, Document.search_vector, query, RANK_NORMALISATION)


# ts_rank_cd's weights of D (text), C (notes), B (file name), A (title).
_WEIGHTS: Any = literal_column("CAST('{0.1, 0.3, 0.4, 1.0}' AS real[])")
# 2: divide by the document's length.
RANK_NORMALISATION = 2


def listing(sort_key: Any, ranked: bool) -> Select[Any]:
    return select(Document, sort_key.label("sort_key"), literal(ranked).label("ranked")).options(
        defer(Document.content), defer(Document.pdf_metadata)
    )


def ordered(
    statement: Select[Any], sort_key: Any, after: tuple[Any, uuid.UUID] | None, descending: bool
) -> Select[Any]:
    if after is not None:
        value, row_id = after
        position = tuple_(sort_key, Document.id)
        bound = tuple_(literal(value, sort_key.type), literal(row_id, Document.id.type))
        statement = statement.where(position < bound if descending else position > bound)
    if descending:
        return statement.order_by(sort_key.desc(), Document.id.desc())
    return statement.order_by(sort_key.asc(), Document.id.asc())


async def relevance_rows(
    session: AsyncSession,
    conditions: list[ColumnElement[bool]],
    query: Any,
    limit: int,
    after: tuple[Any, uuid.UUID] | None,
    rank_window: int,
) -> list[Any]:
    rows: list[Any] = []
    newest_first = (Document.added_at.desc(), Document.id.desc())
    if after is None or isinstance(after[0], float):
        # Ranking reads each candidate's whole vector (TOASTed, a few KB): bounded to
        # the newest `rank_window` matches, so a word in every document costs the
        # same at 100k documents as at 10k. Rarer words rank all their matches.
        window = (
            select(Document.id)
            .where(*conditions)
            .order_by(*newest_first)
            .limit(rank_window)
            .subquery()
        )
        sort_key = cast(score_of(query), Float)
        statement = listing(sort_key, True).join(window, window.c.id == Document.id)
        statement = ordered(statement, sort_key, after, descending=True)
        rows = list((await session.execute(statement.limit(limit))).all())
        if len(rows) >= limit:
            return rows
        if after is None and len(rows) < rank_window:
            # The first page holds the whole window, which is not full: nothing older.
            return rows
        # The rest: matches older than the window, newest first.
        edge = (
            await session.execute(
                select(Document.added_at, Document.id)
                .where(*conditions)
                .order_by(*newest_first)
                .offset(rank_window - 1)
                .limit(1)
            )
        ).first()
        if edge is None:
            return rows
        before: tuple[Any, uuid.UUID] = (edge[0], edge[1])
    else:
        before = after
    rest = (
        listing(Document.added_at, False)
        .where(
            *conditions,
            tuple_(Document.added_at, Document.id)
            < tuple_(
                literal(before[0], Document.added_at.type), literal(before[1], Document.id.type)
            ),
        )
        .order_by(*newest_first)
        .limit(limit - len(rows))
    )
    rows.extend((await session.execute(rest)).all())
    return rows
