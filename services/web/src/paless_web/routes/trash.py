"""The trash: list, restore, purge one document, or empty it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from paless_shared.documents import service as documents
from paless_web.deps import CurrentPrincipal, Pagination, UnitOfWorkDep
from paless_web.presenters import present, present_one
from paless_web.problems import responses
from paless_web.schemas.documents import Document, DocumentPage, Purged

router = APIRouter(prefix="/trash", tags=["trash"])


@router.get(
    "", operation_id="trash_list", response_model=DocumentPage, responses=responses(401, 422)
)
async def list_trash(
    principal: CurrentPrincipal, uow: UnitOfWorkDep, page: Pagination
) -> DocumentPage:
    """Your trashed documents, most recently deleted first."""
    found = await documents.list_trash(uow.session, principal, limit=page.limit, cursor=page.cursor)
    return DocumentPage(
        items=await present(uow.session, principal, found.items),
        next_cursor=found.next_cursor,
    )


@router.post(
    "/{document_id}/restore",
    operation_id="trash_restore",
    response_model=Document,
    responses=responses(401, 403, 404, 422),
)
async def restore(
    document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> Document:
    """Take a document out of the trash."""
    document = await documents.restore_document(uow.session, principal, document_id)
    return await present_one(uow.session, principal, document)


@router.delete(
    "/{document_id}",
    operation_id="trash_purge",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def purge(document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep) -> None:
    """Delete a trashed document for good: its record now, its files right after. Only
    its owner or an admin may (403 for others who may see it)."""
    await documents.purge_document(uow.session, uow.jobs, principal, document_id)


@router.delete("", operation_id="trash_empty", response_model=Purged, responses=responses(401))
async def empty(principal: CurrentPrincipal, uow: UnitOfWorkDep) -> Purged:
    """Empty your trash now: every trashed document you own is deleted for good
    (documents of others you may see in the trash stay)."""
    return Purged(purged=await documents.empty_trash(uow.session, uow.jobs, principal))
