"""Statements that find documents: filters, full-text conditions, ranking and
snippets. Queries use web-search syntax (`websearch_to_tsquery`): "exact phrase",
-excluded, or.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Text,
    Uuid,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view
from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.principal import Principal
from paless_shared.search.filters import (
    DocumentFilter,
    FieldCondition,
    FieldOperator,
    Sort,
    condition_value,
)
from paless_shared.search.queries import rank as ranking
from paless_shared.search.queries.index import (
    Languages,
    bound_numbers,
    number_parameters,
    numbers_of,
    regconfig,
    tsquery,
)
from paless_shared.search.queries.lists import SORT_KEYS, tagged_visibly_as
from paless_shared.search.queries.names import text_condition
from paless_shared.search.terms import NamedObjects
from paless_shared.tables import (
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    Document,
    DocumentPage,
    DocumentVersion,
)

# Characters of text that snippets are cut from.
SNIPPET_SOURCE_CHARS = 20_000
SNIPPET_WINDOW = 1_200
_QUERY_TERMS = re.compile(r'"([^"]*)"|(\S+)')
# Markers ts_headline puts around hits, replaced by <mark> after HTML-escaping the text.
# Removed from the text and title first (`_unmarked`), so a document cannot plant its own.
_START, _STOP = "\x02", "\x03"
# One fragment: ts_headline's multi-fragment mode costs several times more per document.
_HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15"


def _tag_array(tag_ids: Sequence[uuid.UUID]) -> Any:
    return literal(list(tag_ids), Document.tag_ids.type)


def _tagged_all(tag_ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    """Carries every one of the tags: `tag_ids @> …`, answered by the array's GIN
    index (with `q`, in a bitmap AND with the search vector's)."""
    return Document.tag_ids.contains(_tag_array(tag_ids))


def _tagged_any(tag_ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    """Carries at least one of the tags: `tag_ids && …`."""
    overlaps: ColumnElement[bool] = Document.tag_ids.overlap(_tag_array(tag_ids))
    return overlaps


def _tagged_visibly(principal: Principal) -> ColumnElement[bool]:
    """Carries a tag the principal may see (tags they may not see do not count)."""
    return tagged_visibly_as(principal.user_id, is_admin=principal.is_admin)


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
    value = condition_value(custom_field, condition)
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


async def visible_fields(
    session: AsyncSession, principal: Principal, ids: set[uuid.UUID]
) -> dict[uuid.UUID, CustomField]:
    """The custom fields filtered on; 422 naming those the principal cannot see."""
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


def filter_conditions(
    principal: Principal,
    filters: DocumentFilter,
    fields: dict[uuid.UUID, CustomField],
    *,
    language: Languages,
    named: Mapping[str, NamedObjects],
    rest_has_lexemes: Sequence[bool],
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a document list: visible, not trashed, and every filter.
    `named` and `rest_has_lexemes`: what `text_condition` needs when words of `q` name
    objects."""
    conditions: list[ColumnElement[bool]] = [
        can_view(Document, principal),
        Document.deleted_at.is_(None),
    ]
    if filters.q:
        # With a tag filter, the word from its GIN index ANDed with the tags' (`matches`).
        by_tags = bool(filters.tags_all or filters.tags_any)
        conditions.append(
            text_condition(filters.q, named, rest_has_lexemes, language, opaque=by_tags)
        )
    if filters.title_like:
        # word_similarity(title_like, title) >= pg_trgm.word_similarity_threshold (0.6),
        # answered from the trigram index.
        conditions.append(literal(filters.title_like).bool_op("<%")(Document.title))
    if filters.tags_all:
        conditions.append(_tagged_all(filters.tags_all))
    if filters.tags_any:
        conditions.append(_tagged_any(filters.tags_any))
    if filters.tags_none:
        conditions.append(~_tagged_any(filters.tags_none))
    if filters.is_tagged is not None:
        tagged = _tagged_visibly(principal)
        conditions.append(tagged if filters.is_tagged else ~tagged)
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
    for condition in filters.custom_fields:
        conditions.append(_field_condition(fields[condition.field_id], condition))
    return conditions


async def find_rows(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    fields: dict[uuid.UUID, CustomField],
    *,
    language: Languages,
    limit: int,
    after: tuple[Any, uuid.UUID] | None,
    relevance: ranking.Relevance | None,
    named: Mapping[str, NamedObjects],
    rest_has_lexemes: Sequence[bool],
) -> tuple[Sequence[Any], bool]:
    """Up to `limit` rows (document, sort_key, ranked) the principal may see that pass
    every filter, after the cursor position `after`; and whether the order is by score.

    Relevance order with `q`: the newest `relevance.window` matches, by score (ranked);
    then every older match, newest first (ranked false, sort_key its added_at). Each
    page reads at most `relevance.window` vectors, and every match is reachable by
    paging."""
    sort = filters.effective_sort
    conditions = filter_conditions(
        principal,
        filters,
        fields,
        language=language,
        named=named,
        rest_has_lexemes=rest_has_lexemes,
    )
    if filters.q or filters.title_like:
        # asyncpg prepares every statement, and after five runs Postgres may switch a
        # prepared statement to a generic plan that ignores the values; for a search
        # (how common is this word?) that plan can be many times slower. Plan this
        # transaction's statements with their values.
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    if sort is Sort.relevance and filters.q and relevance is not None:
        return await ranking.relevance_rows(session, conditions, relevance, limit, after), True

    if sort is Sort.relevance:
        if not filters.title_like:
            raise InvalidInput("sort: relevance needs `q` or `title_like`")
        score: Any = func.word_similarity(filters.title_like, Document.title)
        sort_key: Any = cast(score, Float)
        descending = True
    else:
        score = None
        sort_key = SORT_KEYS[sort]
        descending = sort.value.startswith("-")
    statement = ranking.listing(sort_key, score is not None).where(*conditions)
    statement = ranking.ordered(statement, sort_key, after, descending)
    rows = (await session.execute(statement.limit(limit))).all()
    return rows, score is not None


@lru_cache(maxsize=64)
def _snippets_statement(language: Languages, numbers: int, by_term: bool) -> Any:
    """The snippets of a page's rows for `q`, built once per shape with `q`, the first
    term and the ids as bind parameters (building the headline calls was about a tenth
    of the web's time in `find_documents`)."""
    config = regconfig(language.default)
    query = tsquery(bindparam("q", type_=Text), language, bound_numbers(numbers))
    source = _snippet_source(bindparam("term", type_=Text) if by_term else None)
    return select(
        Document.id,
        func.ts_headline(config, _unmarked(source), query, _HEADLINE_OPTIONS),
        func.ts_headline(config, _unmarked(Document.title), query, _HEADLINE_OPTIONS),
    ).where(Document.id == any_(bindparam("ids", type_=ARRAY(Uuid))))


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


def _snippet_source(term: Any) -> Any:
    """The stretch of text ts_headline works on: SNIPPET_WINDOW characters around the
    first place `term` (the query's first word, `_first_term`) appears within the first
    SNIPPET_SOURCE_CHARS (ts_headline parses all it is given: a window keeps snippets
    cheap on long documents), else the beginning of the text (e.g. when only a stemmed
    form of the word occurs; ts_headline still marks what it finds there)."""
    text = func.coalesce(Document.content, "")
    if term is None:
        return func.left(text, SNIPPET_WINDOW)
    position = func.strpos(func.lower(func.left(text, SNIPPET_SOURCE_CHARS)), term)
    start = func.greatest(position - SNIPPET_WINDOW // 4, 1)
    return case(
        (position > 0, func.substr(text, start, SNIPPET_WINDOW)),
        else_=func.left(text, SNIPPET_WINDOW),
    )


def _unmarked(text: Any) -> Any:
    """The text without the characters ts_headline marks hits with."""
    return func.translate(text, _START + _STOP, "")


def _mark(headline: str) -> str:
    return html.escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>")


async def count_rows(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    fields: dict[uuid.UUID, CustomField],
    *,
    language: Languages,
    cap: int,
    named: Mapping[str, NamedObjects],
    rest_has_lexemes: Sequence[bool],
) -> int:
    """How many documents the principal may see pass every filter, counted up to `cap`
    (a count stays cheap however many match)."""
    conditions = filter_conditions(
        principal,
        filters,
        fields,
        language=language,
        named=named,
        rest_has_lexemes=rest_has_lexemes,
    )
    matching = select(Document.id).where(*conditions).limit(cap).subquery()
    return int((await session.execute(select(func.count()).select_from(matching))).scalar_one())
