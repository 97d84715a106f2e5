"""Saved views: a named document filter, sort and display, with document counts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from paless_shared.saved_views import service
from paless_shared.tables import SavedView as SavedViewRow
from paless_web.deps import CurrentPrincipal, LongPagination, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.saved_views import (
    SavedView,
    SavedViewCreate,
    SavedViewPage,
    SavedViewUpdate,
)

router = APIRouter(prefix="/saved_views", tags=["saved_views"])


def _out(view: SavedViewRow, count: int | None = None) -> SavedView:
    return SavedView.model_validate(view).model_copy(update={"document_count": count})


@router.get(
    "",
    operation_id="saved_views_list",
    response_model=SavedViewPage,
    responses=responses(401, 422),
)
async def list_saved_views(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    page: LongPagination,
    sidebar: Annotated[
        bool | None, Query(description="Only views shown in the sidebar (or not).")
    ] = None,
    dashboard: Annotated[
        bool | None, Query(description="Only views on the dashboard (or not).")
    ] = None,
    counts: Annotated[bool, Query(description="Count each view's documents.")] = False,
) -> SavedViewPage:
    """The saved views you own or were granted, by name."""
    found = await service.list_views(
        uow.session,
        principal,
        limit=page.limit,
        cursor=page.cursor,
        sidebar=sidebar,
        dashboard=dashboard,
    )
    views = list(found.items)
    if counts:
        items = [
            _out(counted.view, counted.document_count)
            for counted in await service.with_counts(uow.session, principal, views)
        ]
    else:
        items = [_out(view) for view in views]
    return SavedViewPage(items=items, next_cursor=found.next_cursor)


@router.post(
    "",
    operation_id="saved_views_create",
    status_code=status.HTTP_201_CREATED,
    response_model=SavedView,
    responses=responses(401, 422),
)
async def create_saved_view(
    body: SavedViewCreate, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> SavedView:
    """Save a filter, sort and display under a name. The filters are checked as the
    document list would check them (422 names the bad one)."""
    view = await service.create_view(uow.session, principal, body.model_dump())
    return _out(view)


@router.get(
    "/{saved_view_id}",
    operation_id="saved_views_get",
    response_model=SavedView,
    responses=responses(401, 404, 422),
)
async def get_saved_view(
    saved_view_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> SavedView:
    """One saved view, with how many of its documents you see."""
    view = await service.get_view(uow.session, principal, saved_view_id)
    [counted] = await service.with_counts(uow.session, principal, [view])
    return _out(view, counted.document_count)


@router.patch(
    "/{saved_view_id}",
    operation_id="saved_views_update",
    response_model=SavedView,
    responses=responses(401, 403, 404, 422),
)
async def update_saved_view(
    saved_view_id: uuid.UUID,
    body: SavedViewUpdate,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
) -> SavedView:
    """Change the fields sent. Only the owner, an admin or a holder of `change` may."""
    changes = body.model_dump(exclude_unset=True)
    for required in ("name", "filters", "display", "show_on_dashboard", "show_in_sidebar"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    view = await service.update_view(uow.session, principal, saved_view_id, changes)
    return _out(view)


@router.delete(
    "/{saved_view_id}",
    operation_id="saved_views_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def delete_saved_view(
    saved_view_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> None:
    """Delete the view (its documents stay as they are)."""
    await service.delete_view(uow.session, principal, saved_view_id)
