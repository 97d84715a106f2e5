"""API models of documents: answers, uploads, edits, notes and bulk edits."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from paless_shared.tables import CustomFieldType, DocumentStatus
from paless_web.schemas.common import UtcDateTime, read_as_utc


class SearchHit(BaseModel):
    score: float = Field(description="Relevance: higher is better.")
    snippet: str | None = Field(
        default=None,
        description=(
            "HTML: an excerpt of the text (escaped) around the hits, which are wrapped in "
            "<mark>; present when searching with `q`."
        ),
    )
    pages: list[int] = Field(
        default_factory=list,
        description="Pages (from 1) whose text matches `q`, when searching with `q`.",
    )


class CustomFieldValue(BaseModel):
    field: uuid.UUID
    name: str
    data_type: CustomFieldType
    value: Any = Field(
        description=(
            "By type: string/longtext/url/select: string; date: YYYY-MM-DD; boolean; "
            'integer; float; monetary: {"amount": "12.50", "currency": "EUR"}; '
            "documentlink: list of document ids; or null."
        )
    )


class Note(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    text: str
    author: uuid.UUID | None = Field(validation_alias="author_id")
    created_at: datetime


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
        default=None,
        description=(
            "The earliest document of the same owner with identical content added before "
            "this one, not in the trash, among those you may see; null for the earliest. "
            "Duplicates are kept, never dropped: this only points them out."
        ),
    )
    has_thumbnail: bool
    created_at: datetime = Field(description="The document's own date (from the PDF if set).")
    added_at: datetime = Field(description="When paless received the document.")
    modified_at: datetime
    deleted_at: datetime | None = Field(description="When it was moved to the trash.")
    correspondent: uuid.UUID | None = Field(
        default=None, description="null also when it is one you may not see."
    )
    document_type: uuid.UUID | None = Field(
        default=None, description="null also when it is one you may not see."
    )
    archive_serial_number: int | None = None
    tags: list[uuid.UUID] = Field(
        default_factory=list, description="Ids of the tags you may see, by tag name."
    )
    custom_fields: list[CustomFieldValue] = Field(default_factory=list)
    search: SearchHit | None = Field(
        default=None, description="Present on search results (`q` or `title_like`)."
    )


class Document(DocumentSummary):
    content: str | None = Field(description="Extracted text; pages separated by form feeds.")
    pdf_metadata: dict[str, Any] | None = Field(description="Title, author… read from the PDF.")
    notes: list[Note] = Field(default_factory=list)


class DocumentPage(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


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


class Purged(BaseModel):
    purged: int = Field(description="Documents deleted for good.")


class CustomFieldInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: uuid.UUID
    value: Any = None


class DocumentUpdate(BaseModel):
    """Only the fields sent change; `null` clears correspondent, type or ASN."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Invoice 2026-11",
                    "created": "2026-11-02",
                    "tags": ["3f1c2d4e-0000-4000-8000-000000000001"],
                    "archive_serial_number": 1042,
                }
            ]
        },
    )

    title: str | None = Field(default=None, min_length=1, max_length=500)
    created: UtcDateTime | date | None = Field(
        default=None,
        description=read_as_utc(
            "The document's own date (date or date-time; a date is midnight UTC)."
        ),
    )
    correspondent: uuid.UUID | None = None
    document_type: uuid.UUID | None = None
    archive_serial_number: int | None = Field(default=None, ge=0, le=2**63 - 1)
    tags: list[uuid.UUID] | None = Field(
        default=None, description="The complete set (parents of nested tags are added)."
    )
    custom_fields: list[CustomFieldInput] | None = Field(
        default=None, description="The complete set of values: fields left out are removed."
    )


class NoteCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"text": "Paid on 2026-11-20."}]}
    )

    text: str = Field(min_length=1, max_length=10_000)


class NoteList(BaseModel):
    items: list[Note]


class _Bulk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[uuid.UUID] = Field(min_length=1, max_length=10_000)


class BulkAddTags(_Bulk):
    operation: Literal["add_tags"]
    tags: list[uuid.UUID] = Field(min_length=1)


class BulkRemoveTags(_Bulk):
    operation: Literal["remove_tags"]
    tags: list[uuid.UUID] = Field(min_length=1)


class BulkSetCorrespondent(_Bulk):
    operation: Literal["set_correspondent"]
    correspondent: uuid.UUID | None = Field(description="null clears it.")


class BulkSetDocumentType(_Bulk):
    operation: Literal["set_document_type"]
    document_type: uuid.UUID | None = Field(description="null clears it.")


class BulkSetCustomField(_Bulk):
    operation: Literal["set_custom_field"]
    field: uuid.UUID
    value: Any = None


class BulkDelete(_Bulk):
    operation: Literal["delete"]


BulkEdit = Annotated[
    BulkAddTags
    | BulkRemoveTags
    | BulkSetCorrespondent
    | BulkSetDocumentType
    | BulkSetCustomField
    | BulkDelete,
    Field(discriminator="operation"),
]


BULK_EXAMPLES = {
    "add_tags": {
        "value": {
            "documents": ["3f1c2d4e-0000-4000-8000-000000000002"],
            "operation": "add_tags",
            "tags": ["3f1c2d4e-0000-4000-8000-000000000001"],
        }
    },
    "set_correspondent": {
        "value": {
            "documents": ["3f1c2d4e-0000-4000-8000-000000000002"],
            "operation": "set_correspondent",
            "correspondent": None,
        }
    },
}


class BulkResult(BaseModel):
    changed: int = Field(description="Documents that actually changed.")
