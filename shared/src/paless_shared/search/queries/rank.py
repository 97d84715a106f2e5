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
from paless_shared.tables import Document, document_tags


@dataclass(frozen=True)
class Relevance:
    """How relevance order scores a query: its terms (the words and phrases it asks
    for, not the excluded ones) each with its rarity weight, the corpus's average
    vector length, the languages the terms are stemmed in, and how many of the newest
    matches are ranked (the rest follow newest first), and how common its matches are
    expected to be."""

    terms: tuple[tuple[str, float], ...]
    average_length: float
    languages: Languages
    window: int
    # The share of documents the query is expected to match, from its words' counts
    # (as if they occurred independently); 0 when not known.
    density: float = 0.0


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


# From this expected share of documents matching (`Relevance.density`) up, a ranked
# search with a tag filter walks the tag's documents newest first (`_newest`) and
# tests the words on each: it reads at most about window / density vectors, where the
# GIN indexes' bitmaps would hold an entry for every document holding the words.
WALK_DENSITY = 0.5


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


def _newest(
    statement: Any, conditions: list[ColumnElement[bool]], tag: uuid.UUID | None
) -> tuple[Any, tuple[Any, Any]]:
    """`statement` (of documents) restricted to those passing `conditions`, and the two
    columns that order them newest first. With `tag` (one they must all carry), from
    the tag's rows of `document_tags`, which an index gives in date order
    (`ix_document_tags_tag_added`): the newest matches of a common word are then the
    tag's newest documents, tested one by one until there are enough, however many
    documents the tag is on. (For a rare word the planner still takes the GIN indexes'
    bitmaps, and sorts the few rows they give.)"""
    if tag is None:
        return statement.where(*conditions), (Document.added_at, Document.id)
    walked = statement.select_from(
        document_tags.join(Document, Document.id == document_tags.c.document_id)
    ).where(document_tags.c.tag_id == literal(tag, document_tags.c.tag_id.type), *conditions)
    return walked, (document_tags.c.added_at, document_tags.c.document_id)


async def relevance_rows(
    session: AsyncSession,
    conditions: list[ColumnElement[bool]],
    relevance: Relevance,
    limit: int,
    after: tuple[Any, uuid.UUID] | None,
    tag: uuid.UUID | None = None,
) -> list[Any]:
    """A page in relevance order (see `find_rows`); `tag`: a tag every match carries
    (`_newest`)."""
    rows: list[Any] = []
    rank_window = relevance.window
    if after is None or isinstance(after[0], float):
        # Ranking reads each candidate's whole vector (TOASTed, a few KB): bounded to
        # the newest `window` matches, so a word in every document costs the same at
        # 100k documents as at 10k. Rarer words rank all their matches.
        candidates, (added, row_id) = _newest(select(Document.id), conditions, tag)
        window = candidates.order_by(added.desc(), row_id.desc()).limit(rank_window).subquery()
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
        edges, (added, row_id) = _newest(select(Document.added_at, Document.id), conditions, tag)
        edge = (
            await session.execute(
                edges.order_by(added.desc(), row_id.desc()).offset(rank_window - 1).limit(1)
            )
        ).first()
        if edge is None:
            return rows
        before: tuple[Any, uuid.UUID] = (edge[0], edge[1])
    else:
        before = after
    rest, (added, row_id) = _newest(listing(Document.added_at, False), conditions, tag)
    older = tuple_(added, row_id) < tuple_(
        literal(before[0], Document.added_at.type), literal(before[1], Document.id.type)
    )
    rest = rest.where(older).order_by(added.desc(), row_id.desc()).limit(limit - len(rows))
    rows.extend((await session.execute(rest)).all())
    return rows
