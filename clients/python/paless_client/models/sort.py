from typing import Literal

Sort = Literal["-added", "-created", "-title", "added", "created", "relevance", "title"]

SORT_VALUES: set[Sort] = {
    "-added",
    "-created",
    "-title",
    "added",
    "created",
    "relevance",
    "title",
}


def check_sort(value: str) -> Sort:
    if value in SORT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SORT_VALUES!r}")
