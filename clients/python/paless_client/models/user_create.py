from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserCreate")


@_attrs_define
class UserCreate:
    """
    Attributes:
        username (str):
        password (str): At least PALESS_PASSWORD_MIN_LENGTH (12) characters.
        is_admin (bool | Unset):  Default: False.
        is_active (bool | Unset):  Default: True.
    """

    username: str
    password: str
    is_admin: bool | Unset = False
    is_active: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        password = self.password

        is_admin = self.is_admin

        is_active = self.is_active

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "username": username,
                "password": password,
            }
        )
        if is_admin is not UNSET:
            field_dict["is_admin"] = is_admin
        if is_active is not UNSET:
            field_dict["is_active"] = is_active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        password = d.pop("password")

        is_admin = d.pop("is_admin", UNSET)

        is_active = d.pop("is_active", UNSET)

        user_create = cls(
            username=username,
            password=password,
            is_admin=is_admin,
            is_active=is_active,
        )

        return user_create
