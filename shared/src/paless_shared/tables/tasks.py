"""Task records: one row per unit of background work."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base, timestamp


class TaskStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


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
    enqueued_at: Mapped[datetime] = timestamp()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
