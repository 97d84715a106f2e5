"""API models of task records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

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

    @computed_field(  # type: ignore[prop-decorator]
        description="Pages OCRed so far, while a document's pages are out to OCR."
    )
    @property
    def pages_done(self) -> int | None:
        return _count(self.result, "pages_done")

    @computed_field(  # type: ignore[prop-decorator]
        description="Pages to OCR in all, once the document's pages went out to OCR."
    )
    @property
    def pages_total(self) -> int | None:
        return _count(self.result, "pages_total")


def _count(result: dict[str, Any] | None, key: str) -> int | None:
    value = (result or {}).get(key)
    return value if isinstance(value, int) else None


class TaskPage(BaseModel):
    items: list[Task]
    next_cursor: str | None
