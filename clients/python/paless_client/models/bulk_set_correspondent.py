from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="BulkSetCorrespondent")


@_attrs_define
class BulkSetCorrespondent:
    """
    Attributes:
        documents (list[UUID]):
        operation (Literal['set_correspondent']):
        correspondent (None | UUID): null clears it.
    """

    documents: list[UUID]
    operation: Literal["set_correspondent"]
    correspondent: None | UUID

    def to_dict(self) -> dict[str, Any]:
        documents = []
        for documents_item_data in self.documents:
            documents_item = str(documents_item_data)
            documents.append(documents_item)

        operation = self.operation

        correspondent: None | str
        if isinstance(self.correspondent, UUID):
            correspondent = str(self.correspondent)
        else:
            correspondent = self.correspondent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "documents": documents,
                "operation": operation,
                "correspondent": correspondent,
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

        operation = cast(Literal["set_correspondent"], d.pop("operation"))
        if operation != "set_correspondent":
            raise ValueError(f"operation must match const 'set_correspondent', got '{operation}'")

        def _parse_correspondent(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                correspondent_type_0 = UUID(data)

                return correspondent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        correspondent = _parse_correspondent(d.pop("correspondent"))

        bulk_set_correspondent = cls(
            documents=documents,
            operation=operation,
            correspondent=correspondent,
        )

        return bulk_set_correspondent
