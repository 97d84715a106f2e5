"""Statements on tags, correspondents, document types and custom fields."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_change, can_view
from paless_shared.platform.principal import Principal
from paless_shared.tables import (
    Correspondent,
    CustomField,
    CustomFieldValue,
    Document,
    Tag,
    document_tags,
)


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


async def list_counted(
    session: AsyncSession,
    principal: Principal,
    model: type[Any],
    *,
    limit: int,
    after: tuple[str, uuid.UUID] | None,
    name: str | None,
    name_contains: str | None,
) -> Sequence[Row[Any]]:
    """(object, document_count) rows by name, then id; keyset-paginated."""
    statement = select(model, _document_count(model, principal).label("document_count")).where(
        can_view(model, principal)
    )
    if name is not None:
        statement = statement.where(func.lower(model.name) == name.lower())
    if name_contains:
        statement = statement.where(model.name.icontains(name_contains, autoescape=True))
    if after is not None:
        statement = statement.where(tuple_(model.name, model.id) > after)
    return (await session.execute(statement.order_by(model.name, model.id).limit(limit))).all()


async def get_with_change_check(
    session: AsyncSession, principal: Principal, model: type[Any], object_id: uuid.UUID
) -> Row[Any] | None:
    """(object, changeable) if the principal may see the object."""
    statement = select(model, can_change(model, principal).label("changeable")).where(
        model.id == object_id, can_view(model, principal)
    )
    return (await session.execute(statement)).one_or_none()


async def document_count(session: AsyncSession, principal: Principal, obj: Any) -> int:
    model = type(obj)
    statement = (
        select(_document_count(model, principal)).select_from(model).where(model.id == obj.id)
    )
    return int((await session.execute(statement)).scalar_one())


async def visible_tag(session: AsyncSession, principal: Principal, tag_id: uuid.UUID) -> bool:
    statement = select(Tag.id).where(Tag.id == tag_id, can_view(Tag, principal))
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def tag_ancestors(session: AsyncSession, tag_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """The tags and all their parents, grandparents…"""
    base = select(Tag.id, Tag.parent_id).where(Tag.id.in_(tag_ids)).cte(recursive=True)
    parents = select(Tag.id, Tag.parent_id).join(base, Tag.id == base.c.parent_id)
    tree = base.union(parents)
    return set((await session.execute(select(tree.c.id))).scalars())


async def option_in_use(
    session: AsyncSession, custom_field: CustomField, options: set[str]
) -> str | None:
    """One of these select options that a document still has, if any."""
    statement = (
        select(CustomFieldValue.value_text)
        .where(
            CustomFieldValue.field_id == custom_field.id,
            CustomFieldValue.value_text.in_(options),
        )
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def add(session: AsyncSession, obj: Any) -> None:
    session.add(obj)


async def reload(session: AsyncSession, obj: Any) -> None:
    """Read the row back (server-set columns, defaults)."""
    await session.refresh(obj)


async def delete(session: AsyncSession, obj: Any) -> None:
    await session.delete(obj)
    await session.flush()


async def name_matches(
    session: AsyncSession, principal: Principal, model: type[Any], term: str, *, limit: int
) -> Sequence[Row[Any]]:
    """(object, similarity, prefix) of objects whose name starts with or resembles
    `term`: prefix matches first, then by trigram similarity."""
    similarity = func.word_similarity(term, model.name)
    prefix = model.name.istartswith(term, autoescape=True)
    statement = (
        select(model, similarity.label("similarity"), prefix.label("prefix"))
        .where(can_view(model, principal), prefix | model.name.op("%>")(term))
        .order_by(prefix.desc(), similarity.desc(), model.name)
        .limit(limit)
    )
    return (await session.execute(statement)).all()


async def visible_objects(
    session: AsyncSession, principal: Principal, model: type[Any], *, limit: int
) -> Sequence[Any]:
    """Objects the principal may see, by name, without counting their documents (for
    pick lists and for naming what a page shows)."""
    statement = (
        select(model).where(can_view(model, principal)).order_by(model.name, model.id).limit(limit)
    )
    return (await session.execute(statement)).scalars().all()
