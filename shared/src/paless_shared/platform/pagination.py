"""Keyset pagination: one generic `Page`, opaque cursors, and `split_page`.

A cursor holds the sort value(s) and id of the last row of a page; the next page
starts after it. No OFFSET scans, and rows inserted meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from paless_shared.platform.errors import InvalidInput

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of rows, and the cursor to the next page (None on the last one)."""

    items: Sequence[Row]
    next_cursor: str | None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def encode_values(values: Sequence[Any]) -> str:
    """An opaque cursor holding a few JSON values (sort key(s) and the row id);
    datetimes and UUIDs are written as text."""
    raw = json.dumps([_plain(value) for value in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_values(cursor: str, length: int) -> list[Any]:
    """The values of a cursor from encode_values; 422 when it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError, binascii.Error):
        values = None
    if not isinstance(values, list) or len(values) != length:
        raise invalid_cursor()
    return values


def invalid_cursor() -> InvalidInput:
    return InvalidInput("the cursor is not valid; use next_cursor from a previous page")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """For lists ordered by (a time, id)."""
    at, row_id = decode_values(cursor, 2)
    try:
        return datetime.fromisoformat(at), uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise invalid_cursor() from None


def decode_name_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    """For lists ordered by (name, id)."""
    name, row_id = decode_values(cursor, 2)
    try:
        if not isinstance(name, str):
            raise ValueError
        return name, uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise invalid_cursor() from None


def split_page(rows: Sequence[Row], limit: int, key: Callable[[Row], Sequence[Any]]) -> Page[Row]:
    """From `limit + 1` fetched rows: the page, and the cursor to the next one, made of
    `key(last row)` (None on the last page). Fetching one row more tells whether there
    is a next page."""
    items = rows[:limit]
    return Page(items, encode_values(key(items[-1])) if len(rows) > limit else None)
