"""API models of share links."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from paless_web.schemas.common import UtcDateTime, read_as_utc


class ShareLinkCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"expires_at": "2026-12-31T23:59:59Z"}]},
    )

    expires_at: UtcDateTime | None = Field(
        default=None, description=read_as_utc("null: until revoked.")
    )


class ShareLink(BaseModel):
    id: uuid.UUID
    document_id: uuid.UUID
    slug: str
    url: str = Field(description="Path to open without authentication: /share/{slug}.")
    created_at: datetime
    created_by: uuid.UUID | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ShareLinkList(BaseModel):
    items: list[ShareLink]
