"""SQLAlchemy models: the metadata Postgres keeps for users, tokens and documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paless_shared.db import Base


def _timestamp(**kwargs: Any) -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), **kwargs)


class DocumentStatus(StrEnum):
    pending = "pending"
    processing = "processing"
    ready = "ready"
    failed = "failed"


class TaskStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class UploadStatus(StrEnum):
    pending = "pending"
    completed = "completed"


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = _timestamp()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    # SHA-256 of the secret: the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _timestamp()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="raise")


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
    original_key: Mapped[str] = mapped_column(String(1024), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(1024))
    duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL")
    )
    # created_at: when the document was made (the PDF's date once known); added_at:
    # when paless received it; modified_at: last change of the row.
    created_at: Mapped[datetime] = _timestamp()
    added_at: Mapped[datetime] = _timestamp()
    modified_at: Mapped[datetime] = _timestamp(onupdate=func.now())
    # Set when moved to the trash; the scheduler purges it PALESS_EMPTY_TRASH_DAYS later.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

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
    created_at: Mapped[datetime] = _timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Task(Base):
    """One unit of background work and what became of it.

    Postgres, not the queue, is the record: a task that is `queued` or `running` with
    no job behind it is found and enqueued again by reconcile.
    """

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_owner_enqueued", "owner_id", "enqueued_at", "id"),
        Index("ix_tasks_enqueued", "enqueued_at", "id"),
        Index("ix_tasks_status_enqueued", "status", "enqueued_at"),
        Index("ix_tasks_document", "document_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(64))
    # The arq job that carries it (changes when reconcile has to enqueue it anew).
    job_id: Mapped[str] = mapped_column(String(255))
    # The job's arguments, so reconcile can send it again from this row alone.
    args: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL")
    )
    status: Mapped[TaskStatus] = mapped_column(
        Enum(TaskStatus, name="task_status", values_callable=lambda e: [m.value for m in e]),
        default=TaskStatus.queued,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    worker_id: Mapped[str | None] = mapped_column(String(255))
    enqueued_at: Mapped[datetime] = _timestamp()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
