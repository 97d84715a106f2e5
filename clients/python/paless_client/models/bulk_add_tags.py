from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="BulkAddTags")


@_attrs_define
class BulkAddTags:
    """
    Attributes:
        documents (list[UUID]):
        operation (Literal['add_tags']):
        tags (list[UUID]):
    """

    documents: list[UUID]
    operation: Literal["add_tags"]
    tags: list[UUID]

    def to_dict(self) -> dict[str, Any]:
        documents = []
        for documents_item_data in self.documents:
            documents_item = str(documents_item_data)
            documents.append(documents_item)

        operation = self.operation

        tags = []
        for tags_item_data in self.tags:
            tags_item = str(tags_item_data)
            tags.append(tags_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "documents": documents,
                "operation": operation,
                "tags": tags,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        documents = []
        _documents = d.pop("documents")
        for documents_item_data in _documents:
            documents_item = UUID(documents_item_data)

            documents.append(documents_item)

        operation = cast(Literal["add_tags"], d.pop("operation"))
        if operation != "add_tags":
            raise ValueError(f"operation must match const 'add_tags', got '{operation}'")

        tags = []
        _tags = d.pop("tags")
        for tags_item_data in _tags:
            tags_item = UUID(tags_item_data)

            tags.append(tags_item)

        bulk_add_tags = cls(
            documents=documents,
            operation=operation,
            tags=tags,
        )

        return bulk_add_tags
