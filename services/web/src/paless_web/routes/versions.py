"""A document's versions: list them, restore one, and process the current one again
with OCR settings of its own."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, status

from paless_shared.documents import service as documents
from paless_shared.documents import versions
from paless_shared.platform.ocr import check_languages
from paless_shared.versions.service import RunRequest
from paless_web.deps import CurrentPrincipal, StateDep, UnitOfWorkDep
from paless_web.presenters import present_one
from paless_web.problems import responses
from paless_web.schemas.documents import Document
from paless_web.schemas.versions import OcrRequest, Version, VersionList

router = APIRouter(prefix="/documents", tags=["documents"])

VersionNumber = Annotated[int, Path(ge=1, le=1_000_000)]


@router.get(
    "/{document_id}/versions",
    operation_id="documents_versions_list",
    response_model=VersionList,
    responses=responses(401, 404, 422),
)
async def list_versions(
    document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> VersionList:
    """The document's versions, oldest first. Each keeps its original as uploaded;
    download one with `GET /documents/{id}/download?version=N&rendition=original|archive`."""
    document, found = await versions.list_versions(uow.session, principal, document_id)
    return VersionList(
        items=[
            Version(
                number=version.number,
                current=version.id == document.current_version_id,
                mime_type=version.mime_type,
                size_bytes=version.size_bytes,
                sha256=version.sha256,
                page_count=version.page_count,
                has_archive=version.archive_key is not None,
                has_thumbnail=version.thumbnail_key is not None,
                ocr_settings=version.ocr_settings,
                created_at=version.created_at,
                created_by=version.created_by_id,
            )
            for version in found
        ]
    )


@router.post(
    "/{document_id}/versions/{number}/restore",
    operation_id="documents_versions_restore",
    response_model=Document,
    responses=responses(401, 403, 404, 409, 422),
)
async def restore_version(
    document_id: uuid.UUID,
    number: VersionNumber,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> Document:
    """Make version `number` the current one (its original, archive, thumbnail and
    text). Nothing is deleted: the version that was current can be restored back.
    Recorded in the document's history."""
    document = await versions.restore_version(uow.session, principal, document_id, number)
    return await present_one(uow.session, principal, document)


@router.post(
    "/{document_id}/reprocess",
    operation_id="documents_reprocess",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Document,
    responses=responses(401, 403, 404, 409, 422),
)
async def reprocess_document(
    document_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    state: StateDep,
    body: Annotated[OcrRequest | None, Body()] = None,
) -> Document:
    """Process a `ready` or `failed` document again from its current version's
    original, with the OCR settings given (each one left out is the server's default;
    e.g. `{"mode": "force", "languages": ["deu"]}`, or a `password` for an encrypted
    PDF). The current archive, thumbnail and text stay until the new ones are
    complete. 409 while it is still pending or processing. Follow it with
    `GET /api/v1/tasks?document_id=` (`pages_done`/`pages_total` while OCR runs)."""
    request = body.run_request() if body is not None else RunRequest()
    await check_languages(state.queue, request.options)
    document = await documents.reprocess_document(
        uow.session, uow.jobs, principal, document_id, request
    )
    return await present_one(uow.session, principal, document)
