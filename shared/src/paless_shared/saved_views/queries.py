"""Statements on saved views."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Row, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_change, can_view
from paless_shared.platform.principal import Principal
from paless_shared.tables import SavedView


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    *,
    limit: int,
    after: tuple[str, uuid.UUID] | None,
    sidebar: bool | None,
    dashboard: bool | None,
) -> Sequence[SavedView]:
    """Views the principal may see, by name then id; keyset-paginated."""
    statement = select(SavedView).where(can_view(SavedView, principal))
    if sidebar is not None:
        statement = statement.where(SavedView.show_in_sidebar.is_(sidebar))
    if dashboard is not None:
        statement = statement.where(SavedView.show_on_dashboard.is_(dashboard))
    if after is not None:
        statement = statement.where(tuple_(SavedView.name, SavedView.id) > after)
    statement = statement.order_by(SavedView.name, SavedView.id).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def get_with_change_check(
    session: AsyncSession, principal: Principal, view_id: uuid.UUID
) -> Row[SavedView, bool] | None:
    """(view, changeable) if the principal may see the view."""
    statement = select(SavedView, can_change(SavedView, principal).label("changeable")).where(
        SavedView.id == view_id, can_view(SavedView, principal)
    )
    return (await session.execute(statement)).one_or_none()


async def add(session: AsyncSession, view: SavedView) -> None:
    session.add(view)
    await session.flush()


async def remove(session: AsyncSession, view_id: uuid.UUID) -> None:
    await session.execute(delete(SavedView).where(SavedView.id == view_id))
