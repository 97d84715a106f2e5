"""Statements of the upkeep jobs (over documents, uploads and tasks)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import (
    Document,
    DocumentStatus,
    DocumentVersion,
    Task,
    TaskStatus,
    Upload,
    UploadStatus,
)

ACTIVE = (TaskStatus.queued, TaskStatus.running)


async def trashed_before(session: AsyncSession, before: datetime, limit: int) -> Sequence[Document]:
    """Documents trashed before `before`, locked (skipping those another run holds)."""
    statement = (
        select(Document)
        .where(Document.deleted_at.is_not(None), Document.deleted_at < before)
        .order_by(Document.deleted_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(statement)).scalars().all()


async def expired_uploads(
    session: AsyncSession, status: UploadStatus, before: datetime, limit: int
) -> Sequence[Upload]:
    """Direct uploads in this state whose form expired before `before`, locked."""
    result = await session.execute(
        select(Upload)
        .where(Upload.status == status, Upload.expires_at < before)
        .order_by(Upload.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return result.scalars().all()


async def delete_upload(session: AsyncSession, upload: Upload) -> None:
    await session.delete(upload)
    await session.flush()


async def pending_upload_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of these keys belong to a direct upload not yet completed."""
    if not keys:
        return set()
    result = await session.execute(
        select(Upload.object_key).where(
            Upload.object_key.in_(keys), Upload.status == UploadStatus.pending
        )
    )
    return set(result.scalars())


async def referenced_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these object keys a document row points at."""
    wanted = set(keys)
    if not wanted:
        return set()
    result = await session.execute(
        select(Document.original_key, Document.thumbnail_key).where(
            Document.original_key.in_(wanted) | Document.thumbnail_key.in_(wanted)
        )
    )
    found = {key for row in result for key in row if key in wanted}
    # Earlier versions' originals and renditions (the row copies the current one's).
    versions = await session.execute(
        select(
            DocumentVersion.original_key, DocumentVersion.thumbnail_key, DocumentVersion.archive_key
        ).where(
            DocumentVersion.original_key.in_(wanted)
            | DocumentVersion.thumbnail_key.in_(wanted)
            | DocumentVersion.archive_key.in_(wanted)
        )
    )
    return found | {key for row in versions for key in row if key in wanted}


async def stored_documents(
    session: AsyncSession, *, after: uuid.UUID | None, limit: int
) -> Sequence[Document]:
    """Every document (trashed too), in id order, a batch at a time."""
    statement = select(Document).order_by(Document.id).limit(limit)
    if after is not None:
        statement = statement.where(Document.id > after)
    return (await session.execute(statement)).scalars().all()


async def delete_finished_tasks(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(
        delete(Task).where(
            Task.status.in_([TaskStatus.succeeded, TaskStatus.failed]),
            Task.finished_at < before,
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def stale_tasks(
    session: AsyncSession, *, queued_before: datetime, running_before: datetime, limit: int
) -> Sequence[Task]:
    """Tasks still queued, or running, for longer than their grace; locked."""
    result = await session.execute(
        select(Task)
        .where(
            ((Task.status == TaskStatus.queued) & (Task.enqueued_at < queued_before))
            | ((Task.status == TaskStatus.running) & (Task.started_at < running_before))
        )
        .order_by(Task.enqueued_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return result.scalars().all()


async def failed_tasks(
    session: AsyncSession, kind: str, *, finished_before: datetime, limit: int
) -> Sequence[Task]:
    """Tasks of this kind that ended `failed` before `finished_before`; locked."""
    result = await session.execute(
        select(Task)
        .where(
            Task.kind == kind,
            Task.status == TaskStatus.failed,
            Task.finished_at < finished_before,
        )
        .order_by(Task.finished_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return result.scalars().all()


async def stale_documents(
    session: AsyncSession, before: datetime, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(id, owner id) of documents still pending or processing, unchanged since
    `before`."""
    result = await session.execute(
        select(Document.id, Document.owner_id)
        .where(
            Document.status.in_([DocumentStatus.pending, DocumentStatus.processing]),
            Document.modified_at < before,
        )
        .order_by(Document.modified_at)
        .limit(limit)
    )
    return [(row.id, row.owner_id) for row in result]


async def documents_with_active_task(
    session: AsyncSession, document_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these documents have a queued or running task."""
    if not document_ids:
        return set()
    result = await session.execute(
        select(Task.document_id).where(Task.document_id.in_(document_ids), Task.status.in_(ACTIVE))
    )
    return {document_id for document_id in result.scalars() if document_id is not None}
