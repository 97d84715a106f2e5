from typing import Literal

DocumentsDownloadDisposition = Literal["attachment", "inline"]

DOCUMENTS_DOWNLOAD_DISPOSITION_VALUES: set[DocumentsDownloadDisposition] = {
    "attachment",
    "inline",
}


def check_documents_download_disposition(value: str) -> DocumentsDownloadDisposition:
    if value in DOCUMENTS_DOWNLOAD_DISPOSITION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DOCUMENTS_DOWNLOAD_DISPOSITION_VALUES!r}")
