"""Statements that order search results by relevance: the score, and paging in
relevance order past the rank window."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from paless_shared.search.queries.index import Languages, tsquery
from paless_shared.tables import Document


@dataclass(frozen=True)
class Relevance:
    """How relevance order scores a query: its terms (the words and phrases it asks
    for, not the excluded ones) each with its rarity weight, the corpus's average
    vector length, the languages the terms are stemmed in, and how many of the newest
    matches are ranked (the rest follow newest first)."""

    terms: tuple[tuple[str, float], ...]
    average_length: float
    languages: Languages
    window: int


# BM25's constants: how fast a term's count saturates, how much length counts.
K1 = 1.2
B = 0.75
# A term in the title counts as this many more occurrences (the title is short and
# says what the document is).
TITLE_BONUS = 1.0
# ts_rank of a one-word query with every weight 1 is sum_j 1/j^2 over the word's
# occurrences j = 1..n, divided by pi^2/6: 1/(pi^2/6 - rank * pi^2/6) - 1/(pi^2/6)
# gives n back (within 0.06).
_PI2_6 = 1.64493406685
_EVERY_FIELD: Any = literal_column("CAST('{1, 1, 1, 1}' AS real[])")
_TITLE_ONLY: Any = literal_column("CAST('{0, 0, 0, 1}' AS real[])")


def _occurrences(vector: Any, query: Any) -> Any:
    """How often the term occurs in the document (every field), from ts_rank."""
    saturation = func.ts_rank(_EVERY_FIELD, vector, query, 0) * _PI2_6
    return func.greatest(
        1.0 / func.greatest(_PI2_6 - saturation, 0.001) - 1.0 / _PI2_6, 0.0
    ) + TITLE_BONUS * func.sign(func.ts_rank(_TITLE_ONLY, vector, query, 0))


def score_of(relevance: Relevance, vector: Any = Document.search_vector) -> Any:
    """BM25 from the index: per term, its rarity (IDF from `search_terms`) times its
    count in the document, saturated and normalised by the document's length against
    the average (distinct lexemes of the vector), summed over the terms. A term's count
    is read from ts_rank of the term alone (every field alike, plus a bonus for the
    title); terms match as written or stemmed, as the search does."""
    if relevance.average_length > 0:
        length = func.length(vector) / relevance.average_length
    else:
        length = literal(1.0)
    norm = K1 * ((1 - B) + B * length)
    total: Any = literal(0.0)
    for term, weight in relevance.terms:
        count = _occurrences(vector, tsquery(term, relevance.languages))
        total = total + weight * count * (K1 + 1) / (count + norm)
    return total


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
    relevance: Relevance,
    limit: int,
    after: tuple[Any, uuid.UUID] | None,
) -> list[Any]:
    rows: list[Any] = []
    rank_window = relevance.window
    newest_first = (Document.added_at.desc(), Document.id.desc())
    if after is None or isinstance(after[0], float):
        # Ranking reads each candidate's whole vector (TOASTed, a few KB): bounded to
        # the newest `window` matches, so a word in every document costs the same at
        # 100k documents as at 10k. Rarer words rank all their matches.
        window = (
            select(Document.id)
            .where(*conditions)
            .order_by(*newest_first)
            .limit(rank_window)
            .subquery()
        )
        # Each vector is read (and decompressed) once, not once per use in the score:
        # OFFSET 0 keeps the subquery apart, so the score reads its copy.
        vectors = (
            select(
                Document.id,
                Document.search_vector.op("||")(cast("", TSVECTOR)).label("vector"),
            )
            .join(window, window.c.id == Document.id)
            .offset(0)
            .subquery()
        )
        scores = select(
            vectors.c.id, cast(score_of(relevance, vectors.c.vector), Float).label("score")
        ).subquery()
        sort_key = scores.c.score
        statement = listing(sort_key, True).join(scores, scores.c.id == Document.id)
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
