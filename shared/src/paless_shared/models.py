"""SQLAlchemy models: the metadata Postgres keeps for users, tokens and documents."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

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


class MatchingAlgorithm(StrEnum):
    """How a tag, correspondent or document type recognises a document's text."""

    none = "none"  # never assigned automatically
    any = "any"  # any of the words
    all = "all"  # all of the words
    literal = "literal"  # the exact phrase
    regex = "regex"  # a regular expression
    fuzzy = "fuzzy"  # the phrase, approximately


class CustomFieldType(StrEnum):
    string = "string"
    longtext = "longtext"
    url = "url"
    date = "date"
    boolean = "boolean"
    integer = "integer"
    float = "float"
    monetary = "monetary"
    select = "select"
    documentlink = "documentlink"


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
        Index("ix_documents_search_vector", "search_vector", postgresql_using="gin"),
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
    correspondent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("correspondents.id", ondelete="SET NULL")
    )
    document_type_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document_types.id", ondelete="SET NULL")
    )
    archive_serial_number: Mapped[int | None] = mapped_column(BigInteger)
    # Title, names of tags/correspondent/type, notes and text, weighted A/B/C/D; kept
    # current by DocumentRepository.refresh_search, never loaded with the row.
    search_vector: Mapped[Any] = deferred(mapped_column(TSVECTOR, nullable=True))

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


# --- Organisation: tags, correspondents, document types, custom fields, notes ---

document_tags = Table(
    "document_tags",
    Base.metadata,
    Column(
        "document_id",
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_document_tags_tag", "tag_id", "document_id"),
)


def _matching_algorithm() -> Mapped[MatchingAlgorithm]:
    return mapped_column(
        Enum(
            MatchingAlgorithm,
            name="matching_algorithm",
            values_callable=lambda e: [m.value for m in e],
        ),
        default=MatchingAlgorithm.none,
        server_default=MatchingAlgorithm.none.value,
    )


class _Matchable:
    """Owner, unique name and matching rule: what tags, correspondents and document
    types have in common."""

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    match: Mapped[str] = mapped_column(String(256), default="", server_default="")
    matching_algorithm: Mapped[MatchingAlgorithm] = _matching_algorithm()
    is_insensitive: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = _timestamp()


class Tag(_Matchable, Base):
    __tablename__ = "tags"
    __table_args__ = (
        UniqueConstraint("owner_id", "name"),
        Index(
            "ix_tags_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    color: Mapped[str] = mapped_column(String(7), default="#a6cee3", server_default="#a6cee3")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tags.id", ondelete="SET NULL"), index=True
    )
    # Inbox tags are put on every new document of their owner.
    is_inbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class Correspondent(_Matchable, Base):
    __tablename__ = "correspondents"
    __table_args__ = (
        UniqueConstraint("owner_id", "name"),
        Index(
            "ix_correspondents_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )


class DocumentType(_Matchable, Base):
    __tablename__ = "document_types"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)


class CustomField(Base):
    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    data_type: Mapped[CustomFieldType] = mapped_column(
        Enum(
            CustomFieldType,
            name="custom_field_type",
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # select: {"options": [...]}; monetary: {"default_currency": "EUR"}.
    extra_data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = _timestamp()


class CustomFieldValue(Base):
    """A field's value on one document, in the column of the field's type (so filters
    compare dates as dates and amounts as numbers)."""

    __tablename__ = "custom_field_values"
    __table_args__ = (Index("ix_custom_field_values_field", "field_id", "document_id"),)

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True
    )
    value_text: Mapped[str | None] = mapped_column(Text)  # string, longtext, url, select
    value_bool: Mapped[bool | None] = mapped_column(Boolean)
    value_int: Mapped[int | None] = mapped_column(BigInteger)
    value_float: Mapped[float | None] = mapped_column(Double)
    value_date: Mapped[date | None] = mapped_column(Date)
    value_monetary: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    value_currency: Mapped[str | None] = mapped_column(String(3))
    value_documents: Mapped[list[uuid.UUID] | None] = mapped_column(ARRAY(UUID(as_uuid=True)))


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_document_created", "document_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _timestamp()


# --- Audit log ---


class AuditEvent(Base):
    """Who did what and when. No foreign keys: the record outlives what it is about."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at", "id"),
        Index("ix_audit_events_document_at", "document_id", "at", "id"),
        Index("ix_audit_events_actor_at", "actor_id", "at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_name: Mapped[str | None] = mapped_column(String(150))
    # Dotted verb: document.created, document.updated, login.failed, token.revoked …
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    document_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # e.g. {"title": ["old", "new"]} for an update.
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    client: Mapped[str | None] = mapped_column(String(64))


# --- Accounts: groups of users ------------------------------------------------------
# Groups carry no rights of their own: permissions on documents and tags name groups,
# and a user has whatever their groups are granted.


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    created_at: Mapped[datetime] = _timestamp()


class GroupMember(Base):
    """One user in one group; removing either removes the membership."""

    __tablename__ = "group_members"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed on its own for "the groups of this user" (the primary key serves the
    # other direction).
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = _timestamp()


# --- Permissions and share links ---


class Permission(StrEnum):
    view = "view"
    change = "change"  # implies view


class Grant(Base):
    """A user's or a group's permission on one object (document, tag, correspondent,
    document type or custom field). The owner and admins need no grant."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="one_grantee"),
        Index("ix_grants_object", "object_type", "object_id"),
        Index(
            "uq_grants_user",
            "user_id",
            "object_type",
            "object_id",
            unique=True,
            postgresql_where="user_id IS NOT NULL",
        ),
        Index(
            "uq_grants_group",
            "group_id",
            "object_type",
            "object_id",
            unique=True,
            postgresql_where="group_id IS NOT NULL",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    permission: Mapped[Permission] = mapped_column(
        Enum(Permission, name="permission", values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = _timestamp()


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
    created_at: Mapped[datetime] = _timestamp()
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
