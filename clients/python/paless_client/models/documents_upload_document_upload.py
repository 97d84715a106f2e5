from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.documents_upload_document_upload_ocr_mode import (
    DocumentsUploadDocumentUploadOcrMode,
    check_documents_upload_document_upload_ocr_mode,
)
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="DocumentsUploadDocumentUpload")


@_attrs_define
class DocumentsUploadDocumentUpload:
    """
    Attributes:
        file (File): A PDF or an image (JPEG, PNG, TIFF, WebP, GIF, BMP, HEIC/HEIF), recognised by its content.
        title (str | Unset):
        ocr_mode (DocumentsUploadDocumentUploadOcrMode | Unset): OCR mode for this document (default: the server's).
        ocr_languages (str | Unset): Tesseract languages, joined by + or commas.
        ocr_deskew (bool | Unset):
        ocr_rotate_pages (bool | Unset):
        ocr_clean (bool | Unset):
        ocr_pdfa (bool | Unset):
        password (str | Unset): Opens an encrypted PDF; never stored in the database.
    """

    file: File
    title: str | Unset = UNSET
    ocr_mode: DocumentsUploadDocumentUploadOcrMode | Unset = UNSET
    ocr_languages: str | Unset = UNSET
    ocr_deskew: bool | Unset = UNSET
    ocr_rotate_pages: bool | Unset = UNSET
    ocr_clean: bool | Unset = UNSET
    ocr_pdfa: bool | Unset = UNSET
    password: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        title = self.title

        ocr_mode: str | Unset = UNSET
        if not isinstance(self.ocr_mode, Unset):
            ocr_mode = self.ocr_mode

        ocr_languages = self.ocr_languages

        ocr_deskew = self.ocr_deskew

        ocr_rotate_pages = self.ocr_rotate_pages

        ocr_clean = self.ocr_clean

        ocr_pdfa = self.ocr_pdfa

        password = self.password

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if title is not UNSET:
            field_dict["title"] = title
        if ocr_mode is not UNSET:
            field_dict["ocr_mode"] = ocr_mode
        if ocr_languages is not UNSET:
            field_dict["ocr_languages"] = ocr_languages
        if ocr_deskew is not UNSET:
            field_dict["ocr_deskew"] = ocr_deskew
        if ocr_rotate_pages is not UNSET:
            field_dict["ocr_rotate_pages"] = ocr_rotate_pages
        if ocr_clean is not UNSET:
            field_dict["ocr_clean"] = ocr_clean
        if ocr_pdfa is not UNSET:
            field_dict["ocr_pdfa"] = ocr_pdfa
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.title, Unset):
            files.append(("title", (None, str(self.title).encode(), "text/plain")))

        if not isinstance(self.ocr_mode, Unset):
            files.append(("ocr_mode", (None, str(self.ocr_mode).encode(), "text/plain")))

        if not isinstance(self.ocr_languages, Unset):
            files.append(("ocr_languages", (None, str(self.ocr_languages).encode(), "text/plain")))

        if not isinstance(self.ocr_deskew, Unset):
            files.append(("ocr_deskew", (None, str(self.ocr_deskew).encode(), "text/plain")))

        if not isinstance(self.ocr_rotate_pages, Unset):
            files.append(("ocr_rotate_pages", (None, str(self.ocr_rotate_pages).encode(), "text/plain")))

        if not isinstance(self.ocr_clean, Unset):
            files.append(("ocr_clean", (None, str(self.ocr_clean).encode(), "text/plain")))

        if not isinstance(self.ocr_pdfa, Unset):
            files.append(("ocr_pdfa", (None, str(self.ocr_pdfa).encode(), "text/plain")))

        if not isinstance(self.password, Unset):
            files.append(("password", (None, str(self.password).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        title = d.pop("title", UNSET)

        _ocr_mode = d.pop("ocr_mode", UNSET)
        ocr_mode: DocumentsUploadDocumentUploadOcrMode | Unset
        if isinstance(_ocr_mode, Unset):
            ocr_mode = UNSET
        else:
            ocr_mode = check_documents_upload_document_upload_ocr_mode(_ocr_mode)

        ocr_languages = d.pop("ocr_languages", UNSET)

        ocr_deskew = d.pop("ocr_deskew", UNSET)

        ocr_rotate_pages = d.pop("ocr_rotate_pages", UNSET)

        ocr_clean = d.pop("ocr_clean", UNSET)

        ocr_pdfa = d.pop("ocr_pdfa", UNSET)

        password = d.pop("password", UNSET)

        documents_upload_document_upload = cls(
            file=file,
            title=title,
            ocr_mode=ocr_mode,
            ocr_languages=ocr_languages,
            ocr_deskew=ocr_deskew,
            ocr_rotate_pages=ocr_rotate_pages,
            ocr_clean=ocr_clean,
            ocr_pdfa=ocr_pdfa,
            password=password,
        )

        documents_upload_document_upload.additional_properties = d
        return documents_upload_document_upload

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
