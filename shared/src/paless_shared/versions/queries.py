"""Statements on versions, processing runs and pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Table, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.platform.database import new_parameters, new_values
from paless_shared.tables import DocumentPage, DocumentVersion, ProcessingRun, RunStatus

OPEN = (RunStatus.pending, RunStatus.ocr)

# Statements ingest runs on every document, built once with bind parameters (no
# construction or cache key per document); its UPDATEs on the tables rather than the
# mapped classes, so they skip the ORM's bulk-update pass (they load no object).
_VERSIONS: Table = DocumentVersion.__table__  # type: ignore[assignment]
_RUNS: Table = ProcessingRun.__table__  # type: ignore[assignment]
_GET_VERSION = select(DocumentVersion).where(DocumentVersion.id == bindparam("version_id"))
_OPEN_RUNS_OF_DOCUMENT = (
    select(ProcessingRun)
    .join(DocumentVersion, DocumentVersion.id == ProcessingRun.version_id)
    .where(DocumentVersion.document_id == bindparam("document_id"), ProcessingRun.status.in_(OPEN))
    .with_for_update(of=ProcessingRun, key_share=True)
)
_PAGES: Table = DocumentPage.__table__  # type: ignore[assignment]
_ADD_PAGES = insert(_PAGES).on_conflict_do_nothing()
_CLOSE_OPEN_RUN = (
    update(_RUNS)
    .where(_RUNS.c.id == bindparam("run_id"), or_(*(_RUNS.c.status == status for status in OPEN)))
    .values(status=RunStatus.done, finished_at=bindparam("finished_at"))
    .returning(_RUNS.c.version_id)
)


async def add(session: AsyncSession, row: DocumentVersion | ProcessingRun) -> None:
    session.add(row)
    await session.flush()


async def get_version(
    session: AsyncSession, version_id: uuid.UUID, *, for_update: bool = False
) -> DocumentVersion | None:
    statement = _GET_VERSION.with_for_update(key_share=True) if for_update else _GET_VERSION
    return (await session.execute(statement, {"version_id": version_id})).scalar_one_or_none()


async def version_by_number(
    session: AsyncSession, document_id: uuid.UUID, number: int
) -> DocumentVersion | None:
    statement = select(DocumentVersion).where(
        DocumentVersion.document_id == document_id, DocumentVersion.number == number
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def list_versions(session: AsyncSession, document_id: uuid.UUID) -> Sequence[DocumentVersion]:
    statement = (
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.number)
    )
    return (await session.execute(statement)).scalars().all()


async def latest_number(session: AsyncSession, document_id: uuid.UUID) -> int:
    statement = select(func.coalesce(func.max(DocumentVersion.number), 0)).where(
        DocumentVersion.document_id == document_id
    )
    return int((await session.execute(statement)).scalar_one())


async def versions_of(
    session: AsyncSession, document_ids: Sequence[uuid.UUID]
) -> Sequence[DocumentVersion]:
    if not document_ids:
        return []
    statement = select(DocumentVersion).where(DocumentVersion.document_id.in_(document_ids))
    return (await session.execute(statement)).scalars().all()


async def get_run(
    session: AsyncSession, run_id: uuid.UUID, *, for_update: bool = False
) -> ProcessingRun | None:
    statement = select(ProcessingRun).where(ProcessingRun.id == run_id)
    if for_update:
        statement = statement.with_for_update(key_share=True)
    return (await session.execute(statement)).scalar_one_or_none()


async def open_run(session: AsyncSession, version_id: uuid.UUID) -> ProcessingRun | None:
    """The version's newest run not yet finished, locked."""
    statement = (
        select(ProcessingRun)
        .where(ProcessingRun.version_id == version_id, ProcessingRun.status.in_(OPEN))
        .order_by(ProcessingRun.created_at.desc(), ProcessingRun.id)
        .limit(1)
        .with_for_update(key_share=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def supersede_open_runs(session: AsyncSession, version_id: uuid.UUID) -> None:
    await session.execute(
        update(ProcessingRun)
        .where(ProcessingRun.version_id == version_id, ProcessingRun.status.in_(OPEN))
        .values(status=RunStatus.superseded, finished_at=func.now())
    )


async def add_page(session: AsyncSession, values: dict[str, object]) -> None:
    """Insert a page; a page recorded already (a job run twice) is left as it is."""
    statement = insert(DocumentPage).values(**values).on_conflict_do_nothing()
    await session.execute(statement)


async def add_pages(session: AsyncSession, rows: Sequence[dict[str, object]]) -> None:
    """Insert pages in one statement; pages recorded already are left as they are."""
    if rows:
        await session.execute(_ADD_PAGES, list(rows))


async def page_numbers(session: AsyncSession, run_id: uuid.UUID) -> set[int]:
    statement = select(DocumentPage.number).where(DocumentPage.run_id == run_id)
    return set((await session.execute(statement)).scalars())


async def pages(session: AsyncSession, run_id: uuid.UUID) -> Sequence[DocumentPage]:
    statement = (
        select(DocumentPage).where(DocumentPage.run_id == run_id).order_by(DocumentPage.number)
    )
    return (await session.execute(statement)).scalars().all()


async def delete_pages(session: AsyncSession, run_id: uuid.UUID) -> None:
    await session.execute(delete(DocumentPage).where(DocumentPage.run_id == run_id))


async def open_runs_of_document(
    session: AsyncSession, document_id: uuid.UUID
) -> Sequence[ProcessingRun]:
    """Runs not yet finished of any of the document's versions, locked."""
    parameters = {"document_id": document_id}
    return (await session.execute(_OPEN_RUNS_OF_DOCUMENT, parameters)).scalars().all()


async def close_open_run(session: AsyncSession, run_id: uuid.UUID) -> uuid.UUID | None:
    """Mark a run that is still open done (one statement, the row locked by it); its
    version's id, None if the run is gone or no longer open."""
    parameters = {"run_id": run_id, "finished_at": datetime.now(UTC)}
    found: uuid.UUID | None = (
        await session.execute(_CLOSE_OPEN_RUN, parameters)
    ).scalar_one_or_none()
    return found


@cache
def _switch_statement(columns: tuple[str, ...]) -> Any:
    old = (
        select(
            _VERSIONS.c.id, _VERSIONS.c.archive_key, _VERSIONS.c.thumbnail_key, _VERSIONS.c.run_id
        )
        .where(_VERSIONS.c.id == bindparam("version_id"))
        .with_for_update(key_share=True)
        .subquery("old")
    )
    values = new_values(_VERSIONS, columns)
    return (
        update(_VERSIONS)
        .where(_VERSIONS.c.id == old.c.id)
        .values(values)
        .returning(_VERSIONS.c.document_id, old.c.archive_key, old.c.thumbnail_key, old.c.run_id)
    )


async def switch_renditions(
    session: AsyncSession, version_id: uuid.UUID, values: dict[str, object]
) -> Row[Any] | None:
    """Set the version's rendition columns (`values`, plain values by column name) in
    one statement; returns (document_id, archive_key, thumbnail_key, run_id) as they
    were before, None if the version is gone. The old values come from a locked read
    in the same statement."""
    parameters = new_parameters(values, version_id=version_id)
    statement = _switch_statement(tuple(values))
    row: Row[Any] | None = (await session.execute(statement, parameters)).one_or_none()
    return row
