"""Statements on documents: lookups the caller may see, downloads, the trash and the
references a page of documents shows (the worker's statements are in `processing`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Row,
    Select,
    String,
    Table,
    Uuid,
    and_,
    any_,
    bindparam,
    case,
    func,
    insert,
    literal,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from paless_shared.access.conditions import can_change, can_view, can_view_as
from paless_shared.platform.database import id_array
from paless_shared.platform.principal import Principal
from paless_shared.tables import (
    AuditEvent,
    Correspondent,
    Document,
    DocumentStatus,
    DocumentType,
    DocumentVersion,
    Tag,
    document_tags,
)

_AUDIT_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]


async def add(session: AsyncSession, document: Document) -> None:
    session.add(document)
    await session.flush()
    await session.refresh(document)


async def reload(session: AsyncSession, document: Document) -> None:
    """Read the row back (columns Postgres set, such as modified_at)."""
    await session.refresh(document)


async def get(
    session: AsyncSession, document_id: uuid.UUID, *, for_update: bool = False
) -> Document | None:
    """Any document, whoever owns it (for jobs, which act for the owner)."""
    statement = select(Document).where(Document.id == document_id)
    if for_update:
        statement = statement.with_for_update(key_share=True)
    return (await session.execute(statement)).scalar_one_or_none()


async def get_visible(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    trashed: bool,
    for_update: bool,
) -> Row[Document, bool] | None:
    """(document, changeable) if the principal may see it; among documents in the
    trash when `trashed`, else among those that are not."""
    statement = select(Document, can_change(Document, principal).label("changeable")).where(
        Document.id == document_id,
        can_view(Document, principal),
        Document.deleted_at.is_not(None) if trashed else Document.deleted_at.is_(None),
    )
    if for_update:
        # A document in the trash may be about to be deleted (purged): FOR UPDATE.
        statement = statement.with_for_update(of=Document, key_share=not trashed)
    return (await session.execute(statement)).one_or_none()


@cache
def _download_statement(*, is_admin: bool, by_number: bool) -> Select[*tuple[Any, ...]]:
    """Built once per shape, with bind parameters: a download builds no statement and
    its cache key is computed once (building them was about 5 % of web's samples
    under the download benchmark's load)."""
    if by_number:
        version_match = and_(
            DocumentVersion.document_id == Document.id,
            DocumentVersion.number == bindparam("number"),
        )
    else:
        version_match = DocumentVersion.id == Document.current_version_id
    target = (
        select(
            Document.id,
            Document.original_filename,
            DocumentVersion.number,
            DocumentVersion.original_key,
            DocumentVersion.archive_key,
            DocumentVersion.mime_type,
        )
        .outerjoin(DocumentVersion, version_match)
        .where(
            Document.id == bindparam("document_id"),
            Document.deleted_at.is_(None),
            can_view_as(Document, bindparam("user_id"), is_admin=is_admin),
        )
        .cte("target")
    )
    # The rendition served: the one asked for, else the archive when there is one.
    rendition = func.coalesce(
        bindparam("rendition", type_=String),
        case((target.c.archive_key.is_(None), literal("original")), else_=literal("archive")),
    )
    recorded = (
        insert(_AUDIT_EVENTS)
        .from_select(
            [
                "id",
                "actor_id",
                "actor_name",
                "action",
                "object_type",
                "object_id",
                "document_id",
                "details",
                "client",
            ],
            select(
                bindparam("event_id", type_=Uuid),
                bindparam("actor_id", type_=Uuid),
                bindparam("actor_name", type_=String),
                literal("document.downloaded"),
                literal("document"),
                target.c.id,
                target.c.id,
                func.jsonb_build_object(
                    literal_column("'version'"),
                    target.c.number,
                    literal_column("'rendition'"),
                    rendition,
                ),
                bindparam("client", type_=String),
            ).where(target.c.original_key.is_not(None)),
        )
        .cte("recorded")
    )
    return select(
        target.c.original_filename,
        target.c.number,
        target.c.original_key,
        target.c.archive_key,
        target.c.mime_type,
    ).add_cte(recorded)


async def download_recorded(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    number: int | None,
    rendition: str | None,
    client: str | None,
) -> Row[*tuple[Any, ...]] | None:
    """What a download of a visible document (not in the trash) needs — the document's
    filename and the version's number, keys and type: its current version, or version
    `number` — and its `document.downloaded` audit event, written by the same
    statement (a data-modifying CTE), so the record costs the request no statement of
    its own and commits or rolls back with it. The version's columns are NULL, and no
    event is written, when there is no such version. None if the document is not
    visible."""
    statement = _download_statement(is_admin=principal.is_admin, by_number=number is not None)
    values = {
        "document_id": document_id,
        "user_id": principal.user_id,
        "number": number,
        "rendition": rendition,
        "event_id": uuid.uuid4(),
        "actor_id": principal.user_id,
        "actor_name": principal.username,
        "client": client,
    }
    return (await session.execute(statement, values)).one_or_none()


async def lock_visible(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> Sequence[Row[Document, bool]]:
    """(document, changeable) of those of these documents, not in the trash, that the
    principal may see; locked, in id order (so two bulk edits cannot deadlock)."""
    statement = (
        select(Document, can_change(Document, principal).label("changeable"))
        .where(
            Document.id == any_(id_array(ids)),
            Document.deleted_at.is_(None),
            can_view(Document, principal),
        )
        .order_by(Document.id)
        .with_for_update(of=Document, key_share=True)
    )
    return (await session.execute(statement)).all()


async def visible_ids(
    session: AsyncSession, principal: Principal, model: Any, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these ids of `model` (a document, tag, correspondent, type or custom
    field) the principal may see."""
    statement = select(model.id).where(model.id == any_(id_array(ids)), can_view(model, principal))
    return set((await session.execute(statement)).scalars())


async def list_trash(
    session: AsyncSession,
    principal: Principal,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Document]:
    """Trashed documents the principal may see, most recently deleted first."""
    statement = select(Document).where(
        can_view(Document, principal), Document.deleted_at.is_not(None)
    )
    if after is not None:
        statement = statement.where(tuple_(Document.deleted_at, Document.id) < after)
    statement = statement.order_by(Document.deleted_at.desc(), Document.id.desc()).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def trashed_for_update(session: AsyncSession, owner_id: uuid.UUID) -> Sequence[Document]:
    """The owner's trashed documents, locked."""
    statement = (
        select(Document)
        .where(Document.deleted_at.is_not(None), Document.owner_id == owner_id)
        .order_by(Document.deleted_at)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(statement)).scalars().all()


async def delete(session: AsyncSession, document: Document) -> None:
    await session.delete(document)
    await session.flush()


async def set_reference(
    session: AsyncSession, ids: Sequence[uuid.UUID], column: Any, target: uuid.UUID | None
) -> set[uuid.UUID]:
    """Set the correspondent or type column of these documents; returns the ids of
    those whose value changed."""
    result = await session.execute(
        update(Document)
        .where(Document.id == any_(id_array(ids)), column.is_distinct_from(target))
        .values({column.key: target})
        .returning(Document.id)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars())


async def count_by_status(session: AsyncSession) -> dict[DocumentStatus, int]:
    result = await session.execute(select(Document.status, func.count()).group_by(Document.status))
    counts = {status: 0 for status in DocumentStatus}
    counts.update({status: count for status, count in result.all()})
    return counts


# Built once: an alias made per call costs more Python than the rest of the statement.
_COPY = aliased(Document, name="copy")


@cache
def _references_statement(*, is_admin: bool) -> Select[*tuple[Any, ...]]:
    """Built once per kind of reader, with bind parameters (`user_id`, `ids`): building
    it, four permission conditions, was the larger part of a list page's Python."""
    user = bindparam("user_id", type_=Uuid)
    copy = _COPY
    earliest = (
        select(copy.id)
        .where(
            Document.sha256.is_not(None),
            copy.owner_id == Document.owner_id,
            copy.sha256 == Document.sha256,
            copy.deleted_at.is_(None),
            tuple_(copy.added_at, copy.id) < tuple_(Document.added_at, Document.id),
            can_view_as(copy, user, is_admin=is_admin),
        )
        .order_by(copy.added_at, copy.id)
        .limit(1)
        .correlate(Document)
        .scalar_subquery()
    )
    tags = func.array(
        select(document_tags.c.tag_id)
        .join(Tag, Tag.id == document_tags.c.tag_id)
        .where(
            document_tags.c.document_id == Document.id, can_view_as(Tag, user, is_admin=is_admin)
        )
        .order_by(Tag.name)
        .correlate(Document)
        .scalar_subquery()
    )
    return (
        select(Document.id, Correspondent.id, DocumentType.id, earliest, tags)
        .select_from(Document)
        .outerjoin(
            Correspondent,
            and_(
                Correspondent.id == Document.correspondent_id,
                can_view_as(Correspondent, user, is_admin=is_admin),
            ),
        )
        .outerjoin(
            DocumentType,
            and_(
                DocumentType.id == Document.document_type_id,
                can_view_as(DocumentType, user, is_admin=is_admin),
            ),
        )
        .where(Document.id == any_(bindparam("ids", type_=ARRAY(Uuid()))))
    )


async def references(
    session: AsyncSession, principal: Principal, document_ids: Sequence[uuid.UUID]
) -> Sequence[Row[uuid.UUID, uuid.UUID | None, uuid.UUID | None, uuid.UUID | None, list[Any]]]:
    """(document id, correspondent id, document type id, earliest copy id, tag ids) of
    these documents, each reference only when the principal may see what it names, the
    tags those the principal may see, by name. The earliest copy: the first (by
    added_at, then id) document of the same owner with the same content, added before
    it and not in the trash (from the (owner, sha256) index). One statement for what a
    page of documents carries besides its rows and field values."""
    statement = _references_statement(is_admin=principal.is_admin)
    values = {"user_id": principal.user_id, "ids": list(document_ids)}
    return (await session.execute(statement, values)).all()
