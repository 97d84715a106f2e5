from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.saved_view_update_display_type_0 import (
    SavedViewUpdateDisplayType0,
    check_saved_view_update_display_type_0,
)
from ..models.sort import Sort, check_sort
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.saved_view_update_filters_type_0 import SavedViewUpdateFiltersType0


T = TypeVar("T", bound="SavedViewUpdate")


@_attrs_define
class SavedViewUpdate:
    """
    Attributes:
        name (None | str | Unset):
        filters (None | SavedViewUpdateFiltersType0 | Unset): The document list's query parameters (`GET
            /api/v1/documents`): q, title_like, tags_all, tags_any, tags_none, is_tagged, correspondent, document_type,
            created_after, created_before, added_after, added_before, status, custom_field. Lists for the repeatable ones.
        sort (None | Sort | Unset):
        display (None | SavedViewUpdateDisplayType0 | Unset):
        show_on_dashboard (bool | None | Unset):
        show_in_sidebar (bool | None | Unset):
    """

    name: None | str | Unset = UNSET
    filters: None | SavedViewUpdateFiltersType0 | Unset = UNSET
    sort: None | Sort | Unset = UNSET
    display: None | SavedViewUpdateDisplayType0 | Unset = UNSET
    show_on_dashboard: bool | None | Unset = UNSET
    show_in_sidebar: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.saved_view_update_filters_type_0 import SavedViewUpdateFiltersType0  # noqa: PLC0415

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        filters: dict[str, Any] | None | Unset
        if isinstance(self.filters, Unset):
            filters = UNSET
        elif isinstance(self.filters, SavedViewUpdateFiltersType0):
            filters = self.filters.to_dict()
        else:
            filters = self.filters

        sort: None | str | Unset
        if isinstance(self.sort, Unset):
            sort = UNSET
        elif isinstance(self.sort, str):
            sort = self.sort
        else:
            sort = self.sort

        display: None | str | Unset
        if isinstance(self.display, Unset):
            display = UNSET
        elif isinstance(self.display, str):
            display = self.display
        else:
            display = self.display

        show_on_dashboard: bool | None | Unset
        if isinstance(self.show_on_dashboard, Unset):
            show_on_dashboard = UNSET
        else:
            show_on_dashboard = self.show_on_dashboard

        show_in_sidebar: bool | None | Unset
        if isinstance(self.show_in_sidebar, Unset):
            show_in_sidebar = UNSET
        else:
            show_in_sidebar = self.show_in_sidebar

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
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
        from ..models.saved_view_update_filters_type_0 import SavedViewUpdateFiltersType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_filters(data: object) -> None | SavedViewUpdateFiltersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filters_type_0 = SavedViewUpdateFiltersType0.from_dict(data)

                return filters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SavedViewUpdateFiltersType0 | Unset, data)

        filters = _parse_filters(d.pop("filters", UNSET))

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

        def _parse_display(data: object) -> None | SavedViewUpdateDisplayType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                display_type_0 = check_saved_view_update_display_type_0(data)

                return display_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SavedViewUpdateDisplayType0 | Unset, data)

        display = _parse_display(d.pop("display", UNSET))

        def _parse_show_on_dashboard(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        show_on_dashboard = _parse_show_on_dashboard(d.pop("show_on_dashboard", UNSET))

        def _parse_show_in_sidebar(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        show_in_sidebar = _parse_show_in_sidebar(d.pop("show_in_sidebar", UNSET))

        saved_view_update = cls(
            name=name,
            filters=filters,
            sort=sort,
            display=display,
            show_on_dashboard=show_on_dashboard,
            show_in_sidebar=show_in_sidebar,
        )

        return saved_view_update
