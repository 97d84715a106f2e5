"""API models of tags, correspondents, document types and custom fields."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from paless_shared.tables import CustomFieldType, MatchingAlgorithm

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
