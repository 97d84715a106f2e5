from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="BulkSetDocumentType")


@_attrs_define
class BulkSetDocumentType:
    """
    Attributes:
        documents (list[UUID]):
        operation (Literal['set_document_type']):
        document_type (None | UUID): null clears it.
    """

    documents: list[UUID]
    operation: Literal["set_document_type"]
    document_type: None | UUID

    def to_dict(self) -> dict[str, Any]:
        documents = []
        for documents_item_data in self.documents:
            documents_item = str(documents_item_data)
            documents.append(documents_item)

        operation = self.operation

        document_type: None | str
        if isinstance(self.document_type, UUID):
            document_type = str(self.document_type)
        else:
            document_type = self.document_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "documents": documents,
                "operation": operation,
                "document_type": document_type,
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

        operation = cast(Literal["set_document_type"], d.pop("operation"))
        if operation != "set_document_type":
            raise ValueError(f"operation must match const 'set_document_type', got '{operation}'")

        def _parse_document_type(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                document_type_type_0 = UUID(data)

                return document_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        document_type = _parse_document_type(d.pop("document_type"))

        bulk_set_document_type = cls(
            documents=documents,
            operation=operation,
            document_type=document_type,
        )

        return bulk_set_document_type
