"""Statements on what a document carries besides its row: tags, custom field values
and notes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Row,
    Select,
    Uuid,
    any_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view, can_view_as
from paless_shared.platform.database import id_array
from paless_shared.platform.principal import Principal
from paless_shared.tables import CustomField, CustomFieldValue, Note, Tag, document_tags

# --- tags -----------------------------------------------------------------------------


async def add_tags(
    session: AsyncSession, document_ids: Sequence[uuid.UUID], tag_ids: Sequence[uuid.UUID]
) -> None:
    """Every (document, tag) pair, from two array parameters: one statement whatever
    the number of pairs."""
    documents = func.unnest(id_array(document_ids)).table_valued("id").render_derived(name="d")
    tags = func.unnest(id_array(tag_ids)).table_valued("id").render_derived(name="t")
    pairs = select(documents.c.id, tags.c.id).select_from(documents.join(tags, true()))
    await session.execute(
        insert(document_tags).from_select(["document_id", "tag_id"], pairs).on_conflict_do_nothing()
    )


async def tag_ids(session: AsyncSession, document_id: uuid.UUID) -> set[uuid.UUID]:
    result = await session.execute(
        select(document_tags.c.tag_id).where(document_tags.c.document_id == document_id)
    )
    return set(result.scalars())


async def tag_pairs(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(document id, tag id) of every tag on these documents."""
    result = await session.execute(
        select(document_tags.c.document_id, document_tags.c.tag_id).where(
            document_tags.c.document_id == any_(id_array(ids))
        )
    )
    return {(row[0], row[1]) for row in result}


async def remove_visible_tags(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> None:
    """Take off the document every tag the principal may see (the others stay: they
    are not theirs to remove)."""
    await session.execute(
        delete(document_tags).where(
            document_tags.c.document_id == document_id,
            document_tags.c.tag_id.in_(select(Tag.id).where(can_view(Tag, principal))),
        )
    )


async def remove_tags(
    session: AsyncSession, ids: Sequence[uuid.UUID], tags: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Take these tags off these documents; returns the documents that had one."""
    result = await session.execute(
        delete(document_tags)
        .where(
            document_tags.c.document_id == any_(id_array(ids)),
            document_tags.c.tag_id == any_(id_array(tags)),
        )
        .returning(document_tags.c.document_id)
    )
    return set(result.scalars())


async def inbox_tags(session: AsyncSession, owner_id: uuid.UUID) -> list[uuid.UUID]:
    result = await session.execute(
        select(Tag.id).where(Tag.owner_id == owner_id, Tag.is_inbox.is_(True))
    )
    return list(result.scalars())


# --- custom field values --------------------------------------------------------------


async def visible_fields(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CustomField]:
    result = await session.execute(
        select(CustomField).where(CustomField.id.in_(ids), can_view(CustomField, principal))
    )
    return {custom_field.id: custom_field for custom_field in result.scalars()}


async def visible_field_names(
    session: AsyncSession, principal: Principal, names: Iterable[str]
) -> set[str]:
    """Which of these names are those of custom fields the principal may see."""
    result = await session.execute(
        select(CustomField.name).where(
            CustomField.name.in_(list(names)), can_view(CustomField, principal)
        )
    )
    return set(result.scalars())


@cache
def _field_values_statement(
    *, visible_to: bool, is_admin: bool
) -> Select[CustomFieldValue, CustomField]:
    """Built once per kind of reader, with bind parameters (`ids`, `user_id`)."""
    statement = (
        select(CustomFieldValue, CustomField)
        .join(CustomField, CustomField.id == CustomFieldValue.field_id)
        .where(CustomFieldValue.document_id == any_(bindparam("ids", type_=ARRAY(Uuid()))))
        .order_by(CustomField.name)
    )
    if visible_to:
        user = bindparam("user_id", type_=Uuid)
        statement = statement.where(can_view_as(CustomField, user, is_admin=is_admin))
    return statement


async def field_values(
    session: AsyncSession, document_ids: Sequence[uuid.UUID], principal: Principal | None
) -> Sequence[Row[CustomFieldValue, CustomField]]:
    """(value row, field) of these documents, by field name; only fields the principal
    may see, or all of them without one."""
    statement = _field_values_statement(
        visible_to=principal is not None, is_admin=principal is not None and principal.is_admin
    )
    values: dict[str, Any] = {"ids": list(document_ids)}
    if principal is not None:
        values["user_id"] = principal.user_id
    return (await session.execute(statement, values)).all()


async def replace_visible_values(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Replace the values of fields the principal may see by `rows` (values of the
    others stay: they are not theirs to remove)."""
    await session.execute(
        delete(CustomFieldValue).where(
            CustomFieldValue.document_id == document_id,
            CustomFieldValue.field_id.in_(
                select(CustomField.id).where(can_view(CustomField, principal))
            ),
        )
    )
    if rows:
        await session.execute(insert(CustomFieldValue).values(list(rows)))


async def upsert_values(
    session: AsyncSession,
    ids: Sequence[uuid.UUID],
    field_id: uuid.UUID,
    columns: dict[str, Any],
) -> set[uuid.UUID]:
    """Set one field's value on these documents; returns those whose value changed.
    The rows are made in Postgres from an array of ids (one parameter per column, not
    per row and column)."""
    documents = func.unnest(id_array(ids)).table_valued("id").render_derived(name="d")
    names = ["document_id", "field_id", *columns]
    typed = CustomFieldValue.__table__.c
    rows = select(
        documents.c.id,
        literal(field_id, typed.field_id.type),
        *(literal(value, typed[key].type) for key, value in columns.items()),
    )
    statement = insert(CustomFieldValue).from_select(names, rows)
    table = CustomFieldValue.__table__
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CustomFieldValue.document_id, CustomFieldValue.field_id],
            set_={key: statement.excluded[key] for key in columns},
            # Only rows whose value differs count as changed (and are rewritten).
            where=or_(*(table.c[key].is_distinct_from(statement.excluded[key]) for key in columns)),
        ).returning(CustomFieldValue.document_id)
    )
    return set(result.scalars())


# --- notes ----------------------------------------------------------------------------


async def add_note(session: AsyncSession, note: Note) -> None:
    session.add(note)
    await session.flush()
    await session.refresh(note)


async def get_note(
    session: AsyncSession, document_id: uuid.UUID, note_id: uuid.UUID
) -> Note | None:
    result = await session.execute(
        select(Note).where(Note.id == note_id, Note.document_id == document_id)
    )
    return result.scalar_one_or_none()


async def delete_note(session: AsyncSession, note: Note) -> None:
    await session.delete(note)
    await session.flush()


async def notes_of(session: AsyncSession, document_ids: Sequence[uuid.UUID]) -> Sequence[Note]:
    result = await session.execute(
        select(Note).where(Note.document_id.in_(document_ids)).order_by(Note.created_at)
    )
    return result.scalars().all()
