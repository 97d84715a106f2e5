from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomFieldInput")


@_attrs_define
class CustomFieldInput:
    """
    Attributes:
        field (UUID):
        value (Any | Unset):
    """

    field: UUID
    value: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        field = str(self.field)

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "field": field,
            }
        )
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = UUID(d.pop("field"))

        value = d.pop("value", UNSET)

        custom_field_input = cls(
            field=field,
            value=value,
        )

        return custom_field_input
