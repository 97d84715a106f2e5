"""Share links: public, unguessable links to one document."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base, timestamp


class ShareLink(Base):
    """A public link to one document: `GET /share/{slug}` redirects to a short-lived
    signed URL until the link expires or is revoked."""

    __tablename__ = "share_links"
    __table_args__ = (Index("ix_share_links_document", "document_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    # 32 random bytes, URL-safe base64 (256 bits).
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
