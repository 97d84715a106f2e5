"""What a search asks for (filters, sort) and what it answers (hits, pages): the
search domain's read models, free of SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.pagination import decode_values, invalid_cursor
from paless_shared.tables import CustomField, CustomFieldType, Document, DocumentStatus


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
    pages: list[int] = field(default_factory=list)  # of the text's hits, from 1
    # False for matches beyond the relevance window (listed newest first after the
    # ranked ones).
    ranked: bool = True


@dataclass(frozen=True)
class Found:
    """A page of search results: the documents, and per document its score and
    snippet when the search ranks or highlights."""

    # Entities; or rows of a list item's columns when asked for summaries.
    documents: Sequence[Document | Any]
    hits: dict[uuid.UUID, SearchHit] = field(default_factory=dict)
    next_cursor: str | None = None
    # For a search with no hits: the query with its words replaced by similar ones
    # that do occur, when that query finds something.
    did_you_mean: str | None = None


# --- cursors: the sort, the last row's sort value and id ---


def decode_cursor(cursor: str, sort: Sort) -> tuple[Any, uuid.UUID]:
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
            # A score within the relevance window; a time (added_at) beyond it.
            value = datetime.fromisoformat(value) if isinstance(value, str) else float(value)
        elif not isinstance(value, str):
            raise ValueError
        return value, uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise invalid_cursor() from None


def condition_value(custom_field: CustomField, condition: FieldCondition) -> Any:
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
