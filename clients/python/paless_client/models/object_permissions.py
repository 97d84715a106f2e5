from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.grantees import Grantees


T = TypeVar("T", bound="ObjectPermissions")


@_attrs_define
class ObjectPermissions:
    """
    Attributes:
        owner (UUID):
        view (Grantees | Unset):
        change (Grantees | Unset):
    """

    owner: UUID
    view: Grantees | Unset = UNSET
    change: Grantees | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        owner = str(self.owner)

        view: dict[str, Any] | Unset = UNSET
        if not isinstance(self.view, Unset):
            view = self.view.to_dict()

        change: dict[str, Any] | Unset = UNSET
        if not isinstance(self.change, Unset):
            change = self.change.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "owner": owner,
            }
        )
        if view is not UNSET:
            field_dict["view"] = view
        if change is not UNSET:
            field_dict["change"] = change

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.grantees import Grantees  # noqa: PLC0415

        d = dict(src_dict)
        owner = UUID(d.pop("owner"))

        _view = d.pop("view", UNSET)
        view: Grantees | Unset
        if isinstance(_view, Unset):
            view = UNSET
        else:
            view = Grantees.from_dict(_view)

        _change = d.pop("change", UNSET)
        change: Grantees | Unset
        if isinstance(_change, Unset):
            change = UNSET
        else:
            change = Grantees.from_dict(_change)

        object_permissions = cls(
            owner=owner,
            view=view,
            change=change,
        )

        return object_permissions
