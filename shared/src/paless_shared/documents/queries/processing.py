"""Statements on the state the worker moves a document through: begun (an attempt
counted), what processing found stored, failed when its attempts are used up. Each is
built once, on the table: the worker changes rows without loading them."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.platform.database import new_parameters, new_values
from paless_shared.tables import Document, DocumentStatus, DocumentVersion

_DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]


@cache
def _store_statement(columns: tuple[str, ...], where_empty: tuple[str, ...]) -> Any:
    """UPDATE of these columns of one document (parameters `document_id` and
    `new_<column>`), and of the `where_empty` ones only where it has no value yet (its
    correspondent, its type), returning its id. Built once per shape, on the table: no
    ORM bulk-update pass, no construction or cache key per document ingested."""
    values: dict[str, Any] = new_values(_DOCUMENTS, columns)
    for column, given in new_values(_DOCUMENTS, where_empty).items():
        values[column] = func.coalesce(_DOCUMENTS.c[column], given)
    return (
        update(_DOCUMENTS)
        .where(_DOCUMENTS.c.id == bindparam("document_id"))
        .values(values)
        .returning(_DOCUMENTS.c.id)
    )


async def store_processed(
    session: AsyncSession,
    document_id: uuid.UUID,
    values: dict[str, Any],
    *,
    correspondent_id: uuid.UUID | None,
    document_type_id: uuid.UUID | None,
) -> bool:
    """Write what processing found in one statement: `values` (plain values, by column
    name), and the correspondent and type where the document has none yet. False if
    the document is gone.

    The worker's statements here change rows without loading them, and leave alone
    any Document object the session holds (the worker's sessions hold none)."""
    matched = {"correspondent_id": correspondent_id, "document_type_id": document_type_id}
    where_empty = {column: value for column, value in matched.items() if value is not None}
    statement = _store_statement(tuple(values), tuple(where_empty))
    parameters = new_parameters({**values, **where_empty}, document_id=document_id)
    return (await session.execute(statement, parameters)).scalar_one_or_none() is not None


def _not_final() -> ColumnElement[bool]:
    status = _DOCUMENTS.c.status
    return and_(status != DocumentStatus.ready, status != DocumentStatus.failed)


_BEGIN_PROCESSING = (
    update(_DOCUMENTS)
    .where(
        _DOCUMENTS.c.id == bindparam("document_id"),
        _not_final(),
        _DOCUMENTS.c.ingest_attempts < bindparam("max_attempts"),
    )
    .values(status=DocumentStatus.processing, ingest_attempts=_DOCUMENTS.c.ingest_attempts + 1)
    .returning(
        _DOCUMENTS.c.owner_id,
        _DOCUMENTS.c.current_version_id,
        select(DocumentVersion.original_key)
        .where(DocumentVersion.id == _DOCUMENTS.c.current_version_id)
        .scalar_subquery()
        .label("original_key"),
    )
)


async def begin_processing(
    session: AsyncSession, document_id: uuid.UUID, *, max_attempts: int
) -> Row[uuid.UUID, uuid.UUID | None, str | None] | None:
    """Mark the document `processing` and count the attempt, unless it is final or has
    used up its attempts: (owner_id, current_version_id, that version's original_key
    or None if there is no such version), or None. (One statement, built once.)"""
    parameters = {"document_id": document_id, "max_attempts": max_attempts}
    row: Row[uuid.UUID, uuid.UUID | None, str | None] | None = (
        await session.execute(_BEGIN_PROCESSING, parameters)
    ).one_or_none()
    return row


async def fail_exhausted(session: AsyncSession, document_id: uuid.UUID, max_attempts: int) -> None:
    """Fail a document (not final) that has used up its attempts, saying so."""
    reason = func.concat("processing did not finish after ", Document.ingest_attempts, " attempts")
    statement = (
        update(Document)
        .where(
            Document.id == document_id,
            _not_final(),
            Document.ingest_attempts >= max_attempts,
        )
        .values(status=DocumentStatus.failed, failure_reason=reason)
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


_LOCK = (
    select(_DOCUMENTS.c.id)
    .where(_DOCUMENTS.c.id == bindparam("document_id"))
    .with_for_update(key_share=True)
)


async def lock(session: AsyncSession, document_id: uuid.UUID) -> bool:
    """Lock the document's row (FOR NO KEY UPDATE); False if there is none."""
    found = (await session.execute(_LOCK, {"document_id": document_id})).first()
    return found is not None
