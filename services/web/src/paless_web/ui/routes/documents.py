"""The dashboard, the documents screen (filters, search, sort, table or thumbnails,
infinite scroll over the cursor) and bulk editing."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared.documents import bulk
from paless_shared.documents import service as documents
from paless_shared.documents.read import extras
from paless_shared.platform.errors import Forbidden, InvalidInput, NotFound
from paless_shared.saved_views import service as saved_views
from paless_shared.saved_views.params import FILTER_KEYS, parse_filter
from paless_shared.search import service as search
from paless_shared.search.filters import Sort
from paless_shared.tables import DocumentStatus, SavedView
from paless_web.deps import ConfigDep, DeliveryDep, UnitOfWorkDep
from paless_web.ui.lookups import choices
from paless_web.ui.render import is_htmx, render, url
from paless_web.ui.session import Session

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
DISPLAYS = ("table", "thumbnails")
SORTS = [
    ("", "Default (newest, or relevance when searching)"),
    (Sort.added_desc.value, "Added, newest first"),
    (Sort.added.value, "Added, oldest first"),
    (Sort.created_desc.value, "Document date, newest first"),
    (Sort.created.value, "Document date, oldest first"),
    (Sort.title_asc.value, "Title, A to Z"),
    (Sort.title_desc.value, "Title, Z to A"),
    (Sort.relevance.value, "Relevance"),
]
# Bulk operations offered on the documents screen: (form value, label).
BULK_ACTIONS = [
    ("add_tags", "Add tag"),
    ("remove_tags", "Remove tag"),
    ("set_correspondent", "Set correspondent"),
    ("set_document_type", "Set document type"),
    ("delete", "Move to trash"),
]


def list_params(request: Request) -> dict[str, list[str]]:
    """The filter parameters of this request that carry a value."""
    params: dict[str, list[str]] = {}
    for key in FILTER_KEYS:
        values = [value for value in request.query_params.getlist(key) if value.strip()]
        if values:
            params[key] = values
    return params


def query_string(params: dict[str, list[str]], **extra: str | None) -> str:
    pairs = [(key, value) for key, values in sorted(params.items()) for value in values]
    pairs += [(key, value) for key, value in extra.items() if value]
    return urlencode(pairs)


async def _results(
    request: Request, session: Session, uow: UnitOfWorkDep, *, cursor: str | None
) -> dict[str, Any]:
    params = list_params(request)
    sort = request.query_params.get("sort") or None
    display = request.query_params.get("display")
    display = display if display in DISPLAYS else "table"
    error = None
    try:
        filters = parse_filter(params, sort)
        found = await search.find_documents(
            uow.session, session.principal, filters, limit=PAGE_SIZE, cursor=cursor
        )
    except InvalidInput as exc:
        error = exc.detail
        found = None
    rows = list(found.documents) if found else []
    extra = await extras(uow.session, session.principal, [row.id for row in rows])
    base = query_string(params, sort=sort, display=display)
    return {
        "documents": rows,
        "extras": extra,
        "hits": found.hits if found else {},
        "next_url": url(request, f"/documents/rows?{base}&cursor={found.next_cursor}")
        if found and found.next_cursor
        else None,
        "params": params,
        "sort": sort or "",
        "display": display,
        "query": base,
        "error": error,
        "searching": bool(params.get("q")),
    }


async def _current_view(request: Request, session: Session, uow: UnitOfWorkDep) -> SavedView | None:
    """The saved view the screen was opened from, when this user may change it (the
    screen then offers to update it with the filter as it is now)."""
    try:
        view_id = uuid.UUID(request.query_params.get("view") or "")
    except ValueError:
        return None
    try:
        return await saved_views.get_view(uow.session, session.principal, view_id, for_change=True)
    except (NotFound, Forbidden):
        return None


@router.get("/documents")
async def documents_screen(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    context = await _results(request, session, uow, cursor=None)
    context |= {
        "session": session,
        "csrf": session.csrf,
        "current_view": await _current_view(request, session, uow),
        "choices": await choices(uow.session, session.principal),
        "sorts": SORTS,
        "statuses": list(DocumentStatus),
        "bulk_actions": BULK_ACTIONS,
    }
    if is_htmx(request) and request.headers.get("hx-target") == "results":
        return render(request, "fragments/results.html", context)
    return render(request, "documents.html", context)


@router.get("/documents/rows")
async def more_rows(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """The next page of the list (infinite scroll): rows or cards to append."""
    cursor = request.query_params.get("cursor")
    context = await _results(request, session, uow, cursor=cursor)
    context |= {"choices": await choices(uow.session, session.principal)}
    return render(request, "fragments/rows.html", context)


def _ids(values: list[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        raise InvalidInput("documents: not a document id") from None


@router.post("/documents/bulk")
async def bulk_edit(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """One operation on the selected documents, then the list again."""
    form = await request.form()
    selected = _ids([str(value) for value in form.getlist("documents")])
    action = str(form.get("action") or "")
    target = str(form.get("target") or "")
    if not selected:
        raise InvalidInput("select at least one document")
    if action not in dict(BULK_ACTIONS):
        raise InvalidInput("choose what to do with the selected documents")
    target_id = _ids([target])[0] if target else None
    is_tags = action.endswith("_tags")
    if is_tags and target_id is None:
        raise InvalidInput("choose a tag")
    operation = bulk.BulkOperation(
        kind=action,
        tags=[target_id] if is_tags and target_id else (),
        target=None if is_tags else target_id,
    )
    changed = await bulk.bulk_edit(uow.session, session.principal, selected, operation)
    if action == "delete":
        message = f"Moved {changed} document(s) to the trash."
    else:
        message = f"Changed {changed} of {len(selected)} document(s)."
    query = str(form.get("query") or "")
    notice = urlencode({"notice": message})
    target = url(request, f"/documents?{query}&{notice}" if query else f"/documents?{notice}")
    # The list again, with the same filters (htmx loads the page).
    return Response(status_code=204, headers={"HX-Redirect": target})


@router.get("/")
async def dashboard(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """Saved views marked for the dashboard, each with its count and newest documents."""
    page = await saved_views.list_views(uow.session, session.principal, limit=50, dashboard=True)
    cards = []
    for counted in await saved_views.with_counts(uow.session, session.principal, list(page.items)):
        try:
            found = await search.find_documents(
                uow.session, session.principal, saved_views.view_filter(counted.view), limit=5
            )
            recent = list(found.documents)
        except InvalidInput:
            recent = []
        cards.append({"view": counted.view, "count": counted.document_count, "recent": recent})
    recent_documents = await search.find_documents(
        uow.session, session.principal, parse_filter({}), limit=10
    )
    return render(
        request,
        "dashboard.html",
        {
            "session": session,
            "csrf": session.csrf,
            "cards": cards,
            "recent": recent_documents.documents,
        },
    )


@router.get("/documents/{document_id}/thumbnail")
async def thumbnail(
    request: Request,
    document_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
) -> Response:
    """307 to a signed URL of the thumbnail (bytes go from storage to the browser)."""
    document = await documents.get_document(uow.session, session.principal, document_id)
    if document.thumbnail_key is None:
        return RedirectResponse(url(request, "/static/placeholder.svg"), status_code=307)
    signed = await delivery.signed_url(
        document.thumbnail_key,
        filename="thumbnail.webp",
        content_type="image/webp",
        disposition="inline",
        expires_in=config.delivery.download_url_expiry_seconds,
    )
    return RedirectResponse(
        signed.url, status_code=307, headers={"Cache-Control": "private, max-age=60"}
    )
