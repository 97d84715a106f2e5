"""Creating, reading, changing and deleting tags, correspondents, document types and
custom fields, and name autocomplete."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.service import forget_objects
from paless_shared.matching import rules
from paless_shared.organisation import queries
from paless_shared.platform.database import flush_unique
from paless_shared.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from paless_shared.platform.pagination import Page, decode_name_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.tables import (
    Correspondent,
    CustomField,
    CustomFieldType,
    DocumentType,
    MatchingAlgorithm,
    Tag,
)

Organiser = Tag | Correspondent | DocumentType
M = TypeVar("M", Tag, Correspondent, DocumentType, CustomField)

CURRENCY = re.compile(r"^[A-Z]{3}$")  # ISO 4217 code shape
# Fields an update may leave out but not set to null (parent may be cleared).
_REQUIRED = frozenset(
    {"name", "match", "matching_algorithm", "is_insensitive", "color", "is_inbox", "extra_data"}
)


def label(model: type[Any]) -> str:
    return {
        Tag: "tag",
        Correspondent: "correspondent",
        DocumentType: "document type",
        CustomField: "custom field",
    }[model]


@dataclass(frozen=True)
class Counted:
    item: Any
    document_count: int


async def list_objects(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    *,
    limit: int,
    cursor: str | None = None,
    name: str | None = None,
    name_contains: str | None = None,
) -> Page[Counted]:
    """By name, then id; keyset-paginated."""
    rows = await queries.list_counted(
        session,
        principal,
        model,
        limit=limit + 1,
        after=decode_name_cursor(cursor) if cursor else None,
        name=name,
        name_contains=name_contains,
    )
    counted = [Counted(row[0], row.document_count) for row in rows]
    return split_page(counted, limit, lambda row: (row.item.name, row.item.id))


async def get_object(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    object_id: uuid.UUID,
    *,
    for_change: bool = False,
) -> M:
    row = await queries.get_with_change_check(session, principal, model, object_id)
    if row is None:
        raise NotFound(f"{label(model)} {object_id} not found")
    if for_change and not row.changeable:
        raise Forbidden(f"you may view {label(model)} {object_id} but not change it")
    found: M = row[0]
    return found


async def counted(session: AsyncSession, principal: Principal, obj: Any) -> Counted:
    return Counted(obj, await queries.document_count(session, principal, obj))


def _check_rule(values: Mapping[str, Any], current: Any | None) -> None:
    algorithm = values.get(
        "matching_algorithm", current.matching_algorithm if current else MatchingAlgorithm.none
    )
    match = values.get("match", current.match if current else "")
    rules.validate(MatchingAlgorithm(algorithm), match or "")


async def _check_parent(
    session: AsyncSession, principal: Principal, tag: Tag | None, parent_id: uuid.UUID | None
) -> None:
    """The parent must be a tag the caller sees, and not the tag or one below it."""
    if parent_id is None:
        return
    if not await queries.visible_tag(session, principal, parent_id):
        raise InvalidInput(f"parent: no such tag: {parent_id}")
    if tag is None:
        return
    ancestors = await tag_ancestors(session, [parent_id])
    if tag.id in ancestors:
        raise InvalidInput("parent: a tag cannot be nested under itself or one of its children")


async def tag_ancestors(session: AsyncSession, tag_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """The tags and all their parents, grandparents…"""
    if not tag_ids:
        return set()
    return await queries.tag_ancestors(session, tag_ids)


def _check_custom_field(data_type: CustomFieldType, extra: Mapping[str, Any]) -> dict[str, Any]:
    if data_type is CustomFieldType.select:
        options = extra.get("options")
        if (
            not isinstance(options, list)
            or not options
            or not all(isinstance(option, str) and option.strip() for option in options)
        ):
            raise InvalidInput(
                "extra_data.options: a select field needs a list of non-empty option strings"
            )
        if len(set(options)) != len(options):
            raise InvalidInput("extra_data.options: options must be unique")
        return {"options": options}
    if data_type is CustomFieldType.monetary:
        currency = extra.get("default_currency")
        if currency is None:
            return {}
        if not isinstance(currency, str) or not CURRENCY.match(currency):
            raise InvalidInput(
                "extra_data.default_currency: an ISO 4217 code of three capitals, e.g. EUR"
            )
        return {"default_currency": currency}
    if extra:
        raise InvalidInput(f"extra_data: a {data_type.value} field takes no extra data")
    return {}


async def _flush_unique(session: AsyncSession, model: type[Any], name: str) -> None:
    await flush_unique(session, Conflict(f"you already have a {label(model)} named {name!r}"))


async def create_object(
    session: AsyncSession, principal: Principal, model: type[M], values: Mapping[str, Any]
) -> M:
    values = dict(values)
    if model is CustomField:
        values["extra_data"] = _check_custom_field(
            CustomFieldType(values["data_type"]), values.get("extra_data") or {}
        )
    else:
        _check_rule(values, None)
    if model is Tag:
        await _check_parent(session, principal, None, values.get("parent_id"))
    obj = model(owner_id=principal.user_id, **values)
    await queries.add(session, obj)
    await _flush_unique(session, model, values["name"])
    await queries.reload(session, obj)
    return obj


async def update_object(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    object_id: uuid.UUID,
    values: Mapping[str, Any],
) -> M:
    obj = await get_object(session, principal, model, object_id, for_change=True)
    if "name" in values and values["name"] != obj.name:
        _check_owner(principal, model, obj, "rename")
    nulled = sorted(key for key, value in values.items() if value is None and key in _REQUIRED)
    if nulled:
        raise InvalidInput(f"{nulled[0]}: cannot be null")
    if isinstance(obj, CustomField):
        if "data_type" in values and values["data_type"] != obj.data_type:
            raise InvalidInput("data_type: the type of a custom field cannot change")
        if "extra_data" in values:
            extra = _check_custom_field(obj.data_type, values["extra_data"] or {})
            removed = set(obj.extra_data.get("options", [])) - set(extra.get("options", []))
            if removed:
                await _check_options_unused(session, obj, removed)
            obj.extra_data = extra
    else:
        _check_rule(values, obj)
    if isinstance(obj, Tag) and "parent_id" in values:
        await _check_parent(session, principal, obj, values["parent_id"])
    for key, value in values.items():
        if key not in ("extra_data", "data_type"):
            setattr(obj, key, value)
    # Names are matched at search time, so a new one needs no reindexing.
    await _flush_unique(session, model, obj.name)
    await queries.reload(session, obj)
    return obj


def _check_owner(principal: Principal, model: type[Any], obj: Any, what: str) -> None:
    """Renaming or deleting an object changes it for everyone who uses it: only its
    owner or an admin may (a change grant lets others edit the rest of it)."""
    if not principal.is_admin and obj.owner_id != principal.user_id:
        raise Forbidden(f"only the owner of {label(model)} {obj.id} or an admin may {what} it")


async def _check_options_unused(
    session: AsyncSession, custom_field: CustomField, removed: set[str]
) -> None:
    used = await queries.option_in_use(session, custom_field, removed)
    if used is not None:
        raise Conflict(f"extra_data.options: option {used!r} is still set on documents")


async def delete_object(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    object_id: uuid.UUID,
) -> None:
    obj = await get_object(session, principal, model, object_id)
    _check_owner(principal, model, obj, "delete")
    await forget_objects(session, model, [obj.id])
    await queries.delete(session, obj)


async def autocomplete(
    session: AsyncSession, principal: Principal, term: str, *, limit: int
) -> list[tuple[str, Any]]:
    """Tags and correspondents whose name starts with or resembles `term`: prefix
    matches first, then by trigram similarity."""
    found: list[tuple[str, Any, float, bool]] = []
    for kind, model in (("tag", Tag), ("correspondent", Correspondent)):
        rows = await queries.name_matches(session, principal, model, term, limit=limit)
        found.extend((kind, row[0], row.similarity, row.prefix) for row in rows)
    found.sort(key=lambda entry: (not entry[3], -entry[2], entry[1].name))
    return [(kind, obj) for kind, obj, _, _ in found[:limit]]


async def pick_list(
    session: AsyncSession, principal: Principal, model: type[M], *, limit: int = 1000
) -> Sequence[M]:
    """The objects the principal may see, by name, without document counts."""
    return await queries.visible_objects(session, principal, model, limit=limit)
