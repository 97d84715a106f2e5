from typing import Literal

DocumentsUploadDocumentUploadOcrMode = Literal["auto", "force", "off", "redo"]

DOCUMENTS_UPLOAD_DOCUMENT_UPLOAD_OCR_MODE_VALUES: set[DocumentsUploadDocumentUploadOcrMode] = {
    "auto",
    "force",
    "off",
    "redo",
}


def check_documents_upload_document_upload_ocr_mode(value: str) -> DocumentsUploadDocumentUploadOcrMode:
    if value in DOCUMENTS_UPLOAD_DOCUMENT_UPLOAD_OCR_MODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DOCUMENTS_UPLOAD_DOCUMENT_UPLOAD_OCR_MODE_VALUES!r}")
