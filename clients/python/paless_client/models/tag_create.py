from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.matching_algorithm import MatchingAlgorithm, check_matching_algorithm
from ..types import UNSET, Unset

T = TypeVar("T", bound="TagCreate")


@_attrs_define
class TagCreate:
    """
    Attributes:
        name (str):
        match (str | Unset):  Default: ''.
        matching_algorithm (MatchingAlgorithm | Unset): How a tag, correspondent or document type recognises a
            document's text.
        is_insensitive (bool | Unset):  Default: True.
        color (str | Unset):  Default: '#a6cee3'.
        parent (None | Unset | UUID):
        is_inbox (bool | Unset): Put on every new document. Default: False.
    """

    name: str
    match: str | Unset = ""
    matching_algorithm: MatchingAlgorithm | Unset = UNSET
    is_insensitive: bool | Unset = True
    color: str | Unset = "#a6cee3"
    parent: None | Unset | UUID = UNSET
    is_inbox: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        match = self.match

        matching_algorithm: str | Unset = UNSET
        if not isinstance(self.matching_algorithm, Unset):
            matching_algorithm = self.matching_algorithm

        is_insensitive = self.is_insensitive

        color = self.color

        parent: None | str | Unset
        if isinstance(self.parent, Unset):
            parent = UNSET
        elif isinstance(self.parent, UUID):
            parent = str(self.parent)
        else:
            parent = self.parent

        is_inbox = self.is_inbox

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if match is not UNSET:
            field_dict["match"] = match
        if matching_algorithm is not UNSET:
            field_dict["matching_algorithm"] = matching_algorithm
        if is_insensitive is not UNSET:
            field_dict["is_insensitive"] = is_insensitive
        if color is not UNSET:
            field_dict["color"] = color
        if parent is not UNSET:
            field_dict["parent"] = parent
        if is_inbox is not UNSET:
            field_dict["is_inbox"] = is_inbox

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        match = d.pop("match", UNSET)

        _matching_algorithm = d.pop("matching_algorithm", UNSET)
        matching_algorithm: MatchingAlgorithm | Unset
        if isinstance(_matching_algorithm, Unset):
            matching_algorithm = UNSET
        else:
            matching_algorithm = check_matching_algorithm(_matching_algorithm)

        is_insensitive = d.pop("is_insensitive", UNSET)

        color = d.pop("color", UNSET)

        def _parse_parent(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_type_0 = UUID(data)

                return parent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent = _parse_parent(d.pop("parent", UNSET))

        is_inbox = d.pop("is_inbox", UNSET)

        tag_create = cls(
            name=name,
            match=match,
            matching_algorithm=matching_algorithm,
            is_insensitive=is_insensitive,
            color=color,
            parent=parent,
            is_inbox=is_inbox,
        )

        return tag_create
