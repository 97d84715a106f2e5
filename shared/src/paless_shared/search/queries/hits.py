"""What a page of search results shows of each document: a highlighted snippet of
its text around the hits, its score, and the numbers of the pages that match."""

from __future__ import annotations

import html
import re
import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, Text, Uuid, any_, bindparam, case, cast, func, literal, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.search.filters import DocumentFilter
from paless_shared.search.queries import rank as ranking
from paless_shared.search.queries.index import (
    Languages,
    bound_numbers,
    number_parameters,
    numbers_of,
    regconfig,
    tsquery,
)
from paless_shared.tables import Document, DocumentPage, DocumentVersion

# Characters of text that snippets are cut from.
SNIPPET_SOURCE_CHARS = 20_000
# What ts_headline parses: enough for a fragment of 35 words around a hit (the window
# starts a quarter of its length before it). It parses every word it is given, so this
# window is most of a snippet's cost (1,200 characters took twice as long).
SNIPPET_WINDOW = 600
_QUERY_TERMS = re.compile(r'"([^"]*)"|(\S+)')
# Markers ts_headline puts around hits, replaced by <mark> after HTML-escaping the text.
# Removed from the text and title first (`_unmarked`), so a document cannot plant its own.
_START, _STOP = "\x02", "\x03"
# One fragment: ts_headline's multi-fragment mode costs several times more per document.
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15"


@lru_cache(maxsize=64)
def _snippets_statement(language: Languages, numbers: int, by_term: bool) -> Any:
    """The snippets of a page's rows for `q`, built once per shape with `q`, the first
    term and the ids as bind parameters (building the headline calls was about a tenth
    of the web's time in `find_documents`)."""
    config = regconfig(language.default)
    query = tsquery(bindparam("q", type_=Text), language, bound_numbers(numbers))
    if by_term:
        found = _term_in_text(bindparam("term", type_=Text))
        start = func.greatest(found.c.position - SNIPPET_WINDOW // 4, 1)
        source: Any = case(
            (found.c.position > 0, func.substr(found.c.head, start, SNIPPET_WINDOW)),
            else_=func.left(found.c.head, SNIPPET_WINDOW),
        )
    else:
        source = func.left(func.coalesce(Document.content, ""), SNIPPET_WINDOW)
    statement = select(
        Document.id,
        func.ts_headline(config, _unmarked(source), query, _HEADLINE_OPTIONS),
        func.ts_headline(config, _unmarked(Document.title), query, _HEADLINE_OPTIONS),
    ).where(Document.id == any_(bindparam("ids", type_=ARRAY(Uuid))))
    return statement.join_from(Document, found, true()) if by_term else statement


async def page_hits(
    session: AsyncSession,
    ids: list[uuid.UUID],
    filters: DocumentFilter,
    language: Languages,
    *,
    relevance: ranking.Relevance | None,
) -> list[tuple[uuid.UUID, str | None, float]]:
    """For each document: a highlighted excerpt of its text around the hits (HTML: the
    text escaped, hits in <mark>; of the title when the text has none) when searching
    with `q`, and its score (the same as relevance ordering uses; 0 without
    `relevance`)."""
    if filters.q:
        term = _first_term(filters.q)
        statement = _snippets_statement(language, len(numbers_of(filters.q)), term is not None)
        parameters: dict[str, Any] = {"q": filters.q, "ids": ids, **number_parameters(filters.q)}
        if term is not None:
            parameters["term"] = term
        if relevance:
            statement = statement.add_columns(cast(ranking.score_of(relevance), Float))
        result = await session.execute(statement, parameters)
    else:
        result = await session.execute(
            select(
                Document.id,
                literal(None),
                literal(None),
                cast(func.word_similarity(filters.title_like, Document.title), Float),
            ).where(Document.id.in_(ids))
        )
    hits = []
    for row in result:
        document_id, from_text, from_title = row[:3]
        rank = row[3] if len(row) > 3 else 0.0
        chosen = from_text if from_text and _START in from_text else from_title
        hits.append((document_id, _mark(chosen) if chosen else None, float(rank)))
    return hits


@lru_cache(maxsize=64)
def _pages_statement(language: Languages, numbers: int) -> Any:
    """The pages of a page's rows that match `q`, built once per shape."""
    # The page's words as written (accents folded) and their stems, as a document's
    # vector holds them, against the same query as the search.
    vector: Any = func.to_tsvector(regconfig("simple"), DocumentPage.text)
    if language.default != "simple":
        vector = vector.op("||")(func.to_tsvector(regconfig(language.default), DocumentPage.text))
    query = tsquery(bindparam("q", type_=Text), language, bound_numbers(numbers))
    return (
        select(Document.id, DocumentPage.number)
        .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
        .join(DocumentPage, DocumentPage.run_id == DocumentVersion.run_id)
        .where(Document.id == any_(bindparam("ids", type_=ARRAY(Uuid))), vector.op("@@")(query))
        .order_by(Document.id, DocumentPage.number)
    )


async def hit_pages(
    session: AsyncSession, ids: list[uuid.UUID], q: str, language: Languages
) -> dict[uuid.UUID, list[int]]:
    """For each document, the numbers of the pages (of its current version, as its
    last completed run read them) whose text matches `q`."""
    statement = _pages_statement(language, len(numbers_of(q)))
    parameters = {"q": q, "ids": ids, **number_parameters(q)}
    pages: dict[uuid.UUID, list[int]] = {}
    for document_id, number in await session.execute(statement, parameters):
        pages.setdefault(document_id, []).append(number)
    return pages


def _first_term(q: str) -> str | None:
    """The first word the query looks for (not an excluded one, not `or`)."""
    for quoted, word in _QUERY_TERMS.findall(q):
        term = (quoted or word).split()[0] if (quoted or word).split() else ""
        if term and not word.startswith("-") and term.lower() != "or":
            return term.strip('"').lower()
    return None


def _term_in_text(term: Any) -> Any:
    """Per document, where snippets are cut from: `head`, the beginning of its text
    (SNIPPET_SOURCE_CHARS, and a window more), and `position`, where `term` (the
    query's first word, `_first_term`) first appears in those SNIPPET_SOURCE_CHARS (0:
    nowhere, e.g. when only a stemmed form occurs; ts_headline still marks what it
    finds there).

    Two LATERAL subqueries kept apart (OFFSET 0): the text is read from TOAST and
    decompressed once, and searched once, rather than once per use in the expression
    (half the buffers the snippets read before)."""
    head = (
        select(
            func.substr(
                func.coalesce(Document.content, ""), 1, SNIPPET_SOURCE_CHARS + SNIPPET_WINDOW
            ).label("head")
        )
        .correlate(Document)
        .offset(ranking.FENCE)
        .lateral("snippet_text")
    )
    position = func.strpos(func.lower(func.left(head.c.head, SNIPPET_SOURCE_CHARS)), term)
    return (
        select(head.c.head, position.label("position"))
        .offset(ranking.FENCE)
        .lateral("snippet_source")
    )


def _unmarked(text: Any) -> Any:
    """The text without the characters ts_headline marks hits with."""
    return func.translate(text, _START + _STOP, "")


def _mark(headline: str) -> str:
    return html.escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>")
