from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from paless_shared.errors import InvalidInput, NotFound, PayloadTooLarge
from paless_shared.services import documents as service
from paless_shared.storage import PresignedUrl
from paless_web.deps import ConfigDep, CurrentUser, DeliveryDep, StorageDep, UnitOfWorkDep
from paless_web.multipart import parse_streaming_form
from paless_web.problems import responses
from paless_web.schemas import Document, DocumentPage, DocumentSummary, SignedUrl

router = APIRouter(prefix="/documents", tags=["documents"])

# Room for multipart boundaries and small fields on top of the file itself.
_FORM_OVERHEAD_BYTES = 64 * 1024

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "title": "DocumentUpload",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "A PDF."},
                        "title": {"type": "string", "maxLength": 500},
                    },
                }
            }
        },
    }
}

RedirectQuery = Annotated[
    bool,
    Query(description="true: answer 307 to the signed URL; false: return it as JSON."),
]


@router.post(
    "",
    operation_id="documents_upload",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Document,
    responses=responses(401, 413, 415, 422),
    openapi_extra=_UPLOAD_BODY,
)
async def upload_document(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWorkDep,
    storage: StorageDep,
    config: ConfigDep,
) -> Document:
    """Upload a PDF (multipart field `file`, optional `title`).

    The file is streamed to storage as it arrives. The document is answered at once
    with status `pending`; poll it until `ready` or `failed`. For files over a few
    hundred MB, use a direct upload (`POST /api/v1/uploads`) instead.
    """
    max_bytes = config.delivery.max_upload_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > max_bytes + _FORM_OVERHEAD_BYTES:
        raise PayloadTooLarge(f"the file is larger than the limit of {max_bytes} bytes")

    # End the authentication transaction so no database connection is held while
    # the file streams in, which can take minutes.
    await uow.session.commit()
    incoming = service.IncomingOriginal(storage, uuid.uuid4(), max_bytes)

    async def on_file_chunk(field: str, _filename: str, chunk: bytes) -> None:
        if field != "file":
            raise InvalidInput(f"unexpected file field {field!r}: send the PDF as 'file'")
        await incoming.write(chunk)

    try:
        form = await parse_streaming_form(
            request.headers.get("content-type", ""), request.stream(), on_file_chunk
        )
        if "file" not in form.files:
            raise InvalidInput("the form field 'file' is required")
        await incoming.finish()
    except BaseException:
        await incoming.abort()
        raise
    document = await service.create_document(
        uow.session,
        uow.jobs,
        document_id=incoming.document_id,
        owner_id=user.id,
        original_key=incoming.key,
        filename=form.files["file"],
        title=form.fields.get("title"),
        size_bytes=incoming.size,
    )
    return Document.model_validate(document)


@router.get(
    "",
    operation_id="documents_list",
    response_model=DocumentPage,
    responses=responses(401, 422),
)
async def list_documents(
    user: CurrentUser,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> DocumentPage:
    """Your documents, newest first. Follow `next_cursor` for the next page."""
    page = await service.list_documents(uow.session, user.id, limit=limit, cursor=cursor)
    return DocumentPage(
        items=[DocumentSummary.model_validate(item) for item in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/{document_id}",
    operation_id="documents_get",
    response_model=Document,
    responses=responses(401, 404, 422),
)
async def get_document(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> Document:
    """One document with its extracted text and PDF metadata."""
    return Document.model_validate(await service.get_document(uow.session, user.id, document_id))


@router.delete(
    "/{document_id}",
    operation_id="documents_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 404, 422),
)
async def delete_document(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> None:
    """Move a document to the trash (`/api/v1/trash`), where it can be restored until it
    is purged, PALESS_EMPTY_TRASH_DAYS later or when the trash is emptied."""
    await service.delete_document(uow.session, user.id, document_id)


@router.post(
    "/{document_id}/reprocess",
    operation_id="documents_reprocess",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Document,
    responses=responses(401, 404, 409, 422),
)
async def reprocess_document(
    document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep
) -> Document:
    """Process a `ready` or `failed` document again from its original (409 while it is
    still pending or processing). Follow it with `GET /api/v1/tasks?document_id=`."""
    document = await service.reprocess_document(uow.session, uow.jobs, user.id, document_id)
    return Document.model_validate(document)


def _signed_answer(signed: PresignedUrl, redirect: bool) -> Any:
    if redirect:
        return RedirectResponse(
            signed.url,
            status_code=status.HTTP_307_TEMPORARY_REDIRECT,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
    return SignedUrl(url=signed.url, expires_at=signed.expires_at)


_SIGNED_RESPONSES: dict[int | str, dict[str, Any]] = {
    307: {"description": "Redirect to the signed URL (the default)."},
    **responses(401, 404, 422),
}


@router.get(
    "/{document_id}/download",
    operation_id="documents_download",
    response_model=SignedUrl,
    responses=_SIGNED_RESPONSES,
)
async def download_document(
    document_id: uuid.UUID,
    user: CurrentUser,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
    redirect: RedirectQuery = True,
    disposition: Annotated[Literal["attachment", "inline"], Query()] = "attachment",
) -> Any:
    """The original file, through a short-lived signed URL straight from storage.

    The file keeps its original name (`Content-Disposition`, RFC 6266).
    """
    document = await service.get_document(uow.session, user.id, document_id)
    signed = await delivery.signed_url(
        document.original_key,
        filename=document.original_filename,
        content_type=document.mime_type,
        disposition=disposition,
        expires_in=config.delivery.download_url_expiry_seconds,
    )
    return _signed_answer(signed, redirect)


@router.get(
    "/{document_id}/thumbnail",
    operation_id="documents_thumbnail",
    response_model=SignedUrl,
    responses=_SIGNED_RESPONSES,
)
async def document_thumbnail(
    document_id: uuid.UUID,
    user: CurrentUser,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
    redirect: RedirectQuery = True,
) -> Any:
    """A WebP image of the first page, through a short-lived signed URL.

    404 until the document has been processed.
    """
    document = await service.get_document(uow.session, user.id, document_id)
    if document.thumbnail_key is None:
        raise NotFound(f"document {document_id} has no thumbnail (status: {document.status})")
    stem = document.original_filename.rsplit(".", 1)[0]
    signed = await delivery.signed_url(
        document.thumbnail_key,
        filename=f"{stem}.webp",
        content_type="image/webp",
        disposition="inline",
        expires_in=config.delivery.download_url_expiry_seconds,
    )
    return _signed_answer(signed, redirect)
