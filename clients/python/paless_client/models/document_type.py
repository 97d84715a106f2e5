from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.matching_algorithm import MatchingAlgorithm, check_matching_algorithm
from ..types import UNSET, Unset

T = TypeVar("T", bound="DocumentType")


@_attrs_define
class DocumentType:
    """
    Attributes:
        id (UUID):
        owner (UUID):
        name (str):
        match (str | Unset):  Default: ''.
        matching_algorithm (MatchingAlgorithm | Unset): How a tag, correspondent or document type recognises a
            document's text.
        is_insensitive (bool | Unset):  Default: True.
        document_count (int | Unset): Your documents (not in the trash) that use it. Default: 0.
    """

    id: UUID
    owner: UUID
    name: str
    match: str | Unset = ""
    matching_algorithm: MatchingAlgorithm | Unset = UNSET
    is_insensitive: bool | Unset = True
    document_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        owner = str(self.owner)

        name = self.name

        match = self.match

        matching_algorithm: str | Unset = UNSET
        if not isinstance(self.matching_algorithm, Unset):
            matching_algorithm = self.matching_algorithm

        is_insensitive = self.is_insensitive

        document_count = self.document_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "owner": owner,
                "name": name,
            }
        )
        if match is not UNSET:
            field_dict["match"] = match
        if matching_algorithm is not UNSET:
            field_dict["matching_algorithm"] = matching_algorithm
        if is_insensitive is not UNSET:
            field_dict["is_insensitive"] = is_insensitive
        if document_count is not UNSET:
            field_dict["document_count"] = document_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        owner = UUID(d.pop("owner"))

        name = d.pop("name")

        match = d.pop("match", UNSET)

        _matching_algorithm = d.pop("matching_algorithm", UNSET)
        matching_algorithm: MatchingAlgorithm | Unset
        if isinstance(_matching_algorithm, Unset):
            matching_algorithm = UNSET
        else:
            matching_algorithm = check_matching_algorithm(_matching_algorithm)

        is_insensitive = d.pop("is_insensitive", UNSET)

        document_count = d.pop("document_count", UNSET)

        document_type = cls(
            id=id,
            owner=owner,
            name=name,
            match=match,
            matching_algorithm=matching_algorithm,
            is_insensitive=is_insensitive,
            document_count=document_count,
        )

        document_type.additional_properties = d
        return document_type

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
