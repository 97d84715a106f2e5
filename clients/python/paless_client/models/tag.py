from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.matching_algorithm import MatchingAlgorithm, check_matching_algorithm
from ..types import UNSET, Unset

T = TypeVar("T", bound="Tag")


@_attrs_define
class Tag:
    """
    Attributes:
        id (UUID):
        owner (UUID):
        name (str):
        color (str):
        parent (None | UUID):
        is_inbox (bool):
        match (str | Unset):  Default: ''.
        matching_algorithm (MatchingAlgorithm | Unset): How a tag, correspondent or document type recognises a
            document's text.
        is_insensitive (bool | Unset):  Default: True.
        document_count (int | Unset): Your documents (not in the trash) that use it. Default: 0.
    """

    id: UUID
    owner: UUID
    name: str
    color: str
    parent: None | UUID
    is_inbox: bool
    match: str | Unset = ""
    matching_algorithm: MatchingAlgorithm | Unset = UNSET
    is_insensitive: bool | Unset = True
    document_count: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        owner = str(self.owner)

        name = self.name

        color = self.color

        parent: None | str
        if isinstance(self.parent, UUID):
            parent = str(self.parent)
        else:
            parent = self.parent

        is_inbox = self.is_inbox

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
                "color": color,
                "parent": parent,
                "is_inbox": is_inbox,
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

        color = d.pop("color")

        def _parse_parent(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_type_0 = UUID(data)

                return parent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        parent = _parse_parent(d.pop("parent"))

        is_inbox = d.pop("is_inbox")

        match = d.pop("match", UNSET)

        _matching_algorithm = d.pop("matching_algorithm", UNSET)
        matching_algorithm: MatchingAlgorithm | Unset
        if isinstance(_matching_algorithm, Unset):
            matching_algorithm = UNSET
        else:
            matching_algorithm = check_matching_algorithm(_matching_algorithm)

        is_insensitive = d.pop("is_insensitive", UNSET)

        document_count = d.pop("document_count", UNSET)

        tag = cls(
            id=id,
            owner=owner,
            name=name,
            color=color,
            parent=parent,
            is_inbox=is_inbox,
            match=match,
            matching_algorithm=matching_algorithm,
            is_insensitive=is_insensitive,
            document_count=document_count,
        )

        tag.additional_properties = d
        return tag

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
