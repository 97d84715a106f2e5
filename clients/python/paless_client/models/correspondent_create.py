from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.matching_algorithm import MatchingAlgorithm, check_matching_algorithm
from ..types import UNSET, Unset

T = TypeVar("T", bound="CorrespondentCreate")


@_attrs_define
class CorrespondentCreate:
    """
    Attributes:
        name (str):
        match (str | Unset):  Default: ''.
        matching_algorithm (MatchingAlgorithm | Unset): How a tag, correspondent or document type recognises a
            document's text.
        is_insensitive (bool | Unset):  Default: True.
    """

    name: str
    match: str | Unset = ""
    matching_algorithm: MatchingAlgorithm | Unset = UNSET
    is_insensitive: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        match = self.match

        matching_algorithm: str | Unset = UNSET
        if not isinstance(self.matching_algorithm, Unset):
            matching_algorithm = self.matching_algorithm

        is_insensitive = self.is_insensitive

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

        correspondent_create = cls(
            name=name,
            match=match,
            matching_algorithm=matching_algorithm,
            is_insensitive=is_insensitive,
        )

        return correspondent_create
