from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.custom_field_type import CustomFieldType, check_custom_field_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_field_create_extra_data import CustomFieldCreateExtraData


T = TypeVar("T", bound="CustomFieldCreate")


@_attrs_define
class CustomFieldCreate:
    """
    Attributes:
        name (str):
        data_type (CustomFieldType):
        extra_data (CustomFieldCreateExtraData | Unset):
    """

    name: str
    data_type: CustomFieldType
    extra_data: CustomFieldCreateExtraData | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        data_type: str = self.data_type

        extra_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra_data, Unset):
            extra_data = self.extra_data.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "data_type": data_type,
            }
        )
        if extra_data is not UNSET:
            field_dict["extra_data"] = extra_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_field_create_extra_data import CustomFieldCreateExtraData  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        data_type = check_custom_field_type(d.pop("data_type"))

        _extra_data = d.pop("extra_data", UNSET)
        extra_data: CustomFieldCreateExtraData | Unset
        if isinstance(_extra_data, Unset):
            extra_data = UNSET
        else:
            extra_data = CustomFieldCreateExtraData.from_dict(_extra_data)

        custom_field_create = cls(
            name=name,
            data_type=data_type,
            extra_data=extra_data,
        )

        return custom_field_create
