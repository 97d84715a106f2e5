from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_field_input import CustomFieldInput


T = TypeVar("T", bound="DocumentUpdate")


@_attrs_define
class DocumentUpdate:
    """Only the fields sent change; `null` clears correspondent, type or ASN.

    Attributes:
        title (None | str | Unset):
        created (datetime.date | datetime.datetime | None | Unset): The document's own date (date or date-time; a date
            is midnight UTC). A date-time without an offset (`2026-12-31T23:59:59`) is read as UTC.
        correspondent (None | Unset | UUID):
        document_type (None | Unset | UUID):
        archive_serial_number (int | None | Unset):
        tags (list[UUID] | None | Unset): The complete set (parents of nested tags are added).
        custom_fields (list[CustomFieldInput] | None | Unset): The complete set of values: fields left out are removed.
    """

    title: None | str | Unset = UNSET
    created: datetime.date | datetime.datetime | None | Unset = UNSET
    correspondent: None | Unset | UUID = UNSET
    document_type: None | Unset | UUID = UNSET
    archive_serial_number: int | None | Unset = UNSET
    tags: list[UUID] | None | Unset = UNSET
    custom_fields: list[CustomFieldInput] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        elif isinstance(self.created, datetime.date):
            created = self.created.isoformat()
        else:
            created = self.created

        correspondent: None | str | Unset
        if isinstance(self.correspondent, Unset):
            correspondent = UNSET
        elif isinstance(self.correspondent, UUID):
            correspondent = str(self.correspondent)
        else:
            correspondent = self.correspondent

        document_type: None | str | Unset
        if isinstance(self.document_type, Unset):
            document_type = UNSET
        elif isinstance(self.document_type, UUID):
            document_type = str(self.document_type)
        else:
            document_type = self.document_type

        archive_serial_number: int | None | Unset
        if isinstance(self.archive_serial_number, Unset):
            archive_serial_number = UNSET
        else:
            archive_serial_number = self.archive_serial_number

        tags: list[str] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, list):
            tags = []
            for tags_type_0_item_data in self.tags:
                tags_type_0_item = str(tags_type_0_item_data)
                tags.append(tags_type_0_item)

        else:
            tags = self.tags

        custom_fields: list[dict[str, Any]] | None | Unset
        if isinstance(self.custom_fields, Unset):
            custom_fields = UNSET
        elif isinstance(self.custom_fields, list):
            custom_fields = []
            for custom_fields_type_0_item_data in self.custom_fields:
                custom_fields_type_0_item = custom_fields_type_0_item_data.to_dict()
                custom_fields.append(custom_fields_type_0_item)

        else:
            custom_fields = self.custom_fields

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if title is not UNSET:
            field_dict["title"] = title
        if created is not UNSET:
            field_dict["created"] = created
        if correspondent is not UNSET:
            field_dict["correspondent"] = correspondent
        if document_type is not UNSET:
            field_dict["document_type"] = document_type
        if archive_serial_number is not UNSET:
            field_dict["archive_serial_number"] = archive_serial_number
        if tags is not UNSET:
            field_dict["tags"] = tags
        if custom_fields is not UNSET:
            field_dict["custom_fields"] = custom_fields

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_field_input import CustomFieldInput  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_created(data: object) -> datetime.date | datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_type_0 = datetime.datetime.fromisoformat(data)

                return created_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_type_1 = datetime.date.fromisoformat(data)

                return created_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | datetime.datetime | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))

        def _parse_correspondent(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                correspondent_type_0 = UUID(data)

                return correspondent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        correspondent = _parse_correspondent(d.pop("correspondent", UNSET))

        def _parse_document_type(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                document_type_type_0 = UUID(data)

                return document_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        document_type = _parse_document_type(d.pop("document_type", UNSET))

        def _parse_archive_serial_number(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        archive_serial_number = _parse_archive_serial_number(d.pop("archive_serial_number", UNSET))

        def _parse_tags(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tags_type_0 = []
                _tags_type_0 = data
                for tags_type_0_item_data in _tags_type_0:
                    tags_type_0_item = UUID(tags_type_0_item_data)

                    tags_type_0.append(tags_type_0_item)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_custom_fields(data: object) -> list[CustomFieldInput] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                custom_fields_type_0 = []
                _custom_fields_type_0 = data
                for custom_fields_type_0_item_data in _custom_fields_type_0:
                    custom_fields_type_0_item = CustomFieldInput.from_dict(custom_fields_type_0_item_data)

                    custom_fields_type_0.append(custom_fields_type_0_item)

                return custom_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CustomFieldInput] | None | Unset, data)

        custom_fields = _parse_custom_fields(d.pop("custom_fields", UNSET))

        document_update = cls(
            title=title,
            created=created,
            correspondent=correspondent,
            document_type=document_type,
            archive_serial_number=archive_serial_number,
            tags=tags,
            custom_fields=custom_fields,
        )

        return document_update
