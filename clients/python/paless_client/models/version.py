from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.version_ocr_settings_type_0 import VersionOcrSettingsType0


T = TypeVar("T", bound="Version")


@_attrs_define
class Version:
    """
    Attributes:
        number (int): 1 for the upload; later versions count up.
        current (bool): Whether the document shows this version.
        mime_type (str): Type of the original, as uploaded.
        size_bytes (int):
        sha256 (None | str):
        page_count (int | None):
        has_archive (bool): An archive PDF with a text layer exists (`rendition=archive`).
        has_thumbnail (bool):
        ocr_settings (None | VersionOcrSettingsType0): The OCR settings its renditions were made with.
        created_at (datetime.datetime):
        created_by (None | UUID):
    """

    number: int
    current: bool
    mime_type: str
    size_bytes: int
    sha256: None | str
    page_count: int | None
    has_archive: bool
    has_thumbnail: bool
    ocr_settings: None | VersionOcrSettingsType0
    created_at: datetime.datetime
    created_by: None | UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.version_ocr_settings_type_0 import VersionOcrSettingsType0  # noqa: PLC0415

        number = self.number

        current = self.current

        mime_type = self.mime_type

        size_bytes = self.size_bytes

        sha256: None | str
        sha256 = self.sha256

        page_count: int | None
        page_count = self.page_count

        has_archive = self.has_archive

        has_thumbnail = self.has_thumbnail

        ocr_settings: dict[str, Any] | None
        if isinstance(self.ocr_settings, VersionOcrSettingsType0):
            ocr_settings = self.ocr_settings.to_dict()
        else:
            ocr_settings = self.ocr_settings

        created_at = self.created_at.isoformat()

        created_by: None | str
        if isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "current": current,
                "mime_type": mime_type,
                "size_bytes": size_bytes,
                "sha256": sha256,
                "page_count": page_count,
                "has_archive": has_archive,
                "has_thumbnail": has_thumbnail,
                "ocr_settings": ocr_settings,
                "created_at": created_at,
                "created_by": created_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.version_ocr_settings_type_0 import VersionOcrSettingsType0  # noqa: PLC0415

        d = dict(src_dict)
        number = d.pop("number")

        current = d.pop("current")

        mime_type = d.pop("mime_type")

        size_bytes = d.pop("size_bytes")

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))

        def _parse_page_count(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        page_count = _parse_page_count(d.pop("page_count"))

        has_archive = d.pop("has_archive")

        has_thumbnail = d.pop("has_thumbnail")

        def _parse_ocr_settings(data: object) -> None | VersionOcrSettingsType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ocr_settings_type_0 = VersionOcrSettingsType0.from_dict(data)

                return ocr_settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VersionOcrSettingsType0, data)

        ocr_settings = _parse_ocr_settings(d.pop("ocr_settings"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_created_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        created_by = _parse_created_by(d.pop("created_by"))

        version = cls(
            number=number,
            current=current,
            mime_type=mime_type,
            size_bytes=size_bytes,
            sha256=sha256,
            page_count=page_count,
            has_archive=has_archive,
            has_thumbnail=has_thumbnail,
            ocr_settings=ocr_settings,
            created_at=created_at,
            created_by=created_by,
        )

        version.additional_properties = d
        return version

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
