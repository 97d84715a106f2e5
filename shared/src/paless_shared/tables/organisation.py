"""Tags, correspondents, document types and custom fields (with their values)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    Enum,
    FetchedValue,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from paless_shared.platform.database import Base, timestamp


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


document_tags = Table(
    "document_tags",
    Base.metadata,
    Column(
        "document_id",
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # The document's added_at, copied by a trigger on insert (migration 0013): a tag's
    # documents newest first from an index, for a search with a tag filter.
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=FetchedValue()),
    Index("ix_document_tags_tag", "tag_id", "document_id"),
    Index("ix_document_tags_tag_added", "tag_id", "added_at", "document_id"),
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
    created_at: Mapped[datetime] = timestamp()


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
    created_at: Mapped[datetime] = timestamp()


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
