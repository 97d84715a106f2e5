from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkSetCustomField")


@_attrs_define
class BulkSetCustomField:
    """
    Attributes:
        documents (list[UUID]):
        operation (Literal['set_custom_field']):
        field (UUID):
        value (Any | Unset):
    """

    documents: list[UUID]
    operation: Literal["set_custom_field"]
    field: UUID
    value: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        documents = []
        for documents_item_data in self.documents:
            documents_item = str(documents_item_data)
            documents.append(documents_item)

        operation = self.operation

        field = str(self.field)

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "documents": documents,
                "operation": operation,
                "field": field,
            }
        )
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        documents = []
        _documents = d.pop("documents")
        for documents_item_data in _documents:
            documents_item = UUID(documents_item_data)

            documents.append(documents_item)

        operation = cast(Literal["set_custom_field"], d.pop("operation"))
        if operation != "set_custom_field":
            raise ValueError(f"operation must match const 'set_custom_field', got '{operation}'")

        field = UUID(d.pop("field"))

        value = d.pop("value", UNSET)

        bulk_set_custom_field = cls(
            documents=documents,
            operation=operation,
            field=field,
            value=value,
        )

        return bulk_set_custom_field
