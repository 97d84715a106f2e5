"""Statements that order search results by relevance: the score, and paging in
relevance order past the rank window."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from paless_shared.search.queries.index import (
    Languages,
    bound_numbers,
    number_parameters,
    numbers_of,
    tsquery,
)
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
# ts_rank of a one-word query with every weight 1 is sum_j 1/j^2 over the word's
# occurrences j = 1..n, divided by pi^2/6: 1/(pi^2/6 - rank * pi^2/6) - 1/(pi^2/6)
# gives n back (within 0.06).
_PI2_6 = 1.64493406685
_EVERY_FIELD: Any = literal_column("CAST('{1, 1, 1, 1}' AS real[])")
# Where a term occurs besides the text: in the title it counts about once more (the
# title is short and says what the document is), in a note half, in the file name a
# quarter. ts_rank's weights of D (text), C (notes), B (file name), A (title).
_FIELD_BONUS: Any = literal_column("CAST('{0, 0.5, 0.25, 1.0}' AS real[])")


# OFFSET 0, as written (not a parameter): Postgres keeps such a subquery apart
# rather than merging it into the outer query, so what it computes is computed once.
FENCE: Any = literal_column("0")


def _float(value: float) -> Any:
    return literal(value, Float)


def _occurrences(vector: Any, query: Any) -> Any:
    """How often the term occurs in the document (every field), from ts_rank."""
    saturation = func.ts_rank(_EVERY_FIELD, vector, query, 0, type_=Float) * _float(_PI2_6)
    inverse = _float(1.0) / func.greatest(_float(_PI2_6) - saturation, _float(0.001), type_=Float)
    bonus = func.ts_rank(_FIELD_BONUS, vector, query, 0, type_=Float) * _float(_PI2_6)
    return func.greatest(inverse - _float(1 / _PI2_6), _float(0.0), type_=Float) + bonus


def _bm25(length_ratio: Any, weights: Sequence[Any], counts: Sequence[Any]) -> Any:
    """Per term, its weight (rarity times K1 + 1) times its count, saturated and
    normalised by the document's length over the average (`length_ratio`), summed."""
    norm = _float(K1) * (_float(1 - B) + _float(B) * length_ratio)
    total: Any = _float(0.0)
    for weight, count in zip(weights, counts, strict=True):
        total = total + weight * count / (count + norm)
    return total


def _queries(relevance: Relevance) -> list[Any]:
    """Each term's tsquery, computed once per statement (not once per row)."""
    return [
        select(tsquery(term, relevance.languages)).scalar_subquery()
        for term, _weight in relevance.terms
    ]


def score_of(relevance: Relevance) -> Any:
    """BM25 from the index: per term, its rarity (IDF from `search_terms`) times its
    count in the document, saturated and normalised by the document's length against
    the average (distinct lexemes of the vector), summed over the terms. A term's count
    is read from ts_rank of the term alone (every field alike, plus a bonus for the
    title, notes and file name); terms match as written or stemmed, as the search does.
    (For a few rows: it reads the vector once per use; `relevance_rows` reads it once.)"""
    vector = Document.search_vector
    counts = [_occurrences(vector, query) for query in _queries(relevance)]
    if relevance.average_length > 0:
        ratio = cast(func.length(vector), Float) / _float(relevance.average_length)
    else:
        ratio = _float(1.0)
    weights = [_float(weight * (K1 + 1)) for _term, weight in relevance.terms]
    return _bm25(ratio, weights, counts)


def _scored(relevance: Relevance) -> tuple[Any, Any, dict[str, Any]]:
    """Per document row of the statement: its vector decompressed once (a LATERAL
    subquery kept apart by OFFSET 0), each term's count read from that copy once (a
    second one), and the score from those. Returns the second subquery, the score and
    the values of their bind parameters."""
    shape = tuple(len(numbers_of(term)) for term, _weight in relevance.terms)
    counts, score = _scored_shape(relevance.languages, shape, relevance.average_length > 0)
    parameters: dict[str, Any] = {"average_length": relevance.average_length}
    for n, (term, weight) in enumerate(relevance.terms):
        parameters[f"term_{n}"] = term
        parameters[f"weight_{n}"] = weight * (K1 + 1)
        parameters.update(number_parameters(term, prefix=f"term_{n}_"))
    return counts, score, parameters


@lru_cache(maxsize=64)
def _scored_shape(
    languages: Languages, numbers: tuple[int, ...], by_length: bool
) -> tuple[Any, Any]:
    """`_scored`'s statement parts, built once per shape (the languages, and per term
    how many numbers it holds), with the terms, their weights and the average length
    as bind parameters (building them was about a tenth of the web's time in
    `find_documents`)."""
    vector = (
        select(Document.search_vector.op("||")(cast("", TSVECTOR)).label("vector"))
        .correlate(Document)
        .offset(FENCE)
        .lateral("ranked_vector")
    )
    queries = [
        select(
            tsquery(
                bindparam(f"term_{n}", type_=Text),
                languages,
                bound_numbers(count, prefix=f"term_{n}_"),
            )
        ).scalar_subquery()
        for n, count in enumerate(numbers)
    ]
    counts = (
        select(
            func.length(vector.c.vector).label("length"),
            *(
                _occurrences(vector.c.vector, query).label(f"count_{n}")
                for n, query in enumerate(queries)
            ),
        )
        .offset(FENCE)
        .lateral("ranked_counts")
    )
    if by_length:
        ratio = cast(counts.c.length, Float) / bindparam("average_length", type_=Float)
    else:
        ratio = _float(1.0)
    weights = [bindparam(f"weight_{n}", type_=Float) for n in range(len(numbers))]
    columns = [counts.c[f"count_{n}"] for n in range(len(numbers))]
    return counts, _bm25(ratio, weights, columns)


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
        counts, score, parameters = _scored(relevance)
        sort_key = cast(score, Float)
        statement = (
            listing(sort_key, True).join(window, window.c.id == Document.id).join(counts, true())
        )
        statement = ordered(statement, sort_key, after, descending=True)
        rows = list((await session.execute(statement.limit(limit), parameters)).all())
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
