"""Opaque keyset cursors: the sort value(s) and id of the last row of a page."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from paless_shared.errors import InvalidInput

Row = TypeVar("Row")


def encode_values(values: Sequence[Any]) -> str:
    """An opaque cursor holding a few JSON values (sort key(s) and the row id)."""
    raw = json.dumps(list(values)).encode()
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


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    return encode_values([at.isoformat(), str(row_id)])


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    at, row_id = decode_values(cursor, 2)
    try:
        return datetime.fromisoformat(at), uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise invalid_cursor() from None


def split_page(
    rows: Sequence[Row], limit: int, key: Callable[[Row], tuple[datetime, uuid.UUID]]
) -> tuple[Sequence[Row], str | None]:
    """From `limit + 1` fetched rows: the page, and the cursor to the next one (None
    on the last page). Fetching one row more tells whether there is a next page."""
    items = rows[:limit]
    return items, encode_cursor(*key(items[-1])) if len(rows) > limit else None


def encode_name_cursor(name: str, row_id: uuid.UUID) -> str:
    return encode_values([name, str(row_id)])


def decode_name_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    """For lists ordered by (name, id)."""
    name, row_id = decode_values(cursor, 2)
    try:
        if not isinstance(name, str):
            raise ValueError
        return name, uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise invalid_cursor() from None
