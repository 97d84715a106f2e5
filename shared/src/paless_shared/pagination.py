"""Opaque keyset cursors: (timestamp, id) of the last row of a page."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from paless_shared.errors import InvalidInput

Row = TypeVar("Row")


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(at), uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput(
            "the cursor is not valid; use next_cursor from a previous page"
        ) from None


def split_page(
    rows: Sequence[Row], limit: int, key: Callable[[Row], tuple[datetime, uuid.UUID]]
) -> tuple[Sequence[Row], str | None]:
    """From `limit + 1` fetched rows: the page, and the cursor to the next one (None
    on the last page). Fetching one row more tells whether there is a next page."""
    items = rows[:limit]
    return items, encode_cursor(*key(items[-1])) if len(rows) > limit else None


def encode_name_cursor(name: str, row_id: uuid.UUID) -> str:
    raw = json.dumps([name, str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_name_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    """For lists ordered by (name, id)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, row_id = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(name, str):
            raise ValueError
        return name, uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput(
            "the cursor is not valid; use next_cursor from a previous page"
        ) from None
