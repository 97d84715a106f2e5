"""Task records: what background work was done, and how it went."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from paless_shared.tables import TaskStatus
from paless_shared.tasks import service
from paless_web.deps import CurrentPrincipal, Pagination, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.tasks import Task, TaskPage

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", operation_id="tasks_list", response_model=TaskPage, responses=responses(401, 422))
async def list_tasks(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    page: Pagination,
    status: TaskStatus | None = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    document_id: uuid.UUID | None = None,
) -> TaskPage:
    """Background tasks, newest first: those of documents you may see (whoever started
    them), your other tasks, or everyone's for an admin."""
    found = await service.list_tasks(
        uow.session,
        principal,
        status=status,
        kind=kind,
        document_id=document_id,
        limit=page.limit,
        cursor=page.cursor,
    )
    return TaskPage(
        items=[Task.model_validate(task) for task in found.items], next_cursor=found.next_cursor
    )


@router.get(
    "/{task_id}", operation_id="tasks_get", response_model=Task, responses=responses(401, 404, 422)
)
async def get_task(task_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep) -> Task:
    """One task: its state, attempts and last error. A document's task is visible to
    whoever may see the document now."""
    return Task.model_validate(await service.get_task(uow.session, principal, task_id))
