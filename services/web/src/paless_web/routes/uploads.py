"""Direct uploads: the file goes from the client straight to storage."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, status

from paless_shared.documents import uploads
from paless_shared.platform.ocr import check_languages
from paless_shared.versions.service import RunRequest
from paless_web.deps import ConfigDep, CurrentPrincipal, StateDep, StorageDep, UnitOfWorkDep
from paless_web.presenters import present_one
from paless_web.problems import responses
from paless_web.schemas.documents import DirectUpload, Document, UploadRequest
from paless_web.schemas.versions import OcrRequest

router = APIRouter(prefix="/uploads", tags=["uploads"])


@router.post(
    "",
    operation_id="uploads_create",
    status_code=status.HTTP_201_CREATED,
    response_model=DirectUpload,
    responses=responses(401, 422),
)
async def create_upload(
    body: UploadRequest,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    storage: StorageDep,
    config: ConfigDep,
) -> DirectUpload:
    """Start a direct upload: send the file straight to storage, not through the API.

    POST `fields` then the file (as form field `file`) to `url` before `expires_at`,
    then call `POST /api/v1/uploads/{upload_id}/complete`. Storage refuses files over
    `max_bytes`.
    """
    delivery = config.delivery
    upload, post = await uploads.start_direct_upload(
        uow.session,
        storage,
        principal.user_id,
        filename=body.filename,
        title=body.title,
        max_bytes=delivery.max_upload_bytes,
        expires_in=delivery.upload_url_expiry_seconds,
    )
    return DirectUpload(
        upload_id=upload.id,
        url=post.url,
        fields=post.fields,
        max_bytes=delivery.max_upload_bytes,
        expires_at=post.expires_at,
    )


@router.post(
    "/{upload_id}/complete",
    operation_id="uploads_complete",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Document,
    responses=responses(401, 404, 409, 413, 415, 422),
)
async def complete_upload(
    upload_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    storage: StorageDep,
    config: ConfigDep,
    state: StateDep,
    body: Annotated[OcrRequest | None, Body()] = None,
) -> Document:
    """Finish a direct upload: the file is checked (a PDF or an image, recognised by
    its content; 415 lists the accepted types) and becomes a `pending` document,
    processed with the OCR settings given in the body (optional, as for reprocess).

    409 if the file has not reached storage yet; calling it again after success
    returns the same document.
    """
    request = body.run_request() if body is not None else RunRequest()
    await check_languages(state.queue, request.options)
    document = await uploads.complete_direct_upload(
        uow.session,
        storage,
        uow.jobs,
        principal.user_id,
        upload_id,
        max_bytes=config.delivery.max_upload_bytes,
        request=request,
    )
    return await present_one(uow.session, principal, document)
