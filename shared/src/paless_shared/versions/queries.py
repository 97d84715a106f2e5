"""Statements on versions, processing runs and pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import DocumentPage, DocumentVersion, ProcessingRun, RunStatus

OPEN = (RunStatus.pending, RunStatus.ocr)


async def add(session: AsyncSession, row: DocumentVersion | ProcessingRun) -> None:
    session.add(row)
    await session.flush()


async def get_version(
    session: AsyncSession, version_id: uuid.UUID, *, for_update: bool = False
) -> DocumentVersion | None:
    statement = select(DocumentVersion).where(DocumentVersion.id == version_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


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
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def open_run(session: AsyncSession, version_id: uuid.UUID) -> ProcessingRun | None:
    """The version's newest run not yet finished, locked."""
    statement = (
        select(ProcessingRun)
        .where(ProcessingRun.version_id == version_id, ProcessingRun.status.in_(OPEN))
        .order_by(ProcessingRun.created_at.desc(), ProcessingRun.id)
        .limit(1)
        .with_for_update()
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
        await session.execute(insert(DocumentPage).on_conflict_do_nothing(), list(rows))


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
    statement = (
        select(ProcessingRun)
        .join(DocumentVersion, DocumentVersion.id == ProcessingRun.version_id)
        .where(DocumentVersion.document_id == document_id, ProcessingRun.status.in_(OPEN))
        .with_for_update(of=ProcessingRun)
    )
    return (await session.execute(statement)).scalars().all()


async def close_open_run(session: AsyncSession, run_id: uuid.UUID) -> uuid.UUID | None:
    """Mark a run that is still open done (one statement, the row locked by it); its
    version's id, None if the run is gone or no longer open."""
    statement = (
        update(ProcessingRun)
        .where(
            ProcessingRun.id == run_id,
            or_(*(ProcessingRun.status == status for status in OPEN)),
        )
        .values(status=RunStatus.done, finished_at=datetime.now(UTC))
        .returning(ProcessingRun.version_id)
        .execution_options(synchronize_session=False)
    )
    found: uuid.UUID | None = (await session.execute(statement)).scalar_one_or_none()
    return found


async def switch_renditions(
    session: AsyncSession, version_id: uuid.UUID, values: dict[str, object]
) -> Row[Any] | None:
    """Set the version's rendition columns in one statement; returns (document_id,
    archive_key, thumbnail_key, run_id) as they were before, None if the version is
    gone. The old values come from a locked read in the same statement."""
    old = (
        select(
            DocumentVersion.id,
            DocumentVersion.archive_key,
            DocumentVersion.thumbnail_key,
            DocumentVersion.run_id,
        )
        .where(DocumentVersion.id == version_id)
        .with_for_update()
        .subquery("old")
    )
    statement = (
        update(DocumentVersion)
        .where(DocumentVersion.id == old.c.id)
        .values(values)
        .returning(
            DocumentVersion.document_id, old.c.archive_key, old.c.thumbnail_key, old.c.run_id
        )
        .execution_options(synchronize_session=False)
    )
    row: Row[Any] | None = (await session.execute(statement)).one_or_none()
    return row
