"""API models of answers shared by several domains."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SignedUrl(BaseModel):
    url: str = Field(description="A presigned S3 (or CDN) URL; fetch it without credentials.")
    expires_at: datetime


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    checks: dict[str, str] = Field(default_factory=dict)
