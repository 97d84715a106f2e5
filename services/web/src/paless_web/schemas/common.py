"""API models of answers shared by several domains."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

# Every date-time the API takes: one without an offset is read as UTC (README, "Dates
# and times"); each input's description says so.
READ_AS_UTC = "A date-time without an offset (`2026-12-31T23:59:59`) is read as UTC."


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("in UTC the date-time falls outside the years 1 to 9999") from None


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
"""A date-time input, made aware: naive ones are read as UTC, others converted to UTC."""


def read_as_utc(description: str) -> str:
    """An input's description followed by how a date-time without an offset is read."""
    return f"{description} {READ_AS_UTC}".strip()


class SignedUrl(BaseModel):
    url: str = Field(description="A presigned S3 (or CDN) URL; fetch it without credentials.")
    expires_at: datetime


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    checks: dict[str, str] = Field(default_factory=dict)
