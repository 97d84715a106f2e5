from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="BulkDelete")


@_attrs_define
class BulkDelete:
    """
    Attributes:
        documents (list[UUID]):
        operation (Literal['delete']):
    """

    documents: list[UUID]
    operation: Literal["delete"]

    def to_dict(self) -> dict[str, Any]:
        documents = []
        for documents_item_data in self.documents:
            documents_item = str(documents_item_data)
            documents.append(documents_item)

        operation = self.operation

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "documents": documents,
                "operation": operation,
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

        operation = cast(Literal["delete"], d.pop("operation"))
        if operation != "delete":
            raise ValueError(f"operation must match const 'delete', got '{operation}'")

        bulk_delete = cls(
            documents=documents,
            operation=operation,
        )

        return bulk_delete
