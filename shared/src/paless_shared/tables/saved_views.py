"""Saved views: a named document filter, sort and display, shown on the dashboard and in
the sidebar."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base, timestamp


class SavedView(Base):
    __tablename__ = "saved_views"
    __table_args__ = (Index("ix_saved_views_owner", "owner_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    # The document list's query parameters (q, tags_all, correspondent, status, ...), as
    # GET /api/v1/documents takes them; checked when saved.
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    sort: Mapped[str | None] = mapped_column(String(16))
    display: Mapped[str] = mapped_column(String(16), default="table", server_default="table")
    show_on_dashboard: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    show_in_sidebar: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
