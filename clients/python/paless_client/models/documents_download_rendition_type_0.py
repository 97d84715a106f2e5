from typing import Literal

DocumentsDownloadRenditionType0 = Literal["archive", "original"]

DOCUMENTS_DOWNLOAD_RENDITION_TYPE_0_VALUES: set[DocumentsDownloadRenditionType0] = {
    "archive",
    "original",
}


def check_documents_download_rendition_type_0(value: str) -> DocumentsDownloadRenditionType0:
    if value in DOCUMENTS_DOWNLOAD_RENDITION_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DOCUMENTS_DOWNLOAD_RENDITION_TYPE_0_VALUES!r}")
