from typing import Literal

SavedViewDisplay = Literal["table", "thumbnails"]

SAVED_VIEW_DISPLAY_VALUES: set[SavedViewDisplay] = {
    "table",
    "thumbnails",
}


def check_saved_view_display(value: str) -> SavedViewDisplay:
    if value in SAVED_VIEW_DISPLAY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SAVED_VIEW_DISPLAY_VALUES!r}")
