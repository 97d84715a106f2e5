from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.matching_algorithm import MatchingAlgorithm, check_matching_algorithm
from ..types import UNSET, Unset

T = TypeVar("T", bound="CorrespondentUpdate")


@_attrs_define
class CorrespondentUpdate:
    """
    Attributes:
        name (None | str | Unset):
        match (None | str | Unset):
        matching_algorithm (MatchingAlgorithm | None | Unset):
        is_insensitive (bool | None | Unset):
    """

    name: None | str | Unset = UNSET
    match: None | str | Unset = UNSET
    matching_algorithm: MatchingAlgorithm | None | Unset = UNSET
    is_insensitive: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        match: None | str | Unset
        if isinstance(self.match, Unset):
            match = UNSET
        else:
            match = self.match

        matching_algorithm: None | str | Unset
        if isinstance(self.matching_algorithm, Unset):
            matching_algorithm = UNSET
        elif isinstance(self.matching_algorithm, str):
            matching_algorithm = self.matching_algorithm
        else:
            matching_algorithm = self.matching_algorithm

        is_insensitive: bool | None | Unset
        if isinstance(self.is_insensitive, Unset):
            is_insensitive = UNSET
        else:
            is_insensitive = self.is_insensitive

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
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

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_match(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        match = _parse_match(d.pop("match", UNSET))

        def _parse_matching_algorithm(data: object) -> MatchingAlgorithm | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                matching_algorithm_type_0 = check_matching_algorithm(data)

                return matching_algorithm_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MatchingAlgorithm | None | Unset, data)

        matching_algorithm = _parse_matching_algorithm(d.pop("matching_algorithm", UNSET))

        def _parse_is_insensitive(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_insensitive = _parse_is_insensitive(d.pop("is_insensitive", UNSET))

        correspondent_update = cls(
            name=name,
            match=match,
            matching_algorithm=matching_algorithm,
            is_insensitive=is_insensitive,
        )

        return correspondent_update
