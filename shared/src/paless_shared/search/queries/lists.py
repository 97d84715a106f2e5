"""The document list without `q`, `title_like` or custom field conditions: one statement
per shape of filters (which filters are set, the sort, a cursor or not, admin or not),
built once with bind parameters, reading the columns a list item shows rather than
entities.

A list page built its statement on every request (the permission conditions, the
filters, the order) and loaded 51 ORM entities: most of the web's CPU per list request,
for 0.2-2 ms of Postgres. Here a request builds nothing: its statement and the
statement's cache key were made by the first request of that shape, and its rows are
plain tuples. The conditions mean what `find.filter_conditions` builds for the same
filters (the search and filter tests run both).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, Uuid, and_, bindparam, exists, select
from sqlalchemy import tuple_ as tuple_of
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view_as
from paless_shared.platform.principal import Principal
from paless_shared.search.filters import DocumentFilter, Sort
from paless_shared.tables import Document, Tag, document_tags

# What a list item shows of the document's own row (`has_thumbnail` is whether
# thumbnail_key is set); a row also carries `sort_key`.
SUMMARY_COLUMNS = (
    Document.id,
    Document.title,
    Document.original_filename,
    Document.mime_type,
    Document.size_bytes,
    Document.sha256,
    Document.page_count,
    Document.status,
    Document.failure_reason,
    Document.thumbnail_key,
    Document.created_at,
    Document.added_at,
    Document.modified_at,
    Document.deleted_at,
    Document.archive_serial_number,
)

# The column each sort orders by (lists and searches alike).
SORT_KEYS: dict[Sort, Any] = {
    Sort.added: Document.added_at,
    Sort.added_desc: Document.added_at,
    Sort.created: Document.created_at,
    Sort.created_desc: Document.created_at,
    Sort.title_asc: Document.title,
    Sort.title_desc: Document.title,
}

# The filters bound as one value each (a list, or a date-time), by parameter name.
_BOUND = (
    "tags_all",
    "tags_any",
    "tags_none",
    "correspondent",
    "document_type",
    "created_after",
    "created_before",
    "added_after",
    "added_before",
    "status",
)


@dataclass(frozen=True)
class _Shape:
    sort: Sort
    after: bool
    is_admin: bool
    is_tagged: bool | None
    bound: frozenset[str]  # of _BOUND: the filters set


def tagged_visibly_as(user_id: Any, *, is_admin: bool) -> ColumnElement[bool]:
    """Carries a tag the user (an id, or a bind parameter) may see; tags they may not
    see do not count."""
    condition = document_tags.c.document_id == Document.id
    if not is_admin:
        condition = and_(
            condition,
            document_tags.c.tag_id.in_(
                select(Tag.id).where(can_view_as(Tag, user_id, is_admin=False))
            ),
        )
    return exists().where(condition)


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    user = bindparam("user_id", type_=Uuid)
    conditions: list[ColumnElement[bool]] = [
        can_view_as(Document, user, is_admin=shape.is_admin),
        Document.deleted_at.is_(None),
    ]
    bound = shape.bound
    tag_array = Document.tag_ids.type
    if "tags_all" in bound:
        conditions.append(Document.tag_ids.contains(bindparam("tags_all", type_=tag_array)))
    if "tags_any" in bound:
        conditions.append(Document.tag_ids.overlap(bindparam("tags_any", type_=tag_array)))
    if "tags_none" in bound:
        conditions.append(~Document.tag_ids.overlap(bindparam("tags_none", type_=tag_array)))
    if shape.is_tagged is not None:
        tagged = tagged_visibly_as(user, is_admin=shape.is_admin)
        conditions.append(tagged if shape.is_tagged else ~tagged)
    for name, column in (
        ("correspondent", Document.correspondent_id),
        ("document_type", Document.document_type_id),
        ("status", Document.status),
    ):
        if name in bound:
            conditions.append(column.in_(bindparam(name, expanding=True)))
    if "created_after" in bound:
        conditions.append(Document.created_at >= bindparam("created_after"))
    if "created_before" in bound:
        conditions.append(Document.created_at < bindparam("created_before"))
    if "added_after" in bound:
        conditions.append(Document.added_at >= bindparam("added_after"))
    if "added_before" in bound:
        conditions.append(Document.added_at < bindparam("added_before"))
    return conditions


@cache
def _statement(shape: _Shape) -> Select[*tuple[Any, ...]]:
    sort_key = SORT_KEYS[shape.sort]
    descending = shape.sort.value.startswith("-")
    statement = select(*SUMMARY_COLUMNS, sort_key.label("sort_key")).where(*_conditions(shape))
    if shape.after:
        position = tuple_of(sort_key, Document.id)
        bound = tuple_of(
            bindparam("after_value", type_=sort_key.type), bindparam("after_id", type_=Uuid)
        )
        statement = statement.where(position < bound if descending else position > bound)
    if descending:
        statement = statement.order_by(sort_key.desc(), Document.id.desc())
    else:
        statement = statement.order_by(sort_key.asc(), Document.id.asc())
    return statement.limit(bindparam("limit", type_=Integer))


def listable(filters: DocumentFilter) -> bool:
    """Whether `list_rows` answers these filters (no text search, no custom field
    conditions)."""
    return (
        not filters.q
        and not filters.title_like
        and not filters.custom_fields
        and filters.effective_sort in SORT_KEYS
    )


async def list_rows(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    *,
    limit: int,
    after: tuple[Any, uuid.UUID] | None,
) -> Sequence[Row[*tuple[Any, ...]]]:
    """Up to `limit` rows (SUMMARY_COLUMNS and sort_key) of the documents the principal
    may see that pass every filter, after the cursor position `after`, for filters
    that are `listable`."""
    values: dict[str, Any] = {"user_id": principal.user_id, "limit": limit}
    for name in _BOUND:
        value = getattr(filters, name)
        if value is not None and (not isinstance(value, Sequence) or value):
            values[name] = list(value) if isinstance(value, Sequence) else value
    if after is not None:
        values["after_value"], values["after_id"] = after
    shape = _Shape(
        sort=filters.effective_sort,
        after=after is not None,
        is_admin=principal.is_admin,
        is_tagged=filters.is_tagged,
        bound=frozenset(values.keys() & set(_BOUND)),
    )
    return (await session.execute(_statement(shape), values)).all()
