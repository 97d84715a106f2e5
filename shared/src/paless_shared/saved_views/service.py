"""Creating, listing, changing and deleting saved views, and counting their documents.

A view's owner and admins may change it; grants give others `view` (see and use it) or
`change`. Its filters are the document list's parameters, checked when saved; a view
whose tags or fields later disappear shows what remains visible (an unknown id filters
to nothing, as in the list)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.service import forget_objects
from paless_shared.audit.service import record
from paless_shared.platform.errors import Forbidden, InvalidInput, NotFound
from paless_shared.platform.pagination import Page, decode_name_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.saved_views import queries
from paless_shared.saved_views.params import clean_params, parse_filter, parse_sort
from paless_shared.search.filters import DocumentFilter
from paless_shared.search.service import count_documents
from paless_shared.tables import SavedView

DISPLAYS = ("table", "thumbnails")
EDITABLE = ("name", "filters", "sort", "display", "show_on_dashboard", "show_in_sidebar")


@dataclass(frozen=True)
class CountedView:
    view: SavedView
    document_count: int


async def list_views(
    session: AsyncSession,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None = None,
    sidebar: bool | None = None,
    dashboard: bool | None = None,
) -> Page[SavedView]:
    """Views the principal may see, by name."""
    rows = await queries.list_visible(
        session,
        principal,
        limit=limit + 1,
        after=decode_name_cursor(cursor) if cursor else None,
        sidebar=sidebar,
        dashboard=dashboard,
    )
    return split_page(rows, limit, lambda view: (view.name, view.id))


async def get_view(
    session: AsyncSession, principal: Principal, view_id: uuid.UUID, *, for_change: bool = False
) -> SavedView:
    row = await queries.get_with_change_check(session, principal, view_id)
    if row is None:
        raise NotFound(f"saved view {view_id} not found")
    if for_change and not row.changeable:
        raise Forbidden(f"you may use saved view {view_id} but not change it")
    view: SavedView = row[0]
    return view


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    checked = {key: value for key, value in values.items() if key in EDITABLE}
    if "name" in checked:
        name = str(checked["name"] or "").strip()
        if not name or len(name) > 128:
            raise InvalidInput("name: 1 to 128 characters")
        checked["name"] = name
    if "filters" in checked:
        checked["filters"] = clean_params(checked["filters"] or {})
    if "sort" in checked:
        sort = parse_sort(checked["sort"])
        checked["sort"] = sort.value if sort else None
    if "display" in checked and checked["display"] not in DISPLAYS:
        raise InvalidInput(f"display: one of {', '.join(DISPLAYS)}")
    return checked


async def create_view(
    session: AsyncSession, principal: Principal, values: Mapping[str, Any]
) -> SavedView:
    """A new view owned by the principal."""
    view = SavedView(owner_id=principal.user_id, **_checked({"filters": {}, **values}))
    await queries.add(session, view)
    await record(
        session, principal, "saved_view.created", object_type="saved_view", object_id=view.id
    )
    return view


async def update_view(
    session: AsyncSession, principal: Principal, view_id: uuid.UUID, values: Mapping[str, Any]
) -> SavedView:
    """Change what is given; the rest stays."""
    view = await get_view(session, principal, view_id, for_change=True)
    for key, value in _checked(values).items():
        setattr(view, key, value)
    view.updated_at = datetime.now(UTC)
    await session.flush()
    await record(
        session, principal, "saved_view.updated", object_type="saved_view", object_id=view.id
    )
    return view


async def delete_view(session: AsyncSession, principal: Principal, view_id: uuid.UUID) -> None:
    view = await get_view(session, principal, view_id, for_change=True)
    await forget_objects(session, SavedView, [view.id])
    await queries.remove(session, view.id)
    await record(
        session, principal, "saved_view.deleted", object_type="saved_view", object_id=view_id
    )


def view_filter(view: SavedView) -> DocumentFilter:
    """The document filter (and sort) a view stands for."""
    return parse_filter(view.filters or {}, view.sort)


async def with_counts(
    session: AsyncSession, principal: Principal, views: list[SavedView]
) -> list[CountedView]:
    """Each view with how many documents the principal sees in it (up to the count cap)."""
    counted = []
    for view in views:
        try:
            count = await count_documents(session, principal, view_filter(view))
        except InvalidInput:
            # E.g. a custom field the view names was deleted: the view shows nothing.
            count = 0
        counted.append(CountedView(view, count))
    return counted
