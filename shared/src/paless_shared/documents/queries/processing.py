"""Statements on the state the worker moves a document through: begun (an attempt
counted), what processing found stored, failed when its attempts are used up. Each is
built once, on the table: the worker changes rows without loading them."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Document, DocumentStatus, DocumentVersion

_DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]


@cache
def _store_statement(columns: tuple[str, ...], *, correspondent: bool, document_type: bool) -> Any:
    """UPDATE of these columns of one document (parameters `document_id` and
    `new_<column>`), and of its correspondent and type where it has none (parameters
    `new_correspondent_id`, `new_document_type_id`), returning its id. Built once per
    shape, on the table: no ORM bulk-update pass, no construction or cache key per
    document ingested."""
    table = _DOCUMENTS
    values: dict[str, Any] = {
        column: bindparam(f"new_{column}", type_=table.c[column].type) for column in columns
    }
    for column, wanted in (
        ("correspondent_id", correspondent),
        ("document_type_id", document_type),
    ):
        if wanted:
            given = bindparam(f"new_{column}", type_=table.c[column].type)
            values[column] = func.coalesce(table.c[column], given)
    return (
        update(table)
        .where(table.c.id == bindparam("document_id"))
        .values(values)
        .returning(table.c.id)
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
    statement = _store_statement(
        tuple(values),
        correspondent=correspondent_id is not None,
        document_type=document_type_id is not None,
    )
    parameters = {f"new_{column}": value for column, value in values.items()}
    parameters["document_id"] = document_id
    if correspondent_id is not None:
        parameters["new_correspondent_id"] = correspondent_id
    if document_type_id is not None:
        parameters["new_document_type_id"] = document_type_id
    return (await session.execute(statement, parameters)).scalar_one_or_none() is not None


def _not_final() -> ColumnElement[bool]:
    return and_(Document.status != DocumentStatus.ready, Document.status != DocumentStatus.failed)


_BEGIN_PROCESSING = (
    update(_DOCUMENTS)
    .where(
        _DOCUMENTS.c.id == bindparam("document_id"),
        _DOCUMENTS.c.status != DocumentStatus.ready,
        _DOCUMENTS.c.status != DocumentStatus.failed,
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
