"""Task records: every background job has a row saying what it is for and how it went.

The row is written in the same transaction as the change that needs the job, and the
job is sent after commit; if the process dies in between, reconcile finds the queued
row with no job behind it and sends it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.platform.errors import NotFound
from paless_shared.platform.jobs import JobBuffer
from paless_shared.platform.pagination import Page, decode_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.tables import Task, TaskStatus
from paless_shared.tasks import queries

FINAL = frozenset({TaskStatus.succeeded, TaskStatus.failed})


@dataclass(frozen=True)
class Outcome:
    """What a job returns when its task should end otherwise than `succeeded`, or
    should keep a result."""

    status: TaskStatus = TaskStatus.succeeded
    error: str | None = None
    result: dict[str, Any] | None = None


async def create_task(
    session: AsyncSession,
    jobs: JobBuffer,
    kind: str,
    *args: Any,
    job_id: str | None = None,
    owner_id: uuid.UUID | None = None,
    document_id: uuid.UUID | None = None,
) -> Task:
    """Record a task and ask for its job to be sent after commit."""
    task_id = uuid.uuid4()
    task = await queries.add(
        session,
        Task(
            id=task_id,
            kind=kind,
            job_id=job_id or f"{kind}:{task_id}",
            args=list(args),
            owner_id=owner_id,
            document_id=document_id,
            status=TaskStatus.queued,
        ),
    )
    jobs.add(kind, *args, job_id=task.job_id, task_id=str(task.id))
    return task


async def adopt_task(
    session: AsyncSession,
    kind: str,
    job_id: str,
    args: list[Any],
    *,
    owner_id: uuid.UUID | None = None,
    document_id: uuid.UUID | None = None,
) -> Task:
    """A row for a job that was enqueued without one (periodic jobs)."""
    return await queries.add(
        session,
        Task(
            kind=kind,
            job_id=job_id,
            args=args,
            owner_id=owner_id,
            document_id=document_id,
            status=TaskStatus.queued,
        ),
    )


async def start_task(session: AsyncSession, task_id: uuid.UUID, worker_id: str) -> uuid.UUID | None:
    """Mark the task running on `worker_id` and count the attempt (one statement);
    its id, None if there is no such task."""
    return await queries.update_values(
        session,
        task_id,
        {
            "status": TaskStatus.running,
            "worker_id": worker_id,
            "started_at": datetime.now(UTC),
            "finished_at": None,
        },
        count_attempt=True,
    )


async def finish_task(session: AsyncSession, task_id: uuid.UUID, outcome: Outcome) -> None:
    """Record how the task ended (one statement): a success clears the last error;
    another outcome keeps it unless it brings one."""
    values: dict[str, Any] = {
        "status": outcome.status,
        "result": outcome.result,
        "finished_at": datetime.now(UTC) if outcome.status in FINAL else None,
    }
    if outcome.status == TaskStatus.succeeded:
        values["last_error"] = None
    elif outcome.error:
        values["last_error"] = outcome.error[:2000]
    await queries.update_values(session, task_id, values)


async def record_progress(
    session: AsyncSession, task_id: uuid.UUID, result: dict[str, Any]
) -> None:
    """Update what a task that is still running reports (e.g. pages done of a total);
    a task that has ended keeps its final result."""
    task = await queries.get(session, task_id, for_update=True)
    if task is None or task.status in FINAL:
        return
    task.result = {**(task.result or {}), **result}
    await session.flush()


async def get_task(session: AsyncSession, principal: Principal, task_id: uuid.UUID) -> Task:
    """A task the principal may see: a document's task while they may see the
    document, another task if it was made for them; any task for an admin."""
    task = await queries.get_visible(session, principal, task_id)
    if task is None:
        raise NotFound(f"task {task_id} not found")
    return task


async def list_tasks(
    session: AsyncSession,
    principal: Principal,
    *,
    status: TaskStatus | None,
    kind: str | None,
    document_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> Page[Task]:
    """Tasks newest first: those the principal may see (see `get_task`)."""
    rows = await queries.list_visible(
        session,
        principal,
        status=status,
        kind=kind,
        document_id=document_id,
        limit=limit + 1,
        after=decode_cursor(cursor) if cursor else None,
    )
    return split_page(rows, limit, lambda row: (row.enqueued_at, row.id))
