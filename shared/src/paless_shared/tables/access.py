"""Grants: who may view or change an object besides its owner."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base, timestamp


class Permission(StrEnum):
    view = "view"
    change = "change"  # implies view


class Grant(Base):
    """A user's or a group's permission on one object (document, tag, correspondent,
    document type or custom field). The owner and admins need no grant."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="one_grantee"),
        Index("ix_grants_object", "object_type", "object_id"),
        Index(
            "uq_grants_user",
            "user_id",
            "object_type",
            "object_id",
            unique=True,
            postgresql_where="user_id IS NOT NULL",
        ),
        Index(
            "uq_grants_group",
            "group_id",
            "object_type",
            "object_id",
            unique=True,
            postgresql_where="group_id IS NOT NULL",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    permission: Mapped[Permission] = mapped_column(
        Enum(Permission, name="permission", values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = timestamp()
