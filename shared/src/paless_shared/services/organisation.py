"""Tags, correspondents, document types and custom fields: the objects documents are
organised with. Names are unique per owner; lists carry document counts computed in
the same query."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared import matching
from paless_shared.access import OBJECT_TYPES, Principal, can_change, can_view
from paless_shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from paless_shared.models import (
    Correspondent,
    CustomField,
    CustomFieldType,
    CustomFieldValue,
    Document,
    DocumentType,
    MatchingAlgorithm,
    Tag,
    document_tags,
)
from paless_shared.pagination import decode_name_cursor, encode_name_cursor
from paless_shared.repositories.grants import drop_grants
from paless_shared.search import refresh_search

Organiser = Tag | Correspondent | DocumentType
M = TypeVar("M", Tag, Correspondent, DocumentType, CustomField)

KINDS: dict[str, Any] = {
    "tag": Tag,
    "correspondent": Correspondent,
    "document_type": DocumentType,
    "custom_field": CustomField,
}
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


def _document_count(model: type[Any], principal: Principal) -> Any:
    """Documents (visible to the principal, not in the trash) using each object, as a
    correlated subquery: one statement for the whole page, however long."""
    visible = (can_view(Document, principal), Document.deleted_at.is_(None))
    if model is Tag:
        statement: Select[Any] = (
            select(func.count())
            .select_from(document_tags.join(Document, Document.id == document_tags.c.document_id))
            .where(document_tags.c.tag_id == Tag.id, *visible)
        )
    elif model is CustomField:
        statement = (
            select(func.count())
            .select_from(CustomFieldValue)
            .join(Document, Document.id == CustomFieldValue.document_id)
            .where(CustomFieldValue.field_id == CustomField.id, *visible)
        )
    else:
        column = Document.correspondent_id if model is Correspondent else Document.document_type_id
        statement = select(func.count()).select_from(Document).where(column == model.id, *visible)
    return statement.scalar_subquery()


@dataclass(frozen=True)
class Counted:
    item: Any
    document_count: int


@dataclass(frozen=True)
class CountedPage:
    items: Sequence[Counted]
    next_cursor: str | None


async def list_objects(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    *,
    limit: int,
    cursor: str | None = None,
    name: str | None = None,
    name_contains: str | None = None,
) -> CountedPage:
    """By name, then id; keyset-paginated."""
    statement = select(model, _document_count(model, principal).label("document_count")).where(
        can_view(model, principal)
    )
    if name is not None:
        statement = statement.where(func.lower(model.name) == name.lower())
    if name_contains:
        statement = statement.where(model.name.icontains(name_contains, autoescape=True))
    if cursor:
        after = decode_name_cursor(cursor)
        statement = statement.where(tuple_(model.name, model.id) > after)
    rows = (await session.execute(statement.order_by(model.name, model.id).limit(limit + 1))).all()
    items = [Counted(row[0], row.document_count) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1].item
        next_cursor = encode_name_cursor(last.name, last.id)
    return CountedPage(items=items, next_cursor=next_cursor)


async def get_object(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    object_id: uuid.UUID,
    *,
    for_change: bool = False,
) -> M:
    row = (
        await session.execute(
            select(model, can_change(model, principal).label("changeable")).where(
                model.id == object_id, can_view(model, principal)
            )
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"{label(model)} {object_id} not found")
    if for_change and not row.changeable:
        raise Forbidden(f"you may view {label(model)} {object_id} but not change it")
    found: M = row[0]
    return found


async def counted(session: AsyncSession, principal: Principal, obj: Any) -> Counted:
    model = type(obj)
    count = (
        await session.execute(
            select(_document_count(model, principal)).select_from(model).where(model.id == obj.id)
        )
    ).scalar_one()
    return Counted(obj, count)


def _check_rule(values: Mapping[str, Any], current: Any | None) -> None:
    algorithm = values.get(
        "matching_algorithm", current.matching_algorithm if current else MatchingAlgorithm.none
    )
    match = values.get("match", current.match if current else "")
    matching.validate(MatchingAlgorithm(algorithm), match or "")


async def _check_parent(
    session: AsyncSession, principal: Principal, tag: Tag | None, parent_id: uuid.UUID | None
) -> None:
    """The parent must be a tag the caller sees, and not the tag or one below it."""
    if parent_id is None:
        return
    parent = await session.get(Tag, parent_id)
    visible = (
        await session.execute(select(Tag.id).where(Tag.id == parent_id, can_view(Tag, principal)))
    ).scalar_one_or_none()
    if parent is None or visible is None:
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
    base = select(Tag.id, Tag.parent_id).where(Tag.id.in_(tag_ids)).cte(recursive=True)
    parents = select(Tag.id, Tag.parent_id).join(base, Tag.id == base.c.parent_id)
    tree = base.union(parents)
    return set((await session.execute(select(tree.c.id))).scalars())


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
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(f"you already have a {label(model)} named {name!r}") from None


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
    session.add(obj)
    await _flush_unique(session, model, values["name"])
    await session.refresh(obj)
    return obj


async def update_object(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    object_id: uuid.UUID,
    values: Mapping[str, Any],
    *,
    language: str,
) -> M:
    obj = await get_object(session, principal, model, object_id, for_change=True)
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
    renamed = "name" in values and values["name"] != obj.name
    for key, value in values.items():
        if key not in ("extra_data", "data_type"):
            setattr(obj, key, value)
    await _flush_unique(session, model, obj.name)
    if renamed and not isinstance(obj, CustomField):
        await refresh_search(session, await _documents_using(session, obj), language=language)
    await session.refresh(obj)
    return obj


async def _check_options_unused(
    session: AsyncSession, custom_field: CustomField, removed: set[str]
) -> None:
    used = (
        await session.execute(
            select(CustomFieldValue.value_text)
            .where(
                CustomFieldValue.field_id == custom_field.id,
                CustomFieldValue.value_text.in_(removed),
            )
            .limit(1)
        )
    ).scalar_one_or_none()
    if used is not None:
        raise Conflict(f"extra_data.options: option {used!r} is still set on documents")


async def _documents_using(session: AsyncSession, obj: Organiser) -> list[uuid.UUID]:
    condition: ColumnElement[bool]
    if isinstance(obj, Tag):
        statement = select(document_tags.c.document_id).where(document_tags.c.tag_id == obj.id)
        return list((await session.execute(statement)).scalars())
    if isinstance(obj, Correspondent):
        condition = Document.correspondent_id == obj.id
    else:
        condition = Document.document_type_id == obj.id
    return list((await session.execute(select(Document.id).where(condition))).scalars())


async def delete_object(
    session: AsyncSession,
    principal: Principal,
    model: type[M],
    object_id: uuid.UUID,
    *,
    language: str,
) -> None:
    obj = await get_object(session, principal, model, object_id, for_change=True)
    affected: list[uuid.UUID] = (
        [] if isinstance(obj, CustomField) else await _documents_using(session, obj)
    )
    await drop_grants(session, OBJECT_TYPES[model], [obj.id])
    await session.delete(obj)
    await session.flush()
    await refresh_search(session, affected, language=language)


async def autocomplete(
    session: AsyncSession, principal: Principal, term: str, *, limit: int
) -> list[tuple[str, Any]]:
    """Tags and correspondents whose name starts with or resembles `term`: prefix
    matches first, then by trigram similarity."""
    found: list[tuple[str, Any, float, bool]] = []
    for kind, model in (("tag", Tag), ("correspondent", Correspondent)):
        similarity = func.word_similarity(term, model.name)
        prefix = model.name.istartswith(term, autoescape=True)
        rows = await session.execute(
            select(model, similarity.label("similarity"), prefix.label("prefix"))
            .where(can_view(model, principal), prefix | model.name.op("%>")(term))
            .order_by(prefix.desc(), similarity.desc(), model.name)
            .limit(limit)
        )
        found.extend((kind, row[0], row.similarity, row.prefix) for row in rows)
    found.sort(key=lambda entry: (not entry[3], -entry[2], entry[1].name))
    return [(kind, obj) for kind, obj, _, _ in found[:limit]]
