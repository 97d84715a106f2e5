from typing import Literal

DocumentStatus = Literal["failed", "pending", "processing", "ready"]

DOCUMENT_STATUS_VALUES: set[DocumentStatus] = {
    "failed",
    "pending",
    "processing",
    "ready",
}


def check_document_status(value: str) -> DocumentStatus:
    if value in DOCUMENT_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DOCUMENT_STATUS_VALUES!r}")
