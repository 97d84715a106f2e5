"""API models of task records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from paless_shared.tables import TaskStatus


class Task(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str = Field(examples=["ingest"])
    status: TaskStatus
    document_id: uuid.UUID | None
    attempts: int = Field(description="Runs started so far, retries included.")
    last_error: str | None = Field(description="Why the last run failed, if it did.")
    result: dict[str, Any] | None
    worker_id: str | None = Field(description="The worker process that ran it last.")
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class TaskPage(BaseModel):
    items: list[Task]
    next_cursor: str | None
