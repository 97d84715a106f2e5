"""The document list's parameters (as GET /api/v1/documents takes them) read into a
`DocumentFilter`: from a saved view's stored `filters`, or from a UI query string.
Empty values count as absent, so a form's untouched fields filter nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from paless_shared.platform.errors import InvalidInput
from paless_shared.search.filters import DocumentFilter, FieldCondition, Sort
from paless_shared.tables import DocumentStatus

TEXT_KEYS = ("q", "title_like")
ID_LIST_KEYS = ("tags_all", "tags_any", "tags_none", "correspondent", "document_type")
DATE_KEYS = ("created_after", "created_before", "added_after", "added_before")
OTHER_KEYS = ("is_tagged", "status", "custom_field")
FILTER_KEYS = frozenset((*TEXT_KEYS, *ID_LIST_KEYS, *DATE_KEYS, *OTHER_KEYS))
MAX_TEXT = 1000
MAX_VALUES = 100

Params = Mapping[str, Any]


def _values(params: Params, key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items: Iterable[Any] = raw if isinstance(raw, list | tuple) else [raw]
    values = [str(item).strip() for item in items if item is not None and str(item).strip()]
    if len(values) > MAX_VALUES:
        raise InvalidInput(f"{key}: at most {MAX_VALUES} values")
    return values


def _one(params: Params, key: str) -> str | None:
    values = _values(params, key)
    if len(values) > 1:
        raise InvalidInput(f"{key}: one value expected")
    if values and len(values[0]) > MAX_TEXT:
        raise InvalidInput(f"{key}: at most {MAX_TEXT} characters")
    return values[0] if values else None


def _parsed(key: str, values: list[str], parse: Callable[[str], Any]) -> list[Any]:
    try:
        return [parse(value) for value in values]
    except ValueError:
        raise InvalidInput(f"{key}: {', '.join(values)!r} is not valid") from None


def _moment(value: str) -> datetime:
    # A date input sends YYYY-MM-DD: midnight of that day.
    if len(value) == 10:
        moment = datetime.combine(date.fromisoformat(value), datetime.min.time())
    else:
        moment = datetime.fromisoformat(value)
    # Without a zone: UTC, as the API reads it.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_params(params: Params) -> dict[str, Any]:
    """The filter parameters that carry a value, lists as lists: what a saved view
    stores. Unknown keys are refused (a typo would otherwise filter nothing)."""
    unknown = sorted(set(params) - FILTER_KEYS)
    if unknown:
        raise InvalidInput(f"filters: unknown parameter {', '.join(unknown)}")
    cleaned: dict[str, Any] = {}
    for key in sorted(FILTER_KEYS):
        values = _values(params, key)
        if not values:
            continue
        many = key in ID_LIST_KEYS or key in ("status", "custom_field")
        cleaned[key] = values if many else _one(params, key)
    parse_filter(cleaned)  # refuses what the list would refuse
    return cleaned


def parse_sort(raw: str | None) -> Sort | None:
    if raw is None or not raw.strip():
        return None
    try:
        return Sort(raw.strip())
    except ValueError:
        choices = ", ".join(sort.value for sort in Sort)
        raise InvalidInput(f"sort: {raw!r} is not one of {choices}") from None


def parse_filter(params: Params, sort: str | None = None) -> DocumentFilter:
    """A `DocumentFilter` from list parameters; InvalidInput names the bad one."""
    dates = {
        key: _parsed(key, [v] if (v := _one(params, key)) else [], _moment) for key in DATE_KEYS
    }
    ids = {key: _parsed(key, _values(params, key), uuid.UUID) for key in ID_LIST_KEYS}
    is_tagged = _one(params, "is_tagged")
    if is_tagged is not None and is_tagged.lower() not in ("true", "false"):
        raise InvalidInput("is_tagged: true or false")
    return DocumentFilter(
        q=_one(params, "q"),
        title_like=_one(params, "title_like"),
        tags_all=ids["tags_all"],
        tags_any=ids["tags_any"],
        tags_none=ids["tags_none"],
        is_tagged=None if is_tagged is None else is_tagged.lower() == "true",
        correspondent=ids["correspondent"],
        document_type=ids["document_type"],
        created_after=(dates["created_after"] or [None])[0],
        created_before=(dates["created_before"] or [None])[0],
        added_after=(dates["added_after"] or [None])[0],
        added_before=(dates["added_before"] or [None])[0],
        status=_parsed("status", _values(params, "status"), DocumentStatus),
        custom_fields=[FieldCondition.parse(raw) for raw in _values(params, "custom_field")],
        sort=parse_sort(sort),
    )
