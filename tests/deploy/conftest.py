"""Deployment files are checked without any server: no database cleaning here."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Overrides the suite-wide fixture that empties Postgres and Redis."""
