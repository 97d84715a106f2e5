from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared import models
from paless_shared.access import Principal
from paless_shared.errors import InvalidInput, NotFound, PayloadTooLarge
from paless_shared.models import DocumentStatus
from paless_shared.search import DocumentFilter, FieldCondition, SearchHit, Sort
from paless_shared.services import audit, editing
from paless_shared.services import documents as service
from paless_web.delivery import RedirectQuery, signed_answer
from paless_web.deps import ConfigDep, CurrentUser, DeliveryDep, StorageDep, UnitOfWorkDep
from paless_web.multipart import parse_streaming_form
from paless_web.problems import responses
from paless_web.schemas import (
    BULK_EXAMPLES,
    AuditEvent,
    AuditPage,
    BulkEdit,
    BulkResult,
    CustomFieldValue,
    Document,
    DocumentPage,
    DocumentSummary,
    DocumentUpdate,
    Note,
    NoteCreate,
    NoteList,
    SignedUrl,
)
from paless_web.schemas import SearchHit as SearchHitOut

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
                        "title": {
                            "type": "string",
                            "maxLength": 500,
                            "examples": ["November invoice"],
                        },
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
            request.headers.get("content-type", ""),
            request.stream(),
            on_file_chunk,
            # A chunked body has no length to check up front: held to the same limit.
            max_body_bytes=max_bytes + _FORM_OVERHEAD_BYTES,
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
        language=config.search.search_language,
    )
    return await present_one(uow.session, Principal.of(user), document)


IdList = Annotated[list[uuid.UUID], Query()]


@router.get(
    "",
    operation_id="documents_list",
    response_model=DocumentPage,
    responses=responses(401, 422),
)
async def list_documents(
    user: CurrentUser,
    uow: UnitOfWorkDep,
    config: ConfigDep,
    q: Annotated[
        str | None,
        Query(
            max_length=1000,
            description=(
                'Full-text search, web-search syntax: words, "exact phrase", -excluded, '
                "or. Searches title, text, notes, and tag/correspondent/type names."
            ),
        ),
    ] = None,
    title_like: Annotated[
        str | None,
        Query(max_length=200, description="Titles resembling this (typos tolerated)."),
    ] = None,
    tags_all: Annotated[list[uuid.UUID], Query(description="Has every one of these tags.")] = [],  # noqa: B006 - FastAPI copies defaults
    tags_any: Annotated[list[uuid.UUID], Query(description="Has at least one of these tags.")] = [],  # noqa: B006
    tags_none: Annotated[list[uuid.UUID], Query(description="Has none of these tags.")] = [],  # noqa: B006
    is_tagged: Annotated[
        bool | None, Query(description="false: documents without any tag.")
    ] = None,
    correspondent: Annotated[
        list[uuid.UUID], Query(description="Any of these correspondents.")
    ] = [],  # noqa: B006
    document_type: Annotated[
        list[uuid.UUID], Query(description="Any of these document types.")
    ] = [],  # noqa: B006
    created_after: Annotated[datetime | None, Query(description="created >= this")] = None,
    created_before: Annotated[datetime | None, Query(description="created < this")] = None,
    added_after: Annotated[datetime | None, Query(description="added >= this")] = None,
    added_before: Annotated[datetime | None, Query(description="added < this")] = None,
    status_: Annotated[list[DocumentStatus], Query(alias="status")] = [],  # noqa: B006
    custom_field: Annotated[
        list[str],
        Query(
            description=(
                "`<field id>:<operator>:<value>`; operators eq, gt, gte, lt, lte (numbers, "
                "dates, amounts), contains (text; a document id for links), exists "
                "(true/false). Repeat to combine."
            )
        ),
    ] = [],  # noqa: B006
    sort: Annotated[
        Sort | None,
        Query(description="Default: relevance when searching, else -added (newest first)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> DocumentPage:
    """Your documents, filtered and searched. Every filter combines with every other
    and with `q`. Follow `next_cursor` for the next page (with the same filters)."""
    filters = DocumentFilter(
        q=q.strip() if q and q.strip() else None,
        title_like=title_like.strip() if title_like and title_like.strip() else None,
        tags_all=tags_all,
        tags_any=tags_any,
        tags_none=tags_none,
        is_tagged=is_tagged,
        correspondent=correspondent,
        document_type=document_type,
        created_after=created_after,
        created_before=created_before,
        added_after=added_after,
        added_before=added_before,
        status=status_,
        custom_fields=[FieldCondition.parse(raw) for raw in custom_field],
        sort=sort,
    )
    found = await service.find_documents(
        uow.session,
        Principal.of(user),
        filters,
        language=config.search.search_language,
        limit=limit,
        cursor=cursor,
        rank_window=config.search.search_rank_window,
    )
    items = await present(uow.session, Principal.of(user), found.documents, hits=found.hits)
    page = DocumentPage(items=items, next_cursor=found.next_cursor)
    # Built and checked above: serialize once instead of validating it all again.
    return Response(page.model_dump_json(), media_type="application/json")  # type: ignore[return-value]


async def present(
    session: AsyncSession,
    principal: Principal,
    documents: Sequence[models.Document],
    *,
    hits: Mapping[uuid.UUID, SearchHit] | None = None,
) -> list[DocumentSummary]:
    """Documents as list items, with their tags and field values (one query each for
    the whole page)."""
    found = await editing.extras(session, principal, [document.id for document in documents])
    items = []
    for document in documents:
        extra = found.get(document.id) or editing.Extras()
        hit = (hits or {}).get(document.id)
        items.append(
            DocumentSummary.model_validate(document).model_copy(
                update={
                    "tags": extra.tags,
                    "custom_fields": [
                        CustomFieldValue.model_validate(value) for value in extra.custom_fields
                    ],
                    "search": SearchHitOut(score=hit.score, snippet=hit.snippet) if hit else None,
                }
            )
        )
    return items


async def present_one(
    session: AsyncSession, principal: Principal, document: models.Document
) -> Document:
    """A document with its text, metadata, tags, field values and notes."""
    extra = (await editing.extras(session, principal, [document.id], notes=True)).get(
        document.id
    ) or editing.Extras()
    return Document.model_validate(document).model_copy(
        update={
            "tags": extra.tags,
            "custom_fields": [CustomFieldValue.model_validate(v) for v in extra.custom_fields],
            "notes": [Note.model_validate(note) for note in extra.notes],
        }
    )


@router.post(
    "/bulk_edit",
    operation_id="documents_bulk_edit",
    response_model=BulkResult,
    responses=responses(401, 403, 404, 409, 422),
)
async def bulk_edit(
    body: Annotated[BulkEdit, Body(openapi_examples=BULK_EXAMPLES)],
    user: CurrentUser,
    uow: UnitOfWorkDep,
    config: ConfigDep,
) -> BulkResult:
    """One operation on many documents, in one transaction: if any document is not
    found (404) or not yours to change (403), nothing changes. Answers how many
    documents actually changed."""
    operation = editing.BulkOperation(
        kind=body.operation,
        tags=getattr(body, "tags", ()),
        target=getattr(body, "correspondent", None)
        or getattr(body, "document_type", None)
        or getattr(body, "field", None),
        value=getattr(body, "value", None),
    )
    changed = await editing.bulk_edit(
        uow.session,
        Principal.of(user),
        body.documents,
        operation,
        language=config.search.search_language,
    )
    return BulkResult(changed=changed)


@router.get(
    "/{document_id}",
    operation_id="documents_get",
    response_model=Document,
    responses=responses(401, 404, 422),
)
async def get_document(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> Document:
    """One document with its extracted text, PDF metadata, tags, fields and notes."""
    document = await service.get_document(uow.session, Principal.of(user), document_id)
    return await present_one(uow.session, Principal.of(user), document)


@router.patch(
    "/{document_id}",
    operation_id="documents_update",
    response_model=Document,
    responses=responses(401, 403, 404, 409, 422),
)
async def update_document(
    document_id: uuid.UUID,
    body: DocumentUpdate,
    user: CurrentUser,
    uow: UnitOfWorkDep,
    config: ConfigDep,
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
    document = await editing.update_document(
        uow.session,
        Principal.of(user),
        document_id,
        changes,
        language=config.search.search_language,
    )
    return await present_one(uow.session, Principal.of(user), document)


@router.get(
    "/{document_id}/notes",
    operation_id="documents_notes_list",
    response_model=NoteList,
    responses=responses(401, 404, 422),
)
async def list_notes(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> NoteList:
    """A document's notes, oldest first."""
    document = await service.get_document(uow.session, Principal.of(user), document_id)
    extra = (await editing.extras(uow.session, Principal.of(user), [document.id], notes=True)).get(
        document.id
    )
    return NoteList(items=[Note.model_validate(note) for note in (extra.notes if extra else [])])


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
    user: CurrentUser,
    uow: UnitOfWorkDep,
    config: ConfigDep,
) -> Note:
    """Add a note (searchable with `q`)."""
    note = await editing.add_note(
        uow.session,
        Principal.of(user),
        document_id,
        body.text,
        language=config.search.search_language,
    )
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
    user: CurrentUser,
    uow: UnitOfWorkDep,
    config: ConfigDep,
) -> None:
    """Remove a note."""
    await editing.delete_note(
        uow.session,
        Principal.of(user),
        document_id,
        note_id,
        language=config.search.search_language,
    )


@router.get(
    "/{document_id}/history",
    operation_id="documents_history",
    response_model=AuditPage,
    responses=responses(401, 404, 422),
)
async def document_history(
    document_id: uuid.UUID,
    user: CurrentUser,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> AuditPage:
    """The document's audit log, newest first: created, updated (old → new), notes,
    downloads, shares, deletion."""
    await service.get_document(uow.session, Principal.of(user), document_id)
    page = await audit.list_events(uow.session, limit=limit, cursor=cursor, document_id=document_id)
    return AuditPage(
        items=[AuditEvent.model_validate(event) for event in page.items],
        next_cursor=page.next_cursor,
    )


@router.delete(
    "/{document_id}",
    operation_id="documents_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def delete_document(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> None:
    """Move a document to the trash (`/api/v1/trash`), where it can be restored until it
    is purged, PALESS_EMPTY_TRASH_DAYS later or when the trash is emptied."""
    await service.delete_document(uow.session, Principal.of(user), document_id)


@router.post(
    "/{document_id}/reprocess",
    operation_id="documents_reprocess",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Document,
    responses=responses(401, 403, 404, 409, 422),
)
async def reprocess_document(
    document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep
) -> Document:
    """Process a `ready` or `failed` document again from its original (409 while it is
    still pending or processing). Follow it with `GET /api/v1/tasks?document_id=`."""
    document = await service.reprocess_document(
        uow.session, uow.jobs, Principal.of(user), document_id
    )
    return await present_one(uow.session, Principal.of(user), document)


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
    principal = Principal.of(user)
    document = await service.get_document(uow.session, principal, document_id)
    await audit.record(
        uow.session,
        principal,
        "document.downloaded",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
    )
    signed = await delivery.signed_url(
        document.original_key,
        filename=document.original_filename,
        content_type=document.mime_type,
        disposition=disposition,
        expires_in=config.delivery.download_url_expiry_seconds,
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
    user: CurrentUser,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
    redirect: RedirectQuery = True,
) -> Any:
    """A WebP image of the first page, through a short-lived signed URL.

    404 until the document has been processed.
    """
    document = await service.get_document(uow.session, Principal.of(user), document_id)
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
