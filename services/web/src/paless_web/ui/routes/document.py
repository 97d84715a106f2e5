"""One document: preview from a signed URL, metadata edited in place, notes, history,
share links, permissions, reprocess, and a status that refreshes itself."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared import tables
from paless_shared.audit import service as audit
from paless_shared.documents import editing, notes
from paless_shared.documents import service as documents
from paless_shared.documents import versions as document_versions
from paless_shared.documents.read import Extras, extras
from paless_shared.platform.errors import Forbidden, InvalidInput
from paless_shared.platform.ocr import MODES, OcrOptions, check_languages
from paless_shared.sharing import service as sharing
from paless_shared.tables import CustomFieldType, DocumentStatus
from paless_shared.versions.service import RunRequest
from paless_web.deps import ConfigDep, DeliveryDep, StateDep, UnitOfWorkDep
from paless_web.ui import grants
from paless_web.ui.lookups import choices
from paless_web.ui.render import render, url
from paless_web.ui.session import Session, UiSession

router = APIRouter(include_in_schema=False)

BUSY = (DocumentStatus.pending, DocumentStatus.processing)


async def _changeable(uow: UnitOfWorkDep, session: UiSession, document_id: uuid.UUID) -> bool:
    try:
        await documents.get_document(uow.session, session.principal, document_id, for_change=True)
    except Forbidden:
        return False
    return True


async def _context(
    request: Request,
    session: UiSession,
    uow: UnitOfWorkDep,
    document_id: uuid.UUID,
    delivery: DeliveryDep,
    config: ConfigDep,
) -> dict[str, Any]:
    principal = session.principal
    document = await documents.get_document(uow.session, principal, document_id)
    extra = (await extras(uow.session, principal, [document.id], notes=True)).get(
        document.id
    ) or Extras()
    preview = None
    if document.status is DocumentStatus.ready:
        preview = await delivery.signed_url(
            document.original_key,
            filename=document.original_filename,
            content_type=document.mime_type,
            disposition="inline",
            expires_in=config.delivery.download_url_expiry_seconds,
        )
    history = await audit.list_events(uow.session, limit=20, cursor=None, document_id=document.id)
    return {
        "session": session,
        "csrf": session.csrf,
        "document": document,
        "extra": extra,
        "preview": preview,
        "changeable": await _changeable(uow, session, document.id),
        "choices": await choices(uow.session, principal),
        "history": history.items,
        "links": await sharing.list_links(uow.session, principal, document.id),
        "grants": await grants.shown(uow.session, principal, tables.Document, document.id),
        "permissions_action": url(request, f"/documents/{document.id}/permissions"),
        "busy": document.status in BUSY,
        "versions": (await document_versions.list_versions(uow.session, principal, document.id))[1],
        "ocr_modes": MODES,
    }


@router.get("/documents/{document_id}")
async def document_screen(
    request: Request,
    document_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
) -> Response:
    context = await _context(request, session, uow, document_id, delivery, config)
    return render(request, "document.html", context)


@router.get("/documents/{document_id}/status")
async def document_status(
    request: Request, document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """The status badge; polled while the document is pending or processing. When it
    settles, the page reloads to show the preview (or the reason it failed)."""
    document = await documents.get_document(uow.session, session.principal, document_id)
    busy = document.status in BUSY
    was_busy = request.query_params.get("busy") == "1"
    headers = {"HX-Refresh": "true"} if was_busy and not busy else None
    return render(
        request,
        "fragments/status.html",
        {"document": document, "busy": busy},
        headers=headers,
    )


def _field_value(data_type: CustomFieldType, raw: str) -> Any:
    if data_type is CustomFieldType.boolean:
        return raw == "true"
    if data_type is CustomFieldType.integer:
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{raw!r} is not a whole number") from None
    if data_type is CustomFieldType.float:
        try:
            return float(raw)
        except ValueError:
            raise InvalidInput(f"{raw!r} is not a number") from None
    return raw


@router.post("/documents/{document_id}/edit")
async def edit_document(
    request: Request,
    document_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
) -> Response:
    """Save the metadata form; answers the metadata section again."""
    form = await request.form()

    def optional_id(name: str) -> uuid.UUID | None:
        value = str(form.get(name) or "")
        try:
            return uuid.UUID(value) if value else None
        except ValueError:
            raise InvalidInput(f"{name}: not a valid choice") from None

    title = str(form.get("title") or "").strip()
    if not title:
        raise InvalidInput("title: required")
    asn = str(form.get("archive_serial_number") or "").strip()
    created = str(form.get("created") or "").strip()
    changes: dict[str, Any] = {
        "title": title[:500],
        "correspondent": optional_id("correspondent"),
        "document_type": optional_id("document_type"),
        "archive_serial_number": int(asn) if asn.isdigit() else None,
        "tags": [uuid.UUID(str(tag)) for tag in form.getlist("tags") if str(tag)],
    }
    if asn and not asn.isdigit():
        raise InvalidInput("archive serial number: a whole number")
    if created:
        try:
            changes["created"] = date.fromisoformat(created)
        except ValueError:
            raise InvalidInput("date: YYYY-MM-DD") from None
    current = (await extras(uow.session, session.principal, [document_id])).get(document_id)
    fields = {
        field.id: field for field in (await choices(uow.session, session.principal)).custom_fields
    }
    values = []
    for value in current.custom_fields if current else []:
        field = fields.get(value["field"])
        raw = form.get(f"field:{value['field']}")
        if field is None or field.data_type is CustomFieldType.documentlink or raw is None:
            values.append({"field": value["field"], "value": value["value"]})
        elif str(raw).strip():
            values.append({"field": field.id, "value": _field_value(field.data_type, str(raw))})
    changes["custom_fields"] = values
    await editing.update_document(uow.session, session.principal, document_id, changes)
    context = await _context(request, session, uow, document_id, delivery, config)
    return render(request, "fragments/metadata.html", {**context, "saved": True})


@router.post("/documents/{document_id}/notes")
async def add_note(
    request: Request, document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    text = str((await request.form()).get("text") or "").strip()
    if not text:
        raise InvalidInput("the note is empty")
    await notes.add_note(uow.session, session.principal, document_id, text[:10000])
    return _notes_answer(request, document_id)


@router.post("/documents/{document_id}/notes/{note_id}/delete")
async def delete_note(
    request: Request,
    document_id: uuid.UUID,
    note_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
) -> Response:
    await notes.delete_note(uow.session, session.principal, document_id, note_id)
    return _notes_answer(request, document_id)


def _notes_answer(request: Request, document_id: uuid.UUID) -> Response:
    # The page again (notes, history and search text all changed).
    return RedirectResponse(url(request, f"/documents/{document_id}#notes"), status_code=303)


@router.post("/documents/{document_id}/share")
async def share(
    request: Request, document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    await sharing.create_link(uow.session, session.principal, document_id, expires_at=None)
    return RedirectResponse(url(request, f"/documents/{document_id}#sharing"), status_code=303)


@router.post("/documents/{document_id}/share_links/{link_id}/revoke")
async def revoke_link(
    request: Request,
    document_id: uuid.UUID,
    link_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
) -> Response:
    await sharing.revoke_link(uow.session, session.principal, link_id)
    return RedirectResponse(url(request, f"/documents/{document_id}#sharing"), status_code=303)


@router.post("/documents/{document_id}/permissions")
async def set_permissions(
    request: Request, document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """Replace the owner and the grants, named by username and group name, through the
    same service as `PUT /api/v1/documents/{id}/permissions` (owner or admin only)."""
    principal = session.principal
    await grants.save(uow.session, principal, tables.Document, document_id, await request.form())
    if not await grants.still_visible(uow.session, principal, tables.Document, document_id):
        return RedirectResponse(url(request, "/documents"), status_code=303)  # given away
    return RedirectResponse(url(request, f"/documents/{document_id}#permissions"), status_code=303)


async def ocr_options(fields: Any, state: StateDep) -> OcrOptions:
    """OCR settings from the reprocess or upload form (`ocr_mode`, `ocr_languages`,
    `ocr_deskew`, `ocr_rotate_pages`, `ocr_clean`; empty: the server's default),
    checked as the API checks them."""
    values: dict[str, Any] = {}
    if fields.get("ocr_mode"):
        values["mode"] = str(fields.get("ocr_mode"))
    if str(fields.get("ocr_languages") or "").strip():
        values["languages"] = str(fields.get("ocr_languages"))
    for name in ("deskew", "rotate_pages", "clean"):
        raw = str(fields.get(f"ocr_{name}") or "")
        if raw in ("true", "false"):
            values[name] = raw == "true"
    options = OcrOptions.from_mapping(values)
    await check_languages(state.queue, options)
    return options


@router.post("/documents/{document_id}/reprocess")
async def reprocess(
    request: Request,
    document_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    state: StateDep,
) -> Response:
    """Process the current version again, with the OCR settings chosen (those left at
    "default" are the server's), as `POST /api/v1/documents/{id}/reprocess`."""
    options = await ocr_options(await request.form(), state)
    await documents.reprocess_document(
        uow.session, uow.jobs, session.principal, document_id, RunRequest(options)
    )
    return RedirectResponse(url(request, f"/documents/{document_id}"), status_code=303)


@router.post("/documents/{document_id}/versions/{number}/restore")
async def restore_version(
    request: Request, document_id: uuid.UUID, number: int, session: Session, uow: UnitOfWorkDep
) -> Response:
    if not 1 <= number <= 1_000_000:
        raise InvalidInput("version: a number from 1")
    await document_versions.restore_version(uow.session, session.principal, document_id, number)
    return RedirectResponse(url(request, f"/documents/{document_id}#versions"), status_code=303)


@router.post("/documents/{document_id}/delete")
async def delete(
    request: Request, document_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    await documents.delete_document(uow.session, session.principal, document_id)
    return RedirectResponse(url(request, "/documents"), status_code=303)


@router.get("/documents/{document_id}/download")
async def download(
    request: Request,
    document_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
) -> Response:
    """307 to a signed URL of a version's original or archive (the current version's
    archive, else its original, by default); recorded in the history."""
    raw_version = request.query_params.get("version")
    rendition = request.query_params.get("rendition")
    if raw_version is not None and not (raw_version.isdigit() and 1 <= int(raw_version) <= 10**6):
        raise InvalidInput("version: a number from 1")
    if rendition not in (None, "original", "archive"):
        raise InvalidInput("rendition: original or archive")
    target = await document_versions.download(
        uow.session,
        session.principal,
        document_id,
        number=int(raw_version) if raw_version else None,
        rendition=rendition,  # type: ignore[arg-type]
    )
    signed = await delivery.signed_url(
        target.key,
        filename=target.filename,
        content_type=target.content_type,
        disposition="attachment",
        expires_in=config.delivery.download_url_expiry_seconds,
    )
    return RedirectResponse(signed.url, status_code=307, headers={"Cache-Control": "no-store"})
