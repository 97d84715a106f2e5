from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from paless_shared.models import TaskStatus
from paless_shared.services import tasks as service
from paless_web.deps import CurrentUser, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas import Task, TaskPage

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", operation_id="tasks_list", response_model=TaskPage, responses=responses(401, 422))
async def list_tasks(
    user: CurrentUser,
    uow: UnitOfWorkDep,
    status: TaskStatus | None = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    document_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> TaskPage:
    """Background tasks, newest first: your own, or everyone's for an admin."""
    page = await service.list_tasks(
        uow.session,
        user,
        status=status,
        kind=kind,
        document_id=document_id,
        limit=limit,
        cursor=cursor,
    )
    return TaskPage(
        items=[Task.model_validate(task) for task in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/{task_id}", operation_id="tasks_get", response_model=Task, responses=responses(401, 404, 422)
)
async def get_task(task_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> Task:
    """One task: its state, attempts and last error."""
    return Task.model_validate(await service.get_task(uow.session, user, task_id))
