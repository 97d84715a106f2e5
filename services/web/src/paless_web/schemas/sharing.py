"""API models of share links."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ShareLinkCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"expires_at": "2026-12-31T23:59:59Z"}]},
    )

    expires_at: datetime | None = Field(default=None, description="null: until revoked.")


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
