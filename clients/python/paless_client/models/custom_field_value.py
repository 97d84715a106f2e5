from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.custom_field_type import CustomFieldType, check_custom_field_type

T = TypeVar("T", bound="CustomFieldValue")


@_attrs_define
class CustomFieldValue:
    """
    Attributes:
        field (UUID):
        name (str):
        data_type (CustomFieldType):
        value (Any): By type: string/longtext/url/select: string; date: YYYY-MM-DD; boolean; integer; float; monetary:
            {"amount": "12.50", "currency": "EUR"}; documentlink: list of document ids; or null.
    """

    field: UUID
    name: str
    data_type: CustomFieldType
    value: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = str(self.field)

        name = self.name

        data_type: str = self.data_type

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "name": name,
                "data_type": data_type,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = UUID(d.pop("field"))

        name = d.pop("name")

        data_type = check_custom_field_type(d.pop("data_type"))

        value = d.pop("value")

        custom_field_value = cls(
            field=field,
            name=name,
            data_type=data_type,
            value=value,
        )

        custom_field_value.additional_properties = d
        return custom_field_value

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
