from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.document_status import DocumentStatus, check_document_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.custom_field_value import CustomFieldValue
    from ..models.search_hit import SearchHit


T = TypeVar("T", bound="DocumentSummary")


@_attrs_define
class DocumentSummary:
    """
    Attributes:
        id (UUID):
        title (str):
        original_filename (str):
        mime_type (str):
        size_bytes (int):
        sha256 (None | str): SHA-256 of the original, once processed.
        page_count (int | None):
        status (DocumentStatus):
        failure_reason (None | str): Why processing failed, for a person.
        has_thumbnail (bool):
        created_at (datetime.datetime): The document's own date (from the PDF if set).
        added_at (datetime.datetime): When paless received the document.
        modified_at (datetime.datetime):
        deleted_at (datetime.datetime | None): When it was moved to the trash.
        duplicate_of (None | Unset | UUID): The earliest document of the same owner with identical content added before
            this one, not in the trash, among those you may see; null for the earliest. Duplicates are kept, never dropped:
            this only points them out.
        correspondent (None | Unset | UUID): null also when it is one you may not see.
        document_type (None | Unset | UUID): null also when it is one you may not see.
        archive_serial_number (int | None | Unset):
        tags (list[UUID] | Unset): Ids of the tags you may see, by tag name.
        custom_fields (list[CustomFieldValue] | Unset):
        search (None | SearchHit | Unset): Present on search results (`q` or `title_like`).
    """

    id: UUID
    title: str
    original_filename: str
    mime_type: str
    size_bytes: int
    sha256: None | str
    page_count: int | None
    status: DocumentStatus
    failure_reason: None | str
    has_thumbnail: bool
    created_at: datetime.datetime
    added_at: datetime.datetime
    modified_at: datetime.datetime
    deleted_at: datetime.datetime | None
    duplicate_of: None | Unset | UUID = UNSET
    correspondent: None | Unset | UUID = UNSET
    document_type: None | Unset | UUID = UNSET
    archive_serial_number: int | None | Unset = UNSET
    tags: list[UUID] | Unset = UNSET
    custom_fields: list[CustomFieldValue] | Unset = UNSET
    search: None | SearchHit | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.search_hit import SearchHit  # noqa: PLC0415

        id = str(self.id)

        title = self.title

        original_filename = self.original_filename

        mime_type = self.mime_type

        size_bytes = self.size_bytes

        sha256: None | str
        sha256 = self.sha256

        page_count: int | None
        page_count = self.page_count

        status: str = self.status

        failure_reason: None | str
        failure_reason = self.failure_reason

        has_thumbnail = self.has_thumbnail

        created_at = self.created_at.isoformat()

        added_at = self.added_at.isoformat()

        modified_at = self.modified_at.isoformat()

        deleted_at: None | str
        if isinstance(self.deleted_at, datetime.datetime):
            deleted_at = self.deleted_at.isoformat()
        else:
            deleted_at = self.deleted_at

        duplicate_of: None | str | Unset
        if isinstance(self.duplicate_of, Unset):
            duplicate_of = UNSET
        elif isinstance(self.duplicate_of, UUID):
            duplicate_of = str(self.duplicate_of)
        else:
            duplicate_of = self.duplicate_of

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

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = []
            for tags_item_data in self.tags:
                tags_item = str(tags_item_data)
                tags.append(tags_item)

        custom_fields: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.custom_fields, Unset):
            custom_fields = []
            for custom_fields_item_data in self.custom_fields:
                custom_fields_item = custom_fields_item_data.to_dict()
                custom_fields.append(custom_fields_item)

        search: dict[str, Any] | None | Unset
        if isinstance(self.search, Unset):
            search = UNSET
        elif isinstance(self.search, SearchHit):
            search = self.search.to_dict()
        else:
            search = self.search

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "original_filename": original_filename,
                "mime_type": mime_type,
                "size_bytes": size_bytes,
                "sha256": sha256,
                "page_count": page_count,
                "status": status,
                "failure_reason": failure_reason,
                "has_thumbnail": has_thumbnail,
                "created_at": created_at,
                "added_at": added_at,
                "modified_at": modified_at,
                "deleted_at": deleted_at,
            }
        )
        if duplicate_of is not UNSET:
            field_dict["duplicate_of"] = duplicate_of
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
        if search is not UNSET:
            field_dict["search"] = search

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.custom_field_value import CustomFieldValue  # noqa: PLC0415
        from ..models.search_hit import SearchHit  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        title = d.pop("title")

        original_filename = d.pop("original_filename")

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

        status = check_document_status(d.pop("status"))

        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failure_reason"))

        has_thumbnail = d.pop("has_thumbnail")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        added_at = datetime.datetime.fromisoformat(d.pop("added_at"))

        modified_at = datetime.datetime.fromisoformat(d.pop("modified_at"))

        def _parse_deleted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deleted_at_type_0 = datetime.datetime.fromisoformat(data)

                return deleted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deleted_at = _parse_deleted_at(d.pop("deleted_at"))

        def _parse_duplicate_of(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                duplicate_of_type_0 = UUID(data)

                return duplicate_of_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        duplicate_of = _parse_duplicate_of(d.pop("duplicate_of", UNSET))

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

        _tags = d.pop("tags", UNSET)
        tags: list[UUID] | Unset = UNSET
        if _tags is not UNSET:
            tags = []
            for tags_item_data in _tags:
                tags_item = UUID(tags_item_data)

                tags.append(tags_item)

        _custom_fields = d.pop("custom_fields", UNSET)
        custom_fields: list[CustomFieldValue] | Unset = UNSET
        if _custom_fields is not UNSET:
            custom_fields = []
            for custom_fields_item_data in _custom_fields:
                custom_fields_item = CustomFieldValue.from_dict(custom_fields_item_data)

                custom_fields.append(custom_fields_item)

        def _parse_search(data: object) -> None | SearchHit | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                search_type_0 = SearchHit.from_dict(data)

                return search_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SearchHit | Unset, data)

        search = _parse_search(d.pop("search", UNSET))

        document_summary = cls(
            id=id,
            title=title,
            original_filename=original_filename,
            mime_type=mime_type,
            size_bytes=size_bytes,
            sha256=sha256,
            page_count=page_count,
            status=status,
            failure_reason=failure_reason,
            has_thumbnail=has_thumbnail,
            created_at=created_at,
            added_at=added_at,
            modified_at=modified_at,
            deleted_at=deleted_at,
            duplicate_of=duplicate_of,
            correspondent=correspondent,
            document_type=document_type,
            archive_serial_number=archive_serial_number,
            tags=tags,
            custom_fields=custom_fields,
            search=search,
        )

        document_summary.additional_properties = d
        return document_summary

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
