"""The one generic page and its cursors (platform.pagination), and the search cursor
that carries its sort (search.filters)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.pagination import (
    Page,
    decode_cursor,
    decode_name_cursor,
    encode_values,
    split_page,
)
from paless_shared.search.filters import Sort
from paless_shared.search.filters import decode_cursor as decode_search_cursor

ROWS = [(datetime(2026, 1, day, tzinfo=UTC), uuid.uuid4()) for day in range(1, 6)]


def test_a_full_page_points_at_its_last_row() -> None:
    page = split_page(ROWS, 4, lambda row: row)
    assert list(page.items) == ROWS[:4]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor) == ROWS[3]


def test_the_last_page_has_no_cursor() -> None:
    assert split_page(ROWS, 5, lambda row: row) == Page(ROWS, None)


def test_name_cursors_round_trip() -> None:
    row_id = uuid.uuid4()
    assert decode_name_cursor(encode_values(["Invoices", row_id])) == ("Invoices", row_id)


@pytest.mark.parametrize("cursor", ["", "not-base64!", encode_values([1]), encode_values([1, 2])])
def test_a_cursor_that_is_not_one_is_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput, match="cursor is not valid"):
        decode_cursor(cursor)


def test_a_search_cursor_belongs_to_its_sort() -> None:
    row_id = uuid.uuid4()
    cursor = encode_values([Sort.title_asc.value, "Invoice", row_id])
    assert decode_search_cursor(cursor, Sort.title_asc) == ("Invoice", row_id)
    with pytest.raises(InvalidInput, match="another sort order"):
        decode_search_cursor(cursor, Sort.added_desc)
