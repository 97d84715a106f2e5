"""Statements that find documents: filters, full-text conditions and ranking (what
each result shows is in `hits`). Queries use web-search syntax
(`websearch_to_tsquery`): "exact phrase", -excluded, or.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    any_,
    cast,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view, can_view_one_by_one
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
)
from paless_shared.search.queries.lists import SORT_KEYS, tagged_visibly_as
from paless_shared.search.queries.names import text_condition
from paless_shared.search.terms import NamedObjects
from paless_shared.tables import (
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    Document,
)


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
    one_by_one: bool = False,
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a document list: visible, not trashed, and every filter.
    `named` and `rest_has_lexemes`: what `text_condition` needs when words of `q` name
    objects. `one_by_one`: for documents fetched one at a time from another table's
    index, newest first (`rank._newest`)."""
    visible = can_view_one_by_one if one_by_one else can_view
    conditions: list[ColumnElement[bool]] = [
        visible(Document, principal),
        Document.deleted_at.is_(None),
    ]
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
    if filters.q:
        # Last: of conditions Postgres costs alike it tests those written first first,
        # and testing the text reads the row's vector (TOAST, a few KB). With a tag
        # filter on the row, the word from its GIN index ANDed with the tags' (`matches`);
        # walking the documents one by one, the planner must see how common it is.
        by_tags = bool(filters.tags_all or filters.tags_any) and not one_by_one
        conditions.append(
            text_condition(filters.q, named, rest_has_lexemes, language, opaque=by_tags)
        )
    return conditions


# For the rest of the transaction (set_config's `true`: SET LOCAL), in one statement:
# - plan each statement with its values: asyncpg prepares every statement, and after
#   five runs Postgres may switch a prepared statement to a generic plan that ignores
#   them; for a search (how common is this word?) that plan can be many times slower;
# - `work_mem` for the bitmap of a word's matches: a word in most documents has one
#   entry per heap page, and a bitmap over the budget turns lossy, which makes Postgres
#   test the word again on every row of those pages, reading each one's vector (a tag
#   filter with a common word at 1,000,000 documents: 1.5 s instead of 0.15 s).
_SEARCH_PLAN = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
    " set_config('work_mem', :work_mem, true)"
)


async def plan_for_search(session: AsyncSession, work_mem_mb: int) -> None:
    """How Postgres plans and runs the rest of this search's transaction (above)."""
    await session.execute(_SEARCH_PLAN, {"work_mem": f"{work_mem_mb}MB"})


async def find_rows(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    fields: dict[uuid.UUID, CustomField],
    *,
    language: Languages,
    work_mem_mb: int,
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
    ranked_by = relevance if sort is Sort.relevance and filters.q else None
    # Ranking a common word among tags every match must carry: the matches are walked
    # from the first tag's rows of document_tags, newest first (`rank._newest`). Only
    # the other tags are conditions on the document: the first one as well would make
    # the planner count its selectivity twice and expect too few matches to walk.
    walk = ranked_by is not None and ranked_by.density >= ranking.WALK_DENSITY
    tag = filters.tags_all[0] if walk and filters.tags_all else None
    conditions = filter_conditions(
        principal,
        replace(filters, tags_all=filters.tags_all[1:]) if tag else filters,
        fields,
        language=language,
        named=named,
        rest_has_lexemes=rest_has_lexemes,
        one_by_one=tag is not None,
    )
    if filters.q or filters.title_like:
        await plan_for_search(session, work_mem_mb)
    if ranked_by is not None:
        rows = await ranking.relevance_rows(session, conditions, ranked_by, limit, after, tag)
        return rows, True

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


async def count_rows(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    fields: dict[uuid.UUID, CustomField],
    *,
    language: Languages,
    work_mem_mb: int,
    cap: int,
    named: Mapping[str, NamedObjects],
    rest_has_lexemes: Sequence[bool],
) -> int:
    """How many documents the principal may see pass every filter, counted up to `cap`
    (a count stays cheap however many match)."""
    if filters.q or filters.title_like:
        await plan_for_search(session, work_mem_mb)
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
