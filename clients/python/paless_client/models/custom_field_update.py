from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_field_update_extra_data_type_0 import CustomFieldUpdateExtraDataType0


T = TypeVar("T", bound="CustomFieldUpdate")


@_attrs_define
class CustomFieldUpdate:
    """
    Attributes:
        name (None | str | Unset):
        extra_data (CustomFieldUpdateExtraDataType0 | None | Unset):
    """

    name: None | str | Unset = UNSET
    extra_data: CustomFieldUpdateExtraDataType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.custom_field_update_extra_data_type_0 import CustomFieldUpdateExtraDataType0  # noqa: PLC0415

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        extra_data: dict[str, Any] | None | Unset
        if isinstance(self.extra_data, Unset):
            extra_data = UNSET
        elif isinstance(self.extra_data, CustomFieldUpdateExtraDataType0):
            extra_data = self.extra_data.to_dict()
        else:
            extra_data = self.extra_data

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if extra_data is not UNSET:
            field_dict["extra_data"] = extra_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_field_update_extra_data_type_0 import CustomFieldUpdateExtraDataType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_extra_data(data: object) -> CustomFieldUpdateExtraDataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extra_data_type_0 = CustomFieldUpdateExtraDataType0.from_dict(data)

                return extra_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CustomFieldUpdateExtraDataType0 | None | Unset, data)

        extra_data = _parse_extra_data(d.pop("extra_data", UNSET))

        custom_field_update = cls(
            name=name,
            extra_data=extra_data,
        )

        return custom_field_update
