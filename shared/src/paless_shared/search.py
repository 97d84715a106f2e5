"""Finding documents: filters, full-text search and keyset pagination, all in Postgres.

The search index is a stored `tsvector` per document (GIN-indexed) over the title
(weight A), file name and the names of its tags, correspondent and type (B), its notes
(C) and its text (D), so every web replica answers from the same index. Queries use
web-search syntax (`websearch_to_tsquery`): "exact phrase", -excluded, or.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    any_,
    case,
    cast,
    exists,
    func,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from paless_shared.access import Principal, can_view
from paless_shared.errors import InvalidInput
from paless_shared.models import (
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    Document,
    DocumentStatus,
    document_tags,
)
from paless_shared.pagination import decode_values, encode_values, invalid_cursor

# Characters of extracted text that go into the index and that snippets are cut from
# (a tsvector is limited to 1 MB; 300,000 characters is about a hundred dense pages).
SEARCH_CONTENT_CHARS = 300_000
SNIPPET_SOURCE_CHARS = 20_000
SNIPPET_WINDOW = 1_200
_QUERY_TERMS = re.compile(r'"([^"]*)"|(\S+)')
# Markers ts_headline puts around hits, replaced by <mark> after HTML-escaping the text.
_START, _STOP = "\x02", "\x03"
# One fragment: ts_headline's multi-fragment mode costs several times more per document.
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15"


class Sort(StrEnum):
    added_desc = "-added"
    added = "added"
    created_desc = "-created"
    created = "created"
    title_asc = "title"
    title_desc = "-title"
    relevance = "relevance"


class FieldOperator(StrEnum):
    eq = "eq"
    gt = "gt"
    gte = "gte"
    lt = "lt"
    lte = "lte"
    contains = "contains"
    exists = "exists"


@dataclass(frozen=True)
class FieldCondition:
    field_id: uuid.UUID
    operator: FieldOperator
    value: str

    @classmethod
    def parse(cls, raw: str) -> FieldCondition:
        """`<field id>:<operator>:<value>`, e.g. `…:gte:100` or `…:exists:true`."""
        parts = raw.split(":", 2)
        try:
            if len(parts) != 3:
                raise ValueError
            return cls(uuid.UUID(parts[0]), FieldOperator(parts[1]), parts[2])
        except ValueError:
            operators = ", ".join(op.value for op in FieldOperator)
            raise InvalidInput(
                f"custom_field: {raw!r} is not <field id>:<operator>:<value> "
                f"(operators: {operators})"
            ) from None


@dataclass(frozen=True)
class DocumentFilter:
    q: str | None = None
    title_like: str | None = None
    tags_all: Sequence[uuid.UUID] = ()
    tags_any: Sequence[uuid.UUID] = ()
    tags_none: Sequence[uuid.UUID] = ()
    is_tagged: bool | None = None
    correspondent: Sequence[uuid.UUID] = ()
    document_type: Sequence[uuid.UUID] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    added_after: datetime | None = None
    added_before: datetime | None = None
    status: Sequence[DocumentStatus] = ()
    custom_fields: Sequence[FieldCondition] = ()
    sort: Sort | None = None

    @property
    def effective_sort(self) -> Sort:
        if self.sort is not None:
            return self.sort
        return Sort.relevance if self.q or self.title_like else Sort.added_desc


@dataclass
class SearchHit:
    score: float
    snippet: str | None = None


@dataclass(frozen=True)
class Found:
    documents: Sequence[Document]
    hits: dict[uuid.UUID, SearchHit] = field(default_factory=dict)
    next_cursor: str | None = None


def regconfig(language: str) -> Any:
    return cast(literal(language), REGCONFIG)


# --- cursors: the sort, the last row's sort value and id ---


def _encode_cursor(sort: Sort, value: Any, row_id: uuid.UUID) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return encode_values([sort.value, value, str(row_id)])


def _decode_cursor(cursor: str, sort: Sort) -> tuple[Any, uuid.UUID]:
    cursor_sort, value, row_id = decode_values(cursor, 3)
    if cursor_sort != sort.value:
        raise InvalidInput(
            f"the cursor belongs to another sort order ({cursor_sort}); "
            "keep the query the same while paging"
        )
    try:
        if sort in (Sort.added, Sort.added_desc, Sort.created, Sort.created_desc):
            value = datetime.fromisoformat(value)
        elif sort is Sort.relevance:
            value = float(value)
        elif not isinstance(value, str):
            raise ValueError
        return value, uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise invalid_cursor() from None


# --- query building ---


def _tagged(tag_ids: Sequence[uuid.UUID] | None = None) -> ColumnElement[bool]:
    condition = document_tags.c.document_id == Document.id
    if tag_ids is not None:
        condition = and_(condition, document_tags.c.tag_id.in_(tag_ids))
    return exists().where(condition)


def _field_column(data_type: CustomFieldType) -> Any:
    return {
        CustomFieldType.string: CustomFieldValue.value_text,
        CustomFieldType.longtext: CustomFieldValue.value_text,
        CustomFieldType.url: CustomFieldValue.value_text,
        CustomFieldType.select: CustomFieldValue.value_text,
        CustomFieldType.date: CustomFieldValue.value_date,
        CustomFieldType.boolean: CustomFieldValue.value_bool,
        CustomFieldType.integer: CustomFieldValue.value_int,
        CustomFieldType.float: CustomFieldValue.value_float,
        CustomFieldType.monetary: CustomFieldValue.value_monetary,
        CustomFieldType.documentlink: CustomFieldValue.value_documents,
    }[data_type]


def _condition_value(custom_field: CustomField, condition: FieldCondition) -> Any:
    raw = condition.value
    data_type = custom_field.data_type
    try:
        if data_type is CustomFieldType.date:
            return date.fromisoformat(raw)
        if data_type is CustomFieldType.boolean:
            if raw.lower() not in ("true", "false"):
                raise ValueError
            return raw.lower() == "true"
        if data_type is CustomFieldType.integer:
            return int(raw)
        if data_type is CustomFieldType.float:
            return float(raw)
        if data_type is CustomFieldType.monetary:
            return Decimal(raw)
        if data_type is CustomFieldType.documentlink:
            return uuid.UUID(raw)
    except (ValueError, InvalidOperation):
        raise InvalidInput(
            f"custom_field: {raw!r} is not a valid {data_type.value} value "
            f"for field {custom_field.name!r}"
        ) from None
    return raw


def _field_condition(custom_field: CustomField, condition: FieldCondition) -> ColumnElement[bool]:
    column = _field_column(custom_field.data_type)
    base = and_(
        CustomFieldValue.document_id == Document.id,
        CustomFieldValue.field_id == custom_field.id,
    )
    operator = condition.operator
    if operator is FieldOperator.exists:
        if condition.value.lower() not in ("true", "false"):
            raise InvalidInput(
                f"custom_field: `exists` takes true or false, not {condition.value!r}"
            )
        present = exists().where(base, column.is_not(None))
        return present if condition.value.lower() == "true" else ~present
    value = _condition_value(custom_field, condition)
    data_type = custom_field.data_type
    text_like = data_type in (
        CustomFieldType.string,
        CustomFieldType.longtext,
        CustomFieldType.url,
        CustomFieldType.select,
    )
    if operator is FieldOperator.contains:
        if data_type is CustomFieldType.documentlink:
            return exists().where(base, value == any_(column))
        if not text_like:
            raise InvalidInput(
                f"custom_field: `contains` applies to text fields; {custom_field.name!r} "
                f"is {data_type.value}"
            )
        return exists().where(base, column.icontains(value, autoescape=True))
    if operator is FieldOperator.eq:
        if data_type is CustomFieldType.documentlink:
            return exists().where(base, value == any_(column))
        return exists().where(base, column == value)
    if data_type in (CustomFieldType.boolean, CustomFieldType.documentlink):
        raise InvalidInput(
            f"custom_field: `{operator.value}` does not apply to {data_type.value} field "
            f"{custom_field.name!r}"
        )
    compare = {
        FieldOperator.gt: column > value,
        FieldOperator.gte: column >= value,
        FieldOperator.lt: column < value,
        FieldOperator.lte: column <= value,
    }[operator]
    return exists().where(base, compare)


async def _custom_fields(
    session: AsyncSession, principal: Principal, ids: set[uuid.UUID]
) -> dict[uuid.UUID, CustomField]:
    if not ids:
        return {}
    result = await session.execute(
        select(CustomField).where(CustomField.id.in_(ids), can_view(CustomField, principal))
    )
    found = {custom_field.id: custom_field for custom_field in result.scalars()}
    missing = ids - found.keys()
    if missing:
        raise InvalidInput(f"custom_field: no such field: {', '.join(sorted(map(str, missing)))}")
    return found


async def find_documents(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    *,
    language: str,
    limit: int,
    cursor: str | None = None,
    trashed: bool = False,
    rank_window: int = 1000,
) -> Found:
    """One page of the documents the principal may see that pass every filter."""
    sort = filters.effective_sort
    config = regconfig(language)
    query = func.websearch_to_tsquery(config, filters.q) if filters.q else None

    conditions: list[ColumnElement[bool]] = [
        can_view(Document, principal),
        Document.deleted_at.is_not(None) if trashed else Document.deleted_at.is_(None),
    ]
    if query is not None:
        conditions.append(Document.search_vector.bool_op("@@")(query))
    if filters.title_like:
        # word_similarity(title_like, title) >= pg_trgm.word_similarity_threshold (0.6),
        # answered from the trigram index.
        conditions.append(literal(filters.title_like).bool_op("<%")(Document.title))
    for tag_id in filters.tags_all:
        conditions.append(_tagged([tag_id]))
    if filters.tags_any:
        conditions.append(_tagged(filters.tags_any))
    if filters.tags_none:
        conditions.append(~_tagged(filters.tags_none))
    if filters.is_tagged is not None:
        conditions.append(_tagged() if filters.is_tagged else ~_tagged())
    if filters.correspondent:
        conditions.append(Document.correspondent_id.in_(filters.correspondent))
    if filters.document_type:
        conditions.append(Document.document_type_id.in_(filters.document_type))
    if filters.created_after is not None:
        conditions.append(Document.created_at >= filters.created_after)
    if filters.created_before is not None:
        conditions.append(Document.created_at < filters.created_before)
    if filters.added_after is not None:
        conditions.append(Document.added_at >= filters.added_after)
    if filters.added_before is not None:
        conditions.append(Document.added_at < filters.added_before)
    if filters.status:
        conditions.append(Document.status.in_(filters.status))
    if filters.custom_fields:
        fields = await _custom_fields(
            session, principal, {condition.field_id for condition in filters.custom_fields}
        )
        for condition in filters.custom_fields:
            conditions.append(_field_condition(fields[condition.field_id], condition))

    if sort is Sort.relevance:
        if query is not None:
            score: Any = func.ts_rank(Document.search_vector, query)
        elif filters.title_like:
            score = func.word_similarity(filters.title_like, Document.title)
        else:
            raise InvalidInput("sort: relevance needs `q` or `title_like`")
        sort_key: Any = cast(score, Float)
        descending = True
    else:
        score = None
        sort_key = {
            Sort.added: Document.added_at,
            Sort.added_desc: Document.added_at,
            Sort.created: Document.created_at,
            Sort.created_desc: Document.created_at,
            Sort.title_asc: Document.title,
            Sort.title_desc: Document.title,
        }[sort]
        descending = sort.value.startswith("-")

    statement: Select[Any] = select(Document, sort_key.label("sort_key")).options(
        defer(Document.content), defer(Document.pdf_metadata)
    )
    if sort is Sort.relevance and query is not None:
        # Ranking reads each candidate's whole vector (TOASTed, a few KB): bounded to
        # the newest `rank_window` matches, so a word in every document costs the
        # same at 100k documents as at 10k. Rarer words rank all their matches.
        window = (
            select(Document.id)
            .where(*conditions)
            .order_by(Document.added_at.desc(), Document.id.desc())
            .limit(rank_window)
            .subquery()
        )
        statement = statement.join(window, window.c.id == Document.id)
    else:
        statement = statement.where(*conditions)
    if cursor:
        value, row_id = _decode_cursor(cursor, sort)
        position = tuple_(sort_key, Document.id)
        statement = statement.where(
            position < tuple_(literal(value, sort_key.type), literal(row_id, Document.id.type))
            if descending
            else position > tuple_(literal(value, sort_key.type), literal(row_id, Document.id.type))
        )
    if descending:
        statement = statement.order_by(sort_key.desc(), Document.id.desc())
    else:
        statement = statement.order_by(sort_key.asc(), Document.id.asc())
    if query is not None or filters.title_like:
        # asyncpg prepares every statement, and after five runs Postgres may switch a
        # prepared statement to a generic plan that ignores the values; for a search
        # (how common is this word?) that plan can be many times slower. Plan this
        # transaction's statements with their values.
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows = (await session.execute(statement.limit(limit + 1))).all()

    page = rows[:limit]
    documents = [row[0] for row in page]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = _encode_cursor(sort, last.sort_key, last[0].id)
    hits: dict[uuid.UUID, SearchHit] = {}
    if score is not None:
        hits = {row[0].id: SearchHit(score=float(row.sort_key)) for row in page}
    if (filters.q or filters.title_like) and documents:
        # Snippets, and scores when the page is sorted by something else, for the
        # page's rows only.
        for document_id, snippet, rank in await _page_hits(
            session,
            [document.id for document in documents],
            filters,
            language,
            with_scores=score is None,
        ):
            hit = hits.setdefault(document_id, SearchHit(score=rank))
            hit.snippet = snippet
    return Found(documents=documents, hits=hits, next_cursor=next_cursor)


async def _page_hits(
    session: AsyncSession,
    ids: list[uuid.UUID],
    filters: DocumentFilter,
    language: str,
    *,
    with_scores: bool,
) -> list[tuple[uuid.UUID, str | None, float]]:
    """For each document: a highlighted excerpt of its text around the hits (HTML: the
    text escaped, hits in <mark>; of the title when the text has none) when searching
    with `q`, and its score (the same as relevance ordering uses)."""
    config = regconfig(language)
    columns: list[Any] = [Document.id]
    if filters.q:
        query = func.websearch_to_tsquery(config, filters.q)
        source = _snippet_source(filters.q)
        columns += [
            func.ts_headline(config, source, query, _HEADLINE_OPTIONS),
            func.ts_headline(config, Document.title, query, _HEADLINE_OPTIONS),
            cast(func.ts_rank(Document.search_vector, query), Float)
            if with_scores
            else literal(0.0),
        ]
    else:
        columns += [
            literal(None),
            literal(None),
            cast(func.word_similarity(filters.title_like, Document.title), Float),
        ]
    result = await session.execute(select(*columns).where(Document.id.in_(ids)))
    hits = []
    for document_id, from_text, from_title, rank in result:
        chosen = from_text if from_text and _START in from_text else from_title
        hits.append((document_id, _mark(chosen) if chosen else None, float(rank)))
    return hits


def _first_term(q: str) -> str | None:
    """The first word the query looks for (not an excluded one, not `or`)."""
    for quoted, word in _QUERY_TERMS.findall(q):
        term = (quoted or word).split()[0] if (quoted or word).split() else ""
        if term and not word.startswith("-") and term.lower() != "or":
            return term.strip('"').lower()
    return None


def _snippet_source(q: str) -> Any:
    """The stretch of text ts_headline works on: SNIPPET_WINDOW characters around the
    first place the query's first word appears within the first SNIPPET_SOURCE_CHARS
    (ts_headline parses all it is given: a window keeps snippets cheap on long
    documents), else the beginning of the text (e.g. when only a stemmed form of the
    word occurs; ts_headline still marks what it finds there)."""
    text = func.coalesce(Document.content, "")
    term = _first_term(q)
    if term is None:
        return func.left(text, SNIPPET_WINDOW)
    position = func.strpos(func.lower(func.left(text, SNIPPET_SOURCE_CHARS)), term)
    start = func.greatest(position - SNIPPET_WINDOW // 4, 1)
    return case(
        (position > 0, func.substr(text, start, SNIPPET_WINDOW)),
        else_=func.left(text, SNIPPET_WINDOW),
    )


def _mark(headline: str) -> str:
    return html.escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>")


# --- keeping the index current ---

_REFRESH = text(
    """
    UPDATE documents AS d SET search_vector =
        setweight(to_tsvector(CAST(:language AS regconfig), d.title), 'A')
        || setweight(to_tsvector(CAST(:language AS regconfig), concat_ws(' ',
            d.original_filename,
            (SELECT string_agg(t.name, ' ') FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
              WHERE dt.document_id = d.id),
            (SELECT c.name FROM correspondents c WHERE c.id = d.correspondent_id),
            (SELECT y.name FROM document_types y WHERE y.id = d.document_type_id))), 'B')
        || setweight(to_tsvector(CAST(:language AS regconfig), coalesce(
            (SELECT string_agg(n.text, ' ') FROM notes n WHERE n.document_id = d.id), '')), 'C')
        || setweight(to_tsvector(CAST(:language AS regconfig),
            left(coalesce(d.content, ''), :limit)), 'D')
    WHERE d.id = ANY(:ids)
    """
)


async def refresh_search(
    session: AsyncSession, document_ids: Sequence[uuid.UUID], *, language: str
) -> None:
    """Recompute the search vectors of these documents (after any change to what they
    index: title, text, notes, tags, correspondent, type, or one of those names)."""
    if not document_ids:
        return
    await session.execute(
        _REFRESH,
        {"language": language, "limit": SEARCH_CONTENT_CHARS, "ids": list(document_ids)},
    )


async def reindex_all(session: AsyncSession, *, language: str, batch: int = 1000) -> int:
    """Recompute every document's vector (after changing PALESS_SEARCH_LANGUAGE)."""
    done = 0
    after: uuid.UUID | None = None
    while True:
        statement = select(Document.id).order_by(Document.id).limit(batch)
        if after is not None:
            statement = statement.where(Document.id > after)
        ids = list((await session.execute(statement)).scalars())
        if not ids:
            return done
        await refresh_search(session, ids, language=language)
        await session.commit()
        done += len(ids)
        after = ids[-1]


__all__ = [
    "DocumentFilter",
    "FieldCondition",
    "FieldOperator",
    "Found",
    "SearchHit",
    "Sort",
    "find_documents",
    "refresh_search",
    "reindex_all",
]
