from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.group_summary import GroupSummary


T = TypeVar("T", bound="UserDetail")


@_attrs_define
class UserDetail:
    """
    Attributes:
        id (UUID):
        username (str):
        is_admin (bool): Admins manage users and groups, and see all tasks.
        is_active (bool): An inactive user cannot log in; their tokens fail.
        created_at (datetime.datetime):
        groups (list[GroupSummary]): The groups the user belongs to.
    """

    id: UUID
    username: str
    is_admin: bool
    is_active: bool
    created_at: datetime.datetime
    groups: list[GroupSummary]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        username = self.username

        is_admin = self.is_admin

        is_active = self.is_active

        created_at = self.created_at.isoformat()

        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "username": username,
                "is_admin": is_admin,
                "is_active": is_active,
                "created_at": created_at,
                "groups": groups,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.group_summary import GroupSummary  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        username = d.pop("username")

        is_admin = d.pop("is_admin")

        is_active = d.pop("is_active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = GroupSummary.from_dict(groups_item_data)

            groups.append(groups_item)

        user_detail = cls(
            id=id,
            username=username,
            is_admin=is_admin,
            is_active=is_active,
            created_at=created_at,
            groups=groups,
        )

        user_detail.additional_properties = d
        return user_detail

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
