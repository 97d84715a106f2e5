from typing import Literal

SavedViewCreateDisplay = Literal["table", "thumbnails"]

SAVED_VIEW_CREATE_DISPLAY_VALUES: set[SavedViewCreateDisplay] = {
    "table",
    "thumbnails",
}


def check_saved_view_create_display(value: str) -> SavedViewCreateDisplay:
    if value in SAVED_VIEW_CREATE_DISPLAY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SAVED_VIEW_CREATE_DISPLAY_VALUES!r}")
