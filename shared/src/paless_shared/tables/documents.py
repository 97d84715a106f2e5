"""Documents, direct uploads and notes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, deferred, mapped_column

from paless_shared.platform.database import Base, timestamp


class DocumentStatus(StrEnum):
    pending = "pending"
    processing = "processing"
    ready = "ready"
    failed = "failed"


class UploadStatus(StrEnum):
    pending = "pending"
    completed = "completed"


class Document(Base):
    __tablename__ = "documents"
    # Fetch server-set columns (modified_at) with RETURNING on every write, so an
    # updated row can be serialized without another query.
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        # Newest-first keyset pagination per owner.
        Index("ix_documents_owner_added", "owner_id", "added_at", "id"),
        Index("ix_documents_owner_sha256", "owner_id", "sha256"),
        Index("ix_documents_status_modified", "status", "modified_at"),
        Index("ix_documents_deleted_at", "deleted_at", postgresql_where="deleted_at IS NOT NULL"),
        Index("ix_documents_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_documents_tag_ids", "tag_ids", postgresql_using="gin"),
        Index(
            "ix_documents_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
        Index("ix_documents_owner_created", "owner_id", "created_at", "id"),
        # Lists of documents seen through grants (not only owned): walk by date.
        Index("ix_documents_added", "added_at", "id"),
        Index("ix_documents_correspondent", "correspondent_id"),
        Index("ix_documents_document_type", "document_type_id"),
        UniqueConstraint("owner_id", "archive_serial_number", name="uq_documents_owner_asn"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    original_filename: Mapped[str] = mapped_column(String(1024))
    mime_type: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    page_count: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[str | None] = mapped_column(Text)
    pdf_metadata: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    status: Mapped[DocumentStatus] = mapped_column(
        Enum(
            DocumentStatus, name="document_status", values_callable=lambda e: [m.value for m in e]
        ),
        default=DocumentStatus.pending,
    )
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # Ingest runs started for this document; bounds re-runs of a file that keeps
    # crashing or timing out the worker.
    ingest_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The current version's original and thumbnail (a copy kept on the row, so lists,
    # downloads and maintenance need no join).
    original_key: Mapped[str] = mapped_column(String(1024), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(1024))
    current_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL", use_alter=True)
    )
    # created_at: when the document was made (the PDF's date once known); added_at:
    # when paless received it; modified_at: last change of the row.
    created_at: Mapped[datetime] = timestamp()
    added_at: Mapped[datetime] = timestamp()
    modified_at: Mapped[datetime] = timestamp(onupdate=func.now())
    # Set when moved to the trash; the scheduler purges it PALESS_EMPTY_TRASH_DAYS later.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    correspondent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("correspondents.id", ondelete="SET NULL")
    )
    document_type_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document_types.id", ondelete="SET NULL")
    )
    archive_serial_number: Mapped[int | None] = mapped_column(BigInteger)
    # Title, file name, notes and text, weighted A/B/C/D (not the names of tags,
    # correspondent or type: who may see those differs by reader, so searches match
    # them at query time); kept current by search.service.refresh_search, never
    # loaded with the row.
    search_vector: Mapped[Any] = deferred(mapped_column(TSVECTOR, nullable=True))
    # The ids of the document's tags (its rows of document_tags, kept equal to them by
    # triggers on that table, migration 0011): tag filters are conditions on the row,
    # which a GIN index answers together with the search vector's. Never written here.
    tag_ids: Mapped[list[uuid.UUID]] = deferred(
        mapped_column(ARRAY(UUID(as_uuid=True)), server_default="{}", nullable=False)
    )
    # The language of the text (a text search configuration such as `english`, or a
    # Tesseract code such as `deu`) that the search index stems words in; None: the
    # setting PALESS_SEARCH_LANGUAGE.
    language: Mapped[str | None] = mapped_column(String(63))

    @property
    def has_thumbnail(self) -> bool:
        return self.thumbnail_key is not None


class Upload(Base):
    """A direct-to-S3 upload: handed out as a presigned POST, completed by the client.

    Its id is also the id of the document it becomes.
    """

    __tablename__ = "uploads"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(1024))
    title: Mapped[str | None] = mapped_column(String(500))
    object_key: Mapped[str] = mapped_column(String(1024), unique=True)
    status: Mapped[UploadStatus] = mapped_column(
        Enum(UploadStatus, name="upload_status", values_callable=lambda e: [m.value for m in e]),
        default=UploadStatus.pending,
    )
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_document_created", "document_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp()
