"""Saved views in the UI: save the current filter, open a view, the sidebar's list with
counts, edit (name, filter, sort, display, where it shows), delete."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared.saved_views import service
from paless_shared.saved_views.params import FILTER_KEYS
from paless_shared.tables import SavedView
from paless_web.deps import UnitOfWorkDep
from paless_web.ui import grants
from paless_web.ui.render import render, url
from paless_web.ui.routes.documents import DISPLAYS, SORTS, query_string
from paless_web.ui.session import Session

router = APIRouter(include_in_schema=False)


@router.get("/views/sidebar")
async def sidebar(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """The sidebar's views with their counts (loaded after the page, so counting never
    slows a screen down)."""
    page = await service.list_views(uow.session, session.principal, limit=50, sidebar=True)
    counted = await service.with_counts(uow.session, session.principal, list(page.items))
    return render(request, "fragments/sidebar_views.html", {"views": counted})


@router.get("/views/{view_id}")
async def open_view(
    request: Request, view_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """The documents screen with the view's filter, sort and display."""
    view = await service.get_view(uow.session, session.principal, view_id)
    params = {
        key: value if isinstance(value, list) else [str(value)]
        for key, value in (view.filters or {}).items()
    }
    query = query_string(params, sort=view.sort, display=view.display, view=str(view.id))
    return RedirectResponse(url(request, f"/documents?{query}"), status_code=303)


@router.post("/views")
async def save_view(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """Save the documents screen's current filter, sort and display under a name."""
    form = await request.form()
    current = parse_qs(str(form.get("query") or ""), keep_blank_values=False)
    filters = {key: values for key, values in current.items() if key in FILTER_KEYS}
    view = await service.create_view(
        uow.session,
        session.principal,
        {
            "name": str(form.get("name") or ""),
            "filters": filters,
            "sort": current["sort"][0] if current.get("sort") else None,
            "display": current["display"][0] if current.get("display") else "table",
            "show_on_dashboard": form.get("show_on_dashboard") == "on",
            "show_in_sidebar": form.get("show_in_sidebar") == "on",
        },
    )
    return RedirectResponse(url(request, f"/views/{view.id}"), status_code=303)


def _filter_text(filters: dict[str, object] | None) -> str:
    params = {
        key: [str(item) for item in value] if isinstance(value, list) else [str(value)]
        for key, value in (filters or {}).items()
    }
    return query_string(params)


@router.get("/views/{view_id}/edit")
async def edit_view_form(
    request: Request, view_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    view = await service.get_view(uow.session, session.principal, view_id, for_change=True)
    return render(
        request,
        "manage/view_edit.html",
        {
            "session": session,
            "csrf": session.csrf,
            "view": view,
            "filter_text": _filter_text(view.filters),
            "sorts": SORTS,
            "displays": DISPLAYS,
            "grants": await grants.shown(uow.session, session.principal, SavedView, view.id),
            "permissions_action": url(request, f"/views/{view.id}/permissions"),
        },
    )


@router.post("/views/{view_id}/edit")
async def edit_view(
    request: Request, view_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """Change a view through the same service as `PATCH /api/v1/saved_views/{id}`. The
    filter is the documents screen's query string (`q=invoice&tags_all=…`); an unknown
    key is refused rather than dropped."""
    form = await request.form()
    raw = str(form.get("filters") or "").strip().lstrip("?")
    await service.update_view(
        uow.session,
        session.principal,
        view_id,
        {
            "name": str(form.get("name") or ""),
            "filters": parse_qs(raw, keep_blank_values=False),
            "sort": str(form.get("sort") or "") or None,
            "display": str(form.get("display") or "table"),
            "show_on_dashboard": form.get("show_on_dashboard") == "on",
            "show_in_sidebar": form.get("show_in_sidebar") == "on",
        },
    )
    return RedirectResponse(url(request, "/manage/views"), status_code=303)


@router.post("/views/{view_id}/update_filter")
async def update_view_filter(
    request: Request, view_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """Replace a view's filter, sort and display with the documents screen's current
    ones (offered on that screen when it was opened from a view one may change)."""
    form = await request.form()
    current = parse_qs(str(form.get("query") or ""), keep_blank_values=False)
    await service.update_view(
        uow.session,
        session.principal,
        view_id,
        {
            "filters": {key: values for key, values in current.items() if key in FILTER_KEYS},
            "sort": current["sort"][0] if current.get("sort") else None,
            "display": current["display"][0] if current.get("display") else "table",
        },
    )
    return RedirectResponse(url(request, f"/views/{view_id}"), status_code=303)


@router.post("/views/{view_id}/permissions")
async def set_permissions(
    request: Request, view_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    """Owner and grants by name, as `PUT /api/v1/saved_views/{id}/permissions`."""
    principal = session.principal
    await grants.save(uow.session, principal, SavedView, view_id, await request.form())
    if not await grants.still_visible(uow.session, principal, SavedView, view_id):
        return RedirectResponse(url(request, "/manage/views"), status_code=303)
    return RedirectResponse(url(request, f"/views/{view_id}/edit#permissions"), status_code=303)


@router.post("/views/{view_id}/delete")
async def delete_view(
    request: Request, view_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    await service.delete_view(uow.session, session.principal, view_id)
    return RedirectResponse(url(request, "/manage/views"), status_code=303)


@router.get("/manage/views")
async def manage_views(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    page = await service.list_views(uow.session, session.principal, limit=200)
    counted = await service.with_counts(uow.session, session.principal, list(page.items))
    return render(
        request,
        "manage/views.html",
        {"session": session, "csrf": session.csrf, "views": counted},
    )
