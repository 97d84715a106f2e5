from typing import Literal

SavedViewUpdateDisplayType0 = Literal["table", "thumbnails"]

SAVED_VIEW_UPDATE_DISPLAY_TYPE_0_VALUES: set[SavedViewUpdateDisplayType0] = {
    "table",
    "thumbnails",
}


def check_saved_view_update_display_type_0(value: str) -> SavedViewUpdateDisplayType0:
    if value in SAVED_VIEW_UPDATE_DISPLAY_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SAVED_VIEW_UPDATE_DISPLAY_TYPE_0_VALUES!r}")
