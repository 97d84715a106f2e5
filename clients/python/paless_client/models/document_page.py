from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.document_summary import DocumentSummary


T = TypeVar("T", bound="DocumentPage")


@_attrs_define
class DocumentPage:
    """
    Attributes:
        items (list[DocumentSummary]):
        next_cursor (None | str): Pass as `cursor` for the next page; null on the last page.
        did_you_mean (None | str | Unset): When a search with `q` finds nothing: the query with words that occur in no
            document replaced by similar words of titles, if that query finds something.
    """

    items: list[DocumentSummary]
    next_cursor: None | str
    did_you_mean: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        did_you_mean: None | str | Unset
        if isinstance(self.did_you_mean, Unset):
            did_you_mean = UNSET
        else:
            did_you_mean = self.did_you_mean

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "next_cursor": next_cursor,
            }
        )
        if did_you_mean is not UNSET:
            field_dict["did_you_mean"] = did_you_mean

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.document_summary import DocumentSummary  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = DocumentSummary.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        def _parse_did_you_mean(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        did_you_mean = _parse_did_you_mean(d.pop("did_you_mean", UNSET))

        document_page = cls(
            items=items,
            next_cursor=next_cursor,
            did_you_mean=did_you_mean,
        )

        document_page.additional_properties = d
        return document_page

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
