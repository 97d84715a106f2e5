"""Documents: upload, list and search, read, edit (one or in bulk), notes, history,
trash, and signed URLs for a version's original or archive and the thumbnail.
(Versions and reprocessing: `routes/versions.py`.)"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response, status

from paless_shared.documents import bulk, editing, history, notes, uploads
from paless_shared.documents import service as documents
from paless_shared.documents import versions as document_versions
from paless_shared.platform.errors import InvalidInput, NotFound, PayloadTooLarge
from paless_shared.platform.ocr import check_languages
from paless_shared.search import service as search
from paless_web.delivery import RedirectQuery, signed_answer
from paless_web.deps import (
    ConfigDep,
    CurrentPrincipal,
    DeliveryDep,
    DocumentPagination,
    Pagination,
    StateDep,
    StorageDep,
    UnitOfWorkDep,
)
from paless_web.multipart import parse_streaming_form
from paless_web.presenters import present, present_notes, present_one
from paless_web.problems import responses
from paless_web.routes.document_filters import DocumentFilterDep
from paless_web.schemas.audit import AuditEvent, AuditPage
from paless_web.schemas.common import SignedUrl
from paless_web.schemas.documents import (
    BULK_EXAMPLES,
    BulkEdit,
    BulkResult,
    Document,
    DocumentPage,
    DocumentUpdate,
    Note,
    NoteCreate,
    NoteList,
)
from paless_web.schemas.versions import OCR_FORM_FIELDS, form_run_request

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
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": (
                                "A PDF or an image (JPEG, PNG, TIFF, WebP, GIF, BMP, "
                                "HEIC/HEIF), recognised by its content."
                            ),
                        },
                        "title": {
                            "type": "string",
                            "maxLength": 500,
                            "examples": ["November invoice"],
                        },
                        **OCR_FORM_FIELDS,
                    },
                }
            }
        },
    }
}


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
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    storage: StorageDep,
    config: ConfigDep,
    state: StateDep,
) -> Document:
    """Upload a PDF or an image (multipart field `file`, optional `title`, optional
    OCR settings `ocr_mode`, `ocr_languages`, `ocr_deskew`, `ocr_rotate_pages`,
    `ocr_clean`, `ocr_pdfa`, and `password` for an encrypted PDF).

    The type is recognised from the file's content (415 lists the accepted types);
    images become a PDF and are read by OCR. The file is streamed to storage as it
    arrives. The document is answered at once with status `pending`; poll it until
    `ready` or `failed`. For files over a few hundred MB, use a direct upload
    (`POST /api/v1/uploads`) instead.
    """
    max_bytes = config.delivery.max_upload_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > max_bytes + _FORM_OVERHEAD_BYTES:
        raise PayloadTooLarge(f"the file is larger than the limit of {max_bytes} bytes")

    # End the authentication transaction so no database connection is held while
    # the file streams in, which can take minutes (a named exception to "routes do
    # not commit": nothing has been written yet).
    await uow.session.commit()
    incoming = uploads.IncomingOriginal(storage, uuid.uuid4(), max_bytes)

    async def on_file_chunk(field: str, _filename: str, chunk: bytes) -> None:
        if field != "file":
            raise InvalidInput(f"unexpected file field {field!r}: send the PDF as 'file'")
        await incoming.write(chunk)

    try:
        form = await parse_streaming_form(
            request.headers.get("content-type", ""),
            request.stream(),
            on_file_chunk,
            # A chunked body has no length to check up front: held to the same limit.
            max_body_bytes=max_bytes + _FORM_OVERHEAD_BYTES,
        )
        if "file" not in form.files:
            raise InvalidInput("the form field 'file' is required")
        request_settings = form_run_request(form.fields)
        await check_languages(state.queue, request_settings.options)
        await incoming.finish()
    except BaseException:
        await incoming.abort()
        raise
    # The object is in S3 now: if the document's row does not commit, remove it.
    uow.undo_on_rollback(incoming.remove)
    document = await uploads.create_document(
        uow.session,
        uow.jobs,
        document_id=incoming.document_id,
        owner_id=principal.user_id,
        original_key=incoming.key,
        filename=form.files["file"],
        title=form.fields.get("title"),
        size_bytes=incoming.size,
        mime_type=incoming.mime_type,
        request=request_settings,
    )
    return await present_one(uow.session, principal, document)


@router.get(
    "",
    operation_id="documents_list",
    response_model=DocumentPage,
    responses=responses(401, 422),
)
async def list_documents(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    filters: DocumentFilterDep,
    page: DocumentPagination,
) -> DocumentPage:
    """Your documents, filtered and searched. Every filter combines with every other
    and with `q`. Follow `next_cursor` for the next page (with the same filters)."""
    found = await search.find_documents(
        uow.session, principal, filters, limit=page.limit, cursor=page.cursor, summaries=True
    )
    items = await present(uow.session, principal, found.documents, hits=found.hits)
    answer = DocumentPage(
        items=items, next_cursor=found.next_cursor, did_you_mean=found.did_you_mean
    )
    # Built and checked above: serialize once instead of validating it all again.
    return Response(answer.model_dump_json(), media_type="application/json")  # type: ignore[return-value]


@router.post(
    "/bulk_edit",
    operation_id="documents_bulk_edit",
    response_model=BulkResult,
    responses=responses(401, 403, 404, 409, 422),
)
async def bulk_edit(
    body: Annotated[BulkEdit, Body(openapi_examples=BULK_EXAMPLES)],
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> BulkResult:
    """One operation on many documents, in one transaction: if any document is not
    found (404) or not yours to change (403), nothing changes. Answers how many
    documents actually changed."""
    operation = bulk.BulkOperation(
        kind=body.operation,
        tags=getattr(body, "tags", ()),
        target=getattr(body, "correspondent", None)
        or getattr(body, "document_type", None)
        or getattr(body, "field", None),
        value=getattr(body, "value", None),
    )
    changed = await bulk.bulk_edit(uow.session, principal, body.documents, operation)
    return BulkResult(changed=changed)


@router.get(
    "/{document_id}",
    operation_id="documents_get",
    response_model=Document,
    responses=responses(401, 404, 422),
)
async def get_document(
    document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> Document:
    """One document with its extracted text, PDF metadata, tags, fields and notes."""
    document = await documents.get_document(uow.session, principal, document_id)
    return await present_one(uow.session, principal, document)


@router.patch(
    "/{document_id}",
    operation_id="documents_update",
    response_model=Document,
    responses=responses(401, 403, 404, 409, 422),
)
async def update_document(
    document_id: uuid.UUID,
    body: DocumentUpdate,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> Document:
    """Change title, document date, correspondent, type, archive serial number, tags or
    custom field values. Only the fields sent change; the change is in the audit log."""
    changes = body.model_dump(exclude_unset=True)
    for required in ("title", "created"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required}: cannot be null")
    if changes.get("tags") is None:
        changes.pop("tags", None)
    if changes.get("custom_fields") is None:
        changes.pop("custom_fields", None)
    document = await editing.update_document(uow.session, principal, document_id, changes)
    return await present_one(uow.session, principal, document)


@router.get(
    "/{document_id}/notes",
    operation_id="documents_notes_list",
    response_model=NoteList,
    responses=responses(401, 404, 422),
)
async def list_notes(
    document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> NoteList:
    """A document's notes, oldest first."""
    document = await documents.get_document(uow.session, principal, document_id)
    return NoteList(items=await present_notes(uow.session, principal, document))


@router.post(
    "/{document_id}/notes",
    operation_id="documents_notes_create",
    status_code=status.HTTP_201_CREATED,
    response_model=Note,
    responses=responses(401, 403, 404, 422),
)
async def add_note(
    document_id: uuid.UUID,
    body: NoteCreate,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> Note:
    """Add a note (searchable with `q`)."""
    note = await notes.add_note(uow.session, principal, document_id, body.text)
    return Note.model_validate(note)


@router.delete(
    "/{document_id}/notes/{note_id}",
    operation_id="documents_notes_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def delete_note(
    document_id: uuid.UUID,
    note_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> None:
    """Remove a note."""
    await notes.delete_note(uow.session, principal, document_id, note_id)


@router.get(
    "/{document_id}/history",
    operation_id="documents_history",
    response_model=AuditPage,
    responses=responses(401, 404, 422),
)
async def document_history(
    document_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    page: Pagination,
) -> AuditPage:
    """The document's audit log, newest first: created, updated (old → new), notes,
    downloads, shares, deletion.

    Shown as your access allows now: tags, custom fields, correspondents and document
    types you may not see are left out of the changes (an update that changed only
    those is not listed, so a page may hold fewer events than `limit`), and `client`
    addresses are shown only to the document's owner and to admins."""
    events = await history.document_history(
        uow.session, principal, document_id, limit=page.limit, cursor=page.cursor
    )
    return AuditPage(
        items=[AuditEvent.model_validate(event) for event in events.items],
        next_cursor=events.next_cursor,
    )


@router.delete(
    "/{document_id}",
    operation_id="documents_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def delete_document(
    document_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> None:
    """Move a document to the trash (`/api/v1/trash`), where it can be restored until it
    is purged, PALESS_EMPTY_TRASH_DAYS later or when the trash is emptied."""
    await documents.delete_document(uow.session, principal, document_id)


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
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    # The process's state rather than its delivery and config as dependencies of their
    # own: each dependency costs FastAPI a resolution per request.
    state: StateDep,
    redirect: RedirectQuery = True,
    disposition: Annotated[Literal["attachment", "inline"], Query()] = "attachment",
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    rendition: Annotated[Literal["original", "archive"] | None, Query()] = None,
) -> Any:
    """A file of the document, through a short-lived signed URL straight from storage:
    by default the current version's archive (the PDF with a text layer) when it has
    one, else its original as uploaded; `version` and `rendition` choose another.

    The original keeps its name (`Content-Disposition`, RFC 6266).
    """
    target = await document_versions.download(
        uow.session, principal, document_id, number=version, rendition=rendition
    )
    signed = await state.delivery.signed_url(
        target.key,
        filename=target.filename,
        content_type=target.content_type,
        disposition=disposition,
        expires_in=state.config.delivery.download_url_expiry_seconds,
    )
    return signed_answer(signed, redirect)


@router.get(
    "/{document_id}/thumbnail",
    operation_id="documents_thumbnail",
    response_model=SignedUrl,
    responses=_SIGNED_RESPONSES,
)
async def document_thumbnail(
    document_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
    redirect: RedirectQuery = True,
) -> Any:
    """A WebP image of the first page, through a short-lived signed URL.

    404 until the document has been processed.
    """
    document = await documents.get_document(uow.session, principal, document_id)
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
    return signed_answer(signed, redirect)
