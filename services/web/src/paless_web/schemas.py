"""API request and response models (the OpenAPI components clients are generated from)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from paless_shared.models import CustomFieldType, DocumentStatus, MatchingAlgorithm, TaskStatus


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150, examples=["admin"])
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse"])


class Token(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_at: datetime


class SearchHit(BaseModel):
    score: float = Field(description="Relevance: higher is better.")
    snippet: str | None = Field(
        default=None,
        description=(
            "HTML: an excerpt of the text (escaped) around the hits, which are wrapped in "
            "<mark>; present when searching with `q`."
        ),
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
    correspondent: uuid.UUID | None = Field(default=None, validation_alias="correspondent_id")
    document_type: uuid.UUID | None = Field(default=None, validation_alias="document_type_id")
    archive_serial_number: int | None = None
    tags: list[uuid.UUID] = Field(default_factory=list, description="Tag ids, by tag name.")
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


# --- organisation ---

_MATCH_DESCRIPTION = (
    "any: any of the words; all: all of them; literal: the exact phrase; regex: a "
    'regular expression; fuzzy: the phrase, approximately. "Quoted phrases" count as one '
    "word in any/all."
)


class MatchingRule(BaseModel):
    match: str = Field(default="", max_length=256, examples=["invoice"])
    matching_algorithm: MatchingAlgorithm = Field(
        default=MatchingAlgorithm.none, description=_MATCH_DESCRIPTION
    )
    is_insensitive: bool = True


class _Named(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner: uuid.UUID = Field(validation_alias="owner_id")
    name: str
    document_count: int = Field(
        default=0, description="Your documents (not in the trash) that use it."
    )


class Correspondent(_Named, MatchingRule):
    pass


class DocumentType(_Named, MatchingRule):
    pass


class Tag(_Named, MatchingRule):
    color: str
    parent: uuid.UUID | None = Field(validation_alias="parent_id")
    is_inbox: bool


_NAME = Field(min_length=1, max_length=128, pattern=r"\S", examples=["Invoices"])
_COLOR = Field(pattern=r"^#[0-9a-fA-F]{6}$", examples=["#1f78b4"])


class CorrespondentCreate(MatchingRule):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "ACME Corp", "match": "acme", "matching_algorithm": "any"}]
        },
    )

    name: str = _NAME


class DocumentTypeCreate(CorrespondentCreate):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Invoice", "match": "invoice", "matching_algorithm": "any"}]
        },
    )


class TagCreate(CorrespondentCreate):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Taxes", "color": "#33a02c", "match": "tax", "is_inbox": False}]
        },
    )

    color: str = Field(default="#a6cee3", pattern=r"^#[0-9a-fA-F]{6}$")
    parent_id: uuid.UUID | None = Field(default=None, alias="parent")
    is_inbox: bool = Field(default=False, description="Put on every new document.")


class CorrespondentUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "ACME Corporation"}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"\S")
    match: str | None = Field(default=None, max_length=256)
    matching_algorithm: MatchingAlgorithm | None = None
    is_insensitive: bool | None = None


class DocumentTypeUpdate(CorrespondentUpdate):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"match": "invoice bill"}]}
    )


class TagUpdate(CorrespondentUpdate):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"color": "#e31a1c", "parent": None}]}
    )

    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    parent_id: uuid.UUID | None = Field(default=None, alias="parent")
    is_inbox: bool | None = None


class TagPage(BaseModel):
    items: list[Tag]
    next_cursor: str | None


class CorrespondentPage(BaseModel):
    items: list[Correspondent]
    next_cursor: str | None


class DocumentTypePage(BaseModel):
    items: list[DocumentType]
    next_cursor: str | None


class CustomField(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner: uuid.UUID = Field(validation_alias="owner_id")
    name: str
    data_type: CustomFieldType
    extra_data: dict[str, Any] = Field(
        description='select: {"options": [...]}; monetary: {"default_currency": "EUR"}.'
    )
    document_count: int = 0


class CustomFieldCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Amount",
                    "data_type": "monetary",
                    "extra_data": {"default_currency": "EUR"},
                },
                {
                    "name": "Status",
                    "data_type": "select",
                    "extra_data": {"options": ["open", "paid"]},
                },
            ]
        },
    )

    name: str = _NAME
    data_type: CustomFieldType
    extra_data: dict[str, Any] = Field(default_factory=dict)


class CustomFieldUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Total amount"}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"\S")
    extra_data: dict[str, Any] | None = None


class CustomFieldPage(BaseModel):
    items: list[CustomField]
    next_cursor: str | None


class Suggestion(BaseModel):
    kind: str = Field(examples=["tag"], description="tag or correspondent")
    id: uuid.UUID
    name: str


class Suggestions(BaseModel):
    items: list[Suggestion]


# --- editing documents ---


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
    created: datetime | date | None = Field(
        default=None, description="The document's own date (date or date-time)."
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


class AuditEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: datetime
    actor: uuid.UUID | None = Field(validation_alias="actor_id")
    actor_name: str | None
    action: str = Field(examples=["document.updated"])
    object_type: str | None
    object_id: uuid.UUID | None
    document_id: uuid.UUID | None
    details: dict[str, Any] = Field(description='For updates: {"changes": {"field": [old, new]}}.')
    client: str | None = Field(description="The caller's address.")


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None


# --- Accounts: users, groups, API tokens --------------------------------------------

USERNAME_PATTERN = r"^[A-Za-z0-9_.@+-]+$"


class UserSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str


class GroupSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    created_at: datetime


class User(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str = Field(examples=["alice"])
    is_admin: bool = Field(description="Admins manage users and groups, and see all tasks.")
    is_active: bool = Field(description="An inactive user cannot log in; their tokens fail.")
    created_at: datetime


class UserDetail(User):
    groups: list[GroupSummary] = Field(description="The groups the user belongs to.")


class UserPage(BaseModel):
    items: list[User]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"username": "alice", "password": "a long passphrase", "is_admin": False}]
        },
    )

    username: str = Field(min_length=1, max_length=150, pattern=USERNAME_PATTERN)
    password: str = Field(
        max_length=1024,
        description="At least PALESS_PASSWORD_MIN_LENGTH (12) characters.",
    )
    is_admin: bool = False
    is_active: bool = True


class UserUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"is_active": False}, {"password": "a new passphrase"}]},
    )

    is_admin: bool | None = None
    is_active: bool | None = Field(
        default=None, description="Deactivating revokes every token of the user."
    )
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="A new password (a reset): revokes every token of the user.",
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"current_password": "the old passphrase", "new_password": "a new passphrase"}
            ]
        },
    )

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(
        max_length=1024, description="At least PALESS_PASSWORD_MIN_LENGTH (12) characters."
    )


class Group(GroupSummary):
    members: list[UserSummary]


class GroupPage(BaseModel):
    items: list[GroupSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class GroupCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "accounting", "member_ids": []}]},
    )

    name: str = Field(min_length=1, max_length=150)
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=1000)


class GroupUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "finance"}]})

    name: str = Field(min_length=1, max_length=150)


class ApiToken(BaseModel):
    """A token as listed: never its secret (which is not stored anywhere)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str = Field(examples=["backup script"])
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")
    expires_at: datetime | None = Field(description="Null: the token does not expire.")
    current: bool = Field(default=False, description="The token this request was made with.")


class ApiTokenCreated(ApiToken):
    token: str = Field(
        description="The secret, shown this once: send it as `Authorization: Bearer <token>`."
    )


class ApiTokenPage(BaseModel):
    items: list[ApiToken]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "backup script", "expires_in_days": 90},
                {"name": "scanner", "expires_at": "2027-06-30T00:00:00Z"},
                {"name": "integration without expiry"},
            ]
        },
    )

    name: str = Field(min_length=1, max_length=150)
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the token stops working (with a time zone)."
    )
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3650, description="Or: how many days from now it works."
    )

    @model_validator(mode="after")
    def _one_expiry(self) -> ApiTokenCreate:
        if self.expires_at is not None and self.expires_in_days is not None:
            raise ValueError("give expires_at or expires_in_days, not both")
        return self


# --- permissions and sharing ---


class Grantees(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: list[uuid.UUID] = Field(default_factory=list)
    groups: list[uuid.UUID] = Field(default_factory=list)


class ObjectPermissions(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "owner": "3f1c2d4e-0000-4000-8000-000000000010",
                    "view": {"users": [], "groups": ["3f1c2d4e-0000-4000-8000-000000000020"]},
                    "change": {"users": ["3f1c2d4e-0000-4000-8000-000000000011"], "groups": []},
                }
            ]
        },
    )

    owner: uuid.UUID
    view: Grantees = Field(default_factory=Grantees)
    change: Grantees = Field(default_factory=Grantees, description="Implies view.")


class ShareLinkCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"expires_at": "2026-12-31T23:59:59Z"}]},
    )

    expires_at: datetime | None = Field(default=None, description="null: until revoked.")


class ShareLink(BaseModel):
    id: uuid.UUID
    document_id: uuid.UUID
    slug: str
    url: str = Field(description="Path to open without authentication: /share/{slug}.")
    created_at: datetime
    created_by: uuid.UUID | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ShareLinkList(BaseModel):
    items: list[ShareLink]
