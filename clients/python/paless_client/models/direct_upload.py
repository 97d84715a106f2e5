from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.direct_upload_fields import DirectUploadFields


T = TypeVar("T", bound="DirectUpload")


@_attrs_define
class DirectUpload:
    """
    Attributes:
        upload_id (UUID): Also the id of the document it becomes.
        url (str): POST the file here as multipart/form-data.
        fields (DirectUploadFields): Form fields to send first, unchanged, followed by the `file` field.
        max_bytes (int):
        expires_at (datetime.datetime):
    """

    upload_id: UUID
    url: str
    fields: DirectUploadFields
    max_bytes: int
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upload_id = str(self.upload_id)

        url = self.url

        fields = self.fields.to_dict()

        max_bytes = self.max_bytes

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "upload_id": upload_id,
                "url": url,
                "fields": fields,
                "max_bytes": max_bytes,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.direct_upload_fields import DirectUploadFields  # noqa: PLC0415

        d = dict(src_dict)
        upload_id = UUID(d.pop("upload_id"))

        url = d.pop("url")

        fields = DirectUploadFields.from_dict(d.pop("fields"))

        max_bytes = d.pop("max_bytes")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        direct_upload = cls(
            upload_id=upload_id,
            url=url,
            fields=fields,
            max_bytes=max_bytes,
            expires_at=expires_at,
        )

        direct_upload.additional_properties = d
        return direct_upload

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
