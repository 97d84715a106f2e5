from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from paless_shared.access import Principal
from paless_shared.services import documents as service
from paless_web.deps import CurrentUser, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.routes.documents import present, present_one
from paless_web.schemas import Document, DocumentPage, Purged

router = APIRouter(prefix="/trash", tags=["trash"])


@router.get(
    "", operation_id="trash_list", response_model=DocumentPage, responses=responses(401, 422)
)
async def list_trash(
    user: CurrentUser,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> DocumentPage:
    """Your trashed documents, most recently deleted first."""
    page = await service.list_trash(uow.session, Principal.of(user), limit=limit, cursor=cursor)
    return DocumentPage(
        items=await present(uow.session, Principal.of(user), page.items),
        next_cursor=page.next_cursor,
    )


@router.post(
    "/{document_id}/restore",
    operation_id="trash_restore",
    response_model=Document,
    responses=responses(401, 403, 404, 422),
)
async def restore(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> Document:
    """Take a document out of the trash."""
    document = await service.restore_document(uow.session, Principal.of(user), document_id)
    return await present_one(uow.session, Principal.of(user), document)


@router.delete(
    "/{document_id}",
    operation_id="trash_purge",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def purge(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> None:
    """Delete a trashed document for good: its record now, its files right after."""
    await service.purge_document(uow.session, uow.jobs, Principal.of(user), document_id)


@router.delete("", operation_id="trash_empty", response_model=Purged, responses=responses(401))
async def empty(user: CurrentUser, uow: UnitOfWorkDep) -> Purged:
    """Empty your trash now: every trashed document is deleted for good."""
    return Purged(purged=await service.empty_trash(uow.session, uow.jobs, Principal.of(user)))
