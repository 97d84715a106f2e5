from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.models import Task, TaskStatus

ACTIVE = (TaskStatus.queued, TaskStatus.running)


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, task: Task) -> Task:
        self.session.add(task)
        await self.session.flush()
        return task

    async def get(self, task_id: uuid.UUID, *, for_update: bool = False) -> Task | None:
        statement = select(Task).where(Task.id == task_id)
        if for_update:
            statement = statement.with_for_update()
        result = await self.session.execute(statement)
        return result.scalar_one_or_none()

    async def get_visible(self, task_id: uuid.UUID, owner_id: uuid.UUID | None) -> Task | None:
        """The task if `owner_id` may see it (None: an admin, who sees every task)."""
        statement = select(Task).where(Task.id == task_id)
        if owner_id is not None:
            statement = statement.where(Task.owner_id == owner_id)
        result = await self.session.execute(statement)
        return result.scalar_one_or_none()

    async def list_visible(
        self,
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
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def stale_active(
        self, *, queued_before: datetime, running_before: datetime, limit: int
    ) -> Sequence[Task]:
        """Tasks still queued, or running, for longer than their grace."""
        result = await self.session.execute(
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

    async def active_for_documents(self, document_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these documents have a queued or running task."""
        if not document_ids:
            return set()
        result = await self.session.execute(
            select(Task.document_id).where(
                Task.document_id.in_(document_ids), Task.status.in_(ACTIVE)
            )
        )
        return {document_id for document_id in result.scalars() if document_id is not None}

    async def delete_finished_before(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(Task).where(
                Task.status.in_([TaskStatus.succeeded, TaskStatus.failed]),
                Task.finished_at < before,
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
