"""Document versions, their processing runs and their pages.

A version is an immutable original in S3; its renditions (archive PDF, thumbnail,
per-page text and word boxes) are made by a processing run and replaced only by a
later run that completed. The document points at its current version.
"""

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
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base, timestamp


class RunStatus(StrEnum):
    pending = "pending"  # asked for (upload, reprocess); ingest has not started it
    ocr = "ocr"  # pages fanned out: page jobs running, the assemble job follows
    done = "done"  # its renditions are the version's
    failed = "failed"
    superseded = "superseded"  # a later run was asked for before this one finished


class DocumentVersion(Base):
    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_document_versions_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    # Never changes and is never reused: safe to cache (CDN) for ever.
    original_key: Mapped[str] = mapped_column(String(1024), unique=True)
    mime_type: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    page_count: Mapped[int | None] = mapped_column(Integer)
    # Renditions: those of `run_id`, the last run that completed.
    archive_key: Mapped[str | None] = mapped_column(String(1024))
    thumbnail_key: Mapped[str | None] = mapped_column(String(1024))
    run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The OCR settings that run used (None: made before OCR existed).
    ocr_settings: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = timestamp()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class ProcessingRun(Base):
    """One processing of a version: what was asked, how far it got."""

    __tablename__ = "processing_runs"
    __table_args__ = (Index("ix_processing_runs_version_status", "version_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE")
    )
    status: Mapped[RunStatus] = mapped_column(
        Enum(RunStatus, name="run_status", values_callable=lambda e: [m.value for m in e]),
        default=RunStatus.pending,
    )
    # OCR settings asked for (None: the worker's defaults); never a password.
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    pages_total: Mapped[int | None] = mapped_column(Integer)
    # The ingest task whose record shows this run's progress.
    task_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # What ingest read from the file, kept for the assemble job.
    extracted: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = timestamp()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DocumentPage(Base):
    """A page as a run read it: its text (searched for page numbers) and where its
    page PDF and word boxes are in S3."""

    __tablename__ = "document_pages"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processing_runs.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    pdf_key: Mapped[str | None] = mapped_column(String(1024))
    words_key: Mapped[str | None] = mapped_column(String(1024))
