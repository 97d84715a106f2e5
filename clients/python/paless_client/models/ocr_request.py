from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.ocr_request_mode_type_0 import OcrRequestModeType0, check_ocr_request_mode_type_0
from ..types import UNSET, Unset

T = TypeVar("T", bound="OcrRequest")


@_attrs_define
class OcrRequest:
    """OCR settings for one processing of a document; each one left out is the
    server's default (PALESS_OCR_*).

        Attributes:
            mode (None | OcrRequestModeType0 | Unset): `auto`: OCR pages without a text layer; `redo`: replace an earlier
                OCR layer; `force`: OCR every page from its image; `off`: no OCR.
            languages (list[str] | None | Unset): Tesseract language codes; 422 lists the installed ones.
            deskew (bool | None | Unset):
            rotate_pages (bool | None | Unset):
            clean (bool | None | Unset): Clean pages with unpaper before OCR.
            pdfa (bool | None | Unset): Make the archive PDF/A when possible.
            password (None | str | Unset): Opens an encrypted PDF. Kept only in the queue's Redis until the worker has
                decrypted the file (at most a day), never in the database.
    """

    mode: None | OcrRequestModeType0 | Unset = UNSET
    languages: list[str] | None | Unset = UNSET
    deskew: bool | None | Unset = UNSET
    rotate_pages: bool | None | Unset = UNSET
    clean: bool | None | Unset = UNSET
    pdfa: bool | None | Unset = UNSET
    password: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        mode: None | str | Unset
        if isinstance(self.mode, Unset):
            mode = UNSET
        elif isinstance(self.mode, str):
            mode = self.mode
        else:
            mode = self.mode

        languages: list[str] | None | Unset
        if isinstance(self.languages, Unset):
            languages = UNSET
        elif isinstance(self.languages, list):
            languages = self.languages

        else:
            languages = self.languages

        deskew: bool | None | Unset
        if isinstance(self.deskew, Unset):
            deskew = UNSET
        else:
            deskew = self.deskew

        rotate_pages: bool | None | Unset
        if isinstance(self.rotate_pages, Unset):
            rotate_pages = UNSET
        else:
            rotate_pages = self.rotate_pages

        clean: bool | None | Unset
        if isinstance(self.clean, Unset):
            clean = UNSET
        else:
            clean = self.clean

        pdfa: bool | None | Unset
        if isinstance(self.pdfa, Unset):
            pdfa = UNSET
        else:
            pdfa = self.pdfa

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if mode is not UNSET:
            field_dict["mode"] = mode
        if languages is not UNSET:
            field_dict["languages"] = languages
        if deskew is not UNSET:
            field_dict["deskew"] = deskew
        if rotate_pages is not UNSET:
            field_dict["rotate_pages"] = rotate_pages
        if clean is not UNSET:
            field_dict["clean"] = clean
        if pdfa is not UNSET:
            field_dict["pdfa"] = pdfa
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_mode(data: object) -> None | OcrRequestModeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mode_type_0 = check_ocr_request_mode_type_0(data)

                return mode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OcrRequestModeType0 | Unset, data)

        mode = _parse_mode(d.pop("mode", UNSET))

        def _parse_languages(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                languages_type_0 = cast(list[str], data)

                return languages_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        languages = _parse_languages(d.pop("languages", UNSET))

        def _parse_deskew(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        deskew = _parse_deskew(d.pop("deskew", UNSET))

        def _parse_rotate_pages(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        rotate_pages = _parse_rotate_pages(d.pop("rotate_pages", UNSET))

        def _parse_clean(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        clean = _parse_clean(d.pop("clean", UNSET))

        def _parse_pdfa(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        pdfa = _parse_pdfa(d.pop("pdfa", UNSET))

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        ocr_request = cls(
            mode=mode,
            languages=languages,
            deskew=deskew,
            rotate_pages=rotate_pages,
            clean=clean,
            pdfa=pdfa,
            password=password,
        )

        return ocr_request
