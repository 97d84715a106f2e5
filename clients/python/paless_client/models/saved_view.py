from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.saved_view_display import SavedViewDisplay, check_saved_view_display
from ..models.sort import Sort, check_sort
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.saved_view_filters import SavedViewFilters


T = TypeVar("T", bound="SavedView")


@_attrs_define
class SavedView:
    """
    Attributes:
        id (UUID):
        owner (UUID):
        name (str):
        filters (SavedViewFilters): The document list's query parameters (`GET /api/v1/documents`): q, title_like,
            tags_all, tags_any, tags_none, is_tagged, correspondent, document_type, created_after, created_before,
            added_after, added_before, status, custom_field. Lists for the repeatable ones.
        sort (None | Sort):
        display (SavedViewDisplay):
        show_on_dashboard (bool):
        show_in_sidebar (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        document_count (int | None | Unset): Documents you see in the view (up to 10,000), when asked with `counts`.
    """

    id: UUID
    owner: UUID
    name: str
    filters: SavedViewFilters
    sort: None | Sort
    display: SavedViewDisplay
    show_on_dashboard: bool
    show_in_sidebar: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    document_count: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        owner = str(self.owner)

        name = self.name

        filters = self.filters.to_dict()

        sort: None | str
        if isinstance(self.sort, str):
            sort = self.sort
        else:
            sort = self.sort

        display: str = self.display

        show_on_dashboard = self.show_on_dashboard

        show_in_sidebar = self.show_in_sidebar

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        document_count: int | None | Unset
        if isinstance(self.document_count, Unset):
            document_count = UNSET
        else:
            document_count = self.document_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "owner": owner,
                "name": name,
                "filters": filters,
                "sort": sort,
                "display": display,
                "show_on_dashboard": show_on_dashboard,
                "show_in_sidebar": show_in_sidebar,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if document_count is not UNSET:
            field_dict["document_count"] = document_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.saved_view_filters import SavedViewFilters  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        owner = UUID(d.pop("owner"))

        name = d.pop("name")

        filters = SavedViewFilters.from_dict(d.pop("filters"))

        def _parse_sort(data: object) -> None | Sort:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sort_type_0 = check_sort(data)

                return sort_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Sort, data)

        sort = _parse_sort(d.pop("sort"))

        display = check_saved_view_display(d.pop("display"))

        show_on_dashboard = d.pop("show_on_dashboard")

        show_in_sidebar = d.pop("show_in_sidebar")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_document_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        document_count = _parse_document_count(d.pop("document_count", UNSET))

        saved_view = cls(
            id=id,
            owner=owner,
            name=name,
            filters=filters,
            sort=sort,
            display=display,
            show_on_dashboard=show_on_dashboard,
            show_in_sidebar=show_in_sidebar,
            created_at=created_at,
            updated_at=updated_at,
            document_count=document_count,
        )

        saved_view.additional_properties = d
        return saved_view

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
