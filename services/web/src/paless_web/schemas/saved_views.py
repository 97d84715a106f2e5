"""API models of saved views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from paless_shared.search.filters import Sort

_FILTERS_DESCRIPTION = (
    "The document list's query parameters (`GET /api/v1/documents`): q, title_like, "
    "tags_all, tags_any, tags_none, is_tagged, correspondent, document_type, "
    "created_after, created_before, added_after, added_before, status, custom_field. "
    "Lists for the repeatable ones."
)
_FILTERS_EXAMPLE = {"tags_all": ["0b5a2f8e-3c1d-4e5f-9a6b-7c8d9e0f1a2b"], "q": "invoice"}

Display = Literal["table", "thumbnails"]


class SavedView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner: uuid.UUID = Field(validation_alias="owner_id")
    name: str
    filters: dict[str, Any] = Field(description=_FILTERS_DESCRIPTION)
    sort: Sort | None
    display: Display
    show_on_dashboard: bool
    show_in_sidebar: bool
    document_count: int | None = Field(
        default=None,
        description="Documents you see in the view (up to 10,000), when asked with `counts`.",
    )
    created_at: datetime
    updated_at: datetime


class SavedViewPage(BaseModel):
    items: list[SavedView]
    next_cursor: str | None


_NAME = Field(min_length=1, max_length=128, pattern=r"\S", examples=["Unpaid invoices"])


class SavedViewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = _NAME
    filters: dict[str, Any] = Field(
        default_factory=dict, description=_FILTERS_DESCRIPTION, examples=[_FILTERS_EXAMPLE]
    )
    sort: Sort | None = Field(default=None, examples=["-created"])
    display: Display = Field(default="table", examples=["thumbnails"])
    show_on_dashboard: bool = Field(default=True, examples=[True])
    show_in_sidebar: bool = Field(default=True, examples=[True])


class SavedViewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"\S", examples=["Paid invoices"]
    )
    filters: dict[str, Any] | None = Field(
        default=None, description=_FILTERS_DESCRIPTION, examples=[_FILTERS_EXAMPLE]
    )
    sort: Sort | None = Field(default=None, examples=["title"])
    display: Display | None = Field(default=None, examples=["table"])
    show_on_dashboard: bool | None = Field(default=None, examples=[False])
    show_in_sidebar: bool | None = Field(default=None, examples=[True])
