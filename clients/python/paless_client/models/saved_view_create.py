from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.saved_view_create_display import SavedViewCreateDisplay, check_saved_view_create_display
from ..models.sort import Sort, check_sort
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.saved_view_create_filters import SavedViewCreateFilters


T = TypeVar("T", bound="SavedViewCreate")


@_attrs_define
class SavedViewCreate:
    """
    Attributes:
        name (str):
        filters (SavedViewCreateFilters | Unset): The document list's query parameters (`GET /api/v1/documents`): q,
            title_like, tags_all, tags_any, tags_none, is_tagged, correspondent, document_type, created_after,
            created_before, added_after, added_before, status, custom_field. Lists for the repeatable ones.
        sort (None | Sort | Unset):
        display (SavedViewCreateDisplay | Unset):  Default: 'table'.
        show_on_dashboard (bool | Unset):  Default: True.
        show_in_sidebar (bool | Unset):  Default: True.
    """

    name: str
    filters: SavedViewCreateFilters | Unset = UNSET
    sort: None | Sort | Unset = UNSET
    display: SavedViewCreateDisplay | Unset = "table"
    show_on_dashboard: bool | Unset = True
    show_in_sidebar: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        filters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.filters, Unset):
            filters = self.filters.to_dict()

        sort: None | str | Unset
        if isinstance(self.sort, Unset):
            sort = UNSET
        elif isinstance(self.sort, str):
            sort = self.sort
        else:
            sort = self.sort

        display: str | Unset = UNSET
        if not isinstance(self.display, Unset):
            display = self.display

        show_on_dashboard = self.show_on_dashboard

        show_in_sidebar = self.show_in_sidebar

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if filters is not UNSET:
            field_dict["filters"] = filters
        if sort is not UNSET:
            field_dict["sort"] = sort
        if display is not UNSET:
            field_dict["display"] = display
        if show_on_dashboard is not UNSET:
            field_dict["show_on_dashboard"] = show_on_dashboard
        if show_in_sidebar is not UNSET:
            field_dict["show_in_sidebar"] = show_in_sidebar

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.saved_view_create_filters import SavedViewCreateFilters  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        _filters = d.pop("filters", UNSET)
        filters: SavedViewCreateFilters | Unset
        if isinstance(_filters, Unset):
            filters = UNSET
        else:
            filters = SavedViewCreateFilters.from_dict(_filters)

        def _parse_sort(data: object) -> None | Sort | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sort_type_0 = check_sort(data)

                return sort_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Sort | Unset, data)

        sort = _parse_sort(d.pop("sort", UNSET))

        _display = d.pop("display", UNSET)
        display: SavedViewCreateDisplay | Unset
        if isinstance(_display, Unset):
            display = UNSET
        else:
            display = check_saved_view_create_display(_display)

        show_on_dashboard = d.pop("show_on_dashboard", UNSET)

        show_in_sidebar = d.pop("show_in_sidebar", UNSET)

        saved_view_create = cls(
            name=name,
            filters=filters,
            sort=sort,
            display=display,
            show_on_dashboard=show_on_dashboard,
            show_in_sidebar=show_in_sidebar,
        )

        return saved_view_create
