"""API request and response models (the OpenAPI components clients are generated from)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from paless_shared.models import DocumentStatus, TaskStatus


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150, examples=["admin"])
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse"])


class Token(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_at: datetime


class DocumentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    original_filename: str
    mime_type: str
    size_bytes: int
    sha256: str | None = Field(description="SHA-256 of the original, once processed.")
    page_count: int | None
    status: DocumentStatus
    failure_reason: str | None = Field(description="Why processing failed, for a person.")
    duplicate_of: uuid.UUID | None = Field(
        validation_alias="duplicate_of_id",
        description=(
            "The earliest other document of the same owner with identical content. "
            "Duplicates are kept, never dropped: this only points them out."
        ),
    )
    has_thumbnail: bool
    created_at: datetime = Field(description="The document's own date (from the PDF if set).")
    added_at: datetime = Field(description="When paless received the document.")
    modified_at: datetime
    deleted_at: datetime | None = Field(description="When it was moved to the trash.")


class Document(DocumentSummary):
    content: str | None = Field(description="Extracted text; pages separated by form feeds.")
    pdf_metadata: dict[str, Any] | None = Field(description="Title, author… read from the PDF.")


class DocumentPage(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class SignedUrl(BaseModel):
    url: str = Field(description="A presigned S3 (or CDN) URL; fetch it without credentials.")
    expires_at: datetime


class UploadRequest(BaseModel):
    filename: str = Field(min_length=1, max_length=1024, examples=["invoice-2026-11.pdf"])
    title: str | None = Field(default=None, max_length=500, examples=["November invoice"])


class DirectUpload(BaseModel):
    upload_id: uuid.UUID = Field(description="Also the id of the document it becomes.")
    url: str = Field(description="POST the file here as multipart/form-data.")
    fields: dict[str, str] = Field(
        description="Form fields to send first, unchanged, followed by the `file` field."
    )
    max_bytes: int
    expires_at: datetime


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    checks: dict[str, str] = Field(default_factory=dict)


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


class Purged(BaseModel):
    purged: int = Field(description="Documents deleted for good.")
