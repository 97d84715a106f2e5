from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.custom_field_type import CustomFieldType, check_custom_field_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_field_extra_data import CustomFieldExtraData


T = TypeVar("T", bound="CustomField")


@_attrs_define
class CustomField:
    """
    Attributes:
        id (UUID):
        owner (UUID):
        name (str):
        data_type (CustomFieldType):
        extra_data (CustomFieldExtraData): select: {"options": [...]}; monetary: {"default_currency": "EUR"}.
        document_count (int | Unset):  Default: 0.
    """

    id: UUID
    owner: UUID
    name: str
    data_type: CustomFieldType
    extra_data: CustomFieldExtraData
    document_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        owner = str(self.owner)

        name = self.name

        data_type: str = self.data_type

        extra_data = self.extra_data.to_dict()

        document_count = self.document_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "owner": owner,
                "name": name,
                "data_type": data_type,
                "extra_data": extra_data,
            }
        )
        if document_count is not UNSET:
            field_dict["document_count"] = document_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_field_extra_data import CustomFieldExtraData  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        owner = UUID(d.pop("owner"))

        name = d.pop("name")

        data_type = check_custom_field_type(d.pop("data_type"))

        extra_data = CustomFieldExtraData.from_dict(d.pop("extra_data"))

        document_count = d.pop("document_count", UNSET)

        custom_field = cls(
            id=id,
            owner=owner,
            name=name,
            data_type=data_type,
            extra_data=extra_data,
            document_count=document_count,
        )

        custom_field.additional_properties = d
        return custom_field

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
