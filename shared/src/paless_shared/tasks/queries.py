"""Statements on task records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Task, TaskStatus


async def add(session: AsyncSession, task: Task) -> Task:
    session.add(task)
    await session.flush()
    return task


async def get(
    session: AsyncSession, task_id: uuid.UUID, *, for_update: bool = False
) -> Task | None:
    statement = select(Task).where(Task.id == task_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def get_visible(
    session: AsyncSession, task_id: uuid.UUID, owner_id: uuid.UUID | None
) -> Task | None:
    """The task if `owner_id` may see it (None: an admin, who sees every task)."""
    statement = select(Task).where(Task.id == task_id)
    if owner_id is not None:
        statement = statement.where(Task.owner_id == owner_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def list_visible(
    session: AsyncSession,
    owner_id: uuid.UUID | None,
    *,
    status: TaskStatus | None,
    kind: str | None,
    document_id: uuid.UUID | None,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Task]:
    """Newest first, keyset-paginated on (enqueued_at, id)."""
    statement = select(Task)
    if owner_id is not None:
        statement = statement.where(Task.owner_id == owner_id)
    if status is not None:
        statement = statement.where(Task.status == status)
    if kind is not None:
        statement = statement.where(Task.kind == kind)
    if document_id is not None:
        statement = statement.where(Task.document_id == document_id)
    if after is not None:
        statement = statement.where(tuple_(Task.enqueued_at, Task.id) < after)
    statement = statement.order_by(Task.enqueued_at.desc(), Task.id.desc()).limit(limit)
    return (await session.execute(statement)).scalars().all()
