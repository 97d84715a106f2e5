"""Statements on task records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    Update,
    and_,
    bindparam,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view
from paless_shared.platform.database import new_parameters, new_values
from paless_shared.platform.principal import Principal
from paless_shared.tables import Document, Task, TaskStatus


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


_TASKS: Table = Task.__table__  # type: ignore[assignment]


@cache
def _update_statement(columns: tuple[str, ...], *, count_attempt: bool) -> Update:
    """UPDATE of these columns of one task (parameters `task_id` and `new_<column>`),
    with `attempts + 1` if asked, returning its id. Built once per set of columns, on
    the table: a job's task updates skip the ORM's bulk-update machinery and the
    statement's construction and cache key (a worker runs two per job)."""
    values: dict[str, Any] = new_values(_TASKS, columns)
    if count_attempt:
        values["attempts"] = _TASKS.c.attempts + 1
    return (
        update(_TASKS)
        .where(_TASKS.c.id == bindparam("task_id"))
        .values(values)
        .returning(_TASKS.c.id)
    )


async def update_values(
    session: AsyncSession,
    task_id: uuid.UUID,
    values: dict[str, Any],
    *,
    count_attempt: bool = False,
) -> uuid.UUID | None:
    """Change a task's row in one statement (no load first): `values` (plain values,
    by column name), and `attempts + 1` with `count_attempt`; its id, None if gone.
    A Task object the session holds is left as it was."""
    statement = _update_statement(tuple(values), count_attempt=count_attempt)
    parameters = new_parameters(values, task_id=task_id)
    found: uuid.UUID | None = (await session.execute(statement, parameters)).scalar_one_or_none()
    return found


def _visible(principal: Principal) -> ColumnElement[bool]:
    """A document's task is seen by whoever may see the document now; any other task
    (the objects of a purged document, say) by the user it was made for. Admins see
    every task."""
    if principal.is_admin:
        return true()
    return or_(
        and_(
            Task.document_id.is_not(None),
            Task.document_id.in_(select(Document.id).where(can_view(Document, principal))),
        ),
        and_(Task.document_id.is_(None), Task.owner_id == principal.user_id),
    )


async def get_visible(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID
) -> Task | None:
    """The task if the principal may see it."""
    statement = select(Task).where(Task.id == task_id, _visible(principal))
    return (await session.execute(statement)).scalar_one_or_none()


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    *,
    status: TaskStatus | None,
    kind: str | None,
    document_id: uuid.UUID | None,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[Task]:
    """Newest first, keyset-paginated on (enqueued_at, id)."""
    statement = select(Task).where(_visible(principal))
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
