"""API models of the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: datetime
    actor: uuid.UUID | None = Field(validation_alias="actor_id")
    actor_name: str | None
    action: str = Field(examples=["document.updated"])
    object_type: str | None
    object_id: uuid.UUID | None
    document_id: uuid.UUID | None
    details: dict[str, Any] = Field(
        description=(
            'For updates: {"changes": {"field": [old, new]}}; custom fields as '
            '{"custom_fields": [{field id: {"name", "value"}}, …]}.'
        )
    )
    client: str | None = Field(
        description=(
            "The caller's address (in a document's history: only for its owner and admins)."
        )
    )


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None
