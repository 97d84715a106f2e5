"""The upload screen: files go from the browser straight to storage (a presigned POST,
with per-file progress), then become documents whose processing the page follows."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from paless_shared.documents import service as documents
from paless_shared.documents import uploads
from paless_shared.platform.ocr import MODES
from paless_shared.versions.service import RunRequest
from paless_web.deps import ConfigDep, StateDep, StorageDep, UnitOfWorkDep
from paless_web.ui.render import render, url
from paless_web.ui.routes.document import ocr_options
from paless_web.ui.session import Session

router = APIRouter(include_in_schema=False)


class StartUpload(BaseModel):
    filename: str = Field(min_length=1, max_length=1024)


@router.get("/upload")
async def upload_screen(request: Request, session: Session, config: ConfigDep) -> Response:
    return render(
        request,
        "upload.html",
        {
            "session": session,
            "csrf": session.csrf,
            "max_bytes": config.delivery.max_upload_bytes,
            "ocr_modes": MODES,
        },
    )


@router.post("/upload/start")
async def start(
    body: StartUpload,
    session: Session,
    uow: UnitOfWorkDep,
    storage: StorageDep,
    config: ConfigDep,
) -> Response:
    """Where the browser sends the file: a presigned POST (URL and form fields)."""
    upload, post = await uploads.start_direct_upload(
        uow.session,
        storage,
        session.principal.user_id,
        filename=body.filename,
        title=None,
        max_bytes=config.delivery.max_upload_bytes,
        expires_in=config.delivery.upload_url_expiry_seconds,
    )
    return JSONResponse({"upload_id": str(upload.id), "url": post.url, "fields": post.fields})


@router.post("/upload/{upload_id}/complete")
async def complete(
    request: Request,
    upload_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    storage: StorageDep,
    config: ConfigDep,
    state: StateDep,
) -> Response:
    """The file is in storage: it becomes a pending document, queued for processing
    with the OCR settings chosen on the screen (a JSON body of `ocr_*` fields)."""
    try:
        body = await request.json()
    except ValueError:
        body = {}
    options = await ocr_options(body if isinstance(body, dict) else {}, state)
    document = await uploads.complete_direct_upload(
        uow.session,
        storage,
        uow.jobs,
        session.principal.user_id,
        upload_id,
        max_bytes=config.delivery.max_upload_bytes,
        request=RunRequest(options),
    )
    return JSONResponse(
        {
            "document_id": str(document.id),
            "status": document.status.value,
            "status_url": url(request, f"/documents/{document.id}/state"),
            "document_url": url(request, f"/documents/{document.id}"),
        }
    )


@router.get("/documents/{document_id}/state")
async def state(document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep) -> Response:
    """The document's processing state, for the upload screen's progress."""
    document = await documents.get_document(uow.session, session.principal, document_id)
    return JSONResponse(
        {
            "status": document.status.value,
            "failure_reason": document.failure_reason,
            "title": document.title,
        }
    )
