"""Statements on grants."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view
from paless_shared.platform.principal import Principal
from paless_shared.tables import Grant


async def visible_object(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID
) -> Any:
    """The object if the principal may see it, else None."""
    statement = select(model).where(model.id == object_id, can_view(model, principal))
    return (await session.execute(statement)).scalar_one_or_none()


async def existing_ids(
    session: AsyncSession, model: Any, ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    wanted = set(ids)
    if not wanted:
        return set()
    return set((await session.execute(select(model.id).where(model.id.in_(wanted)))).scalars())


async def grants_on(
    session: AsyncSession, object_type: str, object_id: uuid.UUID
) -> Sequence[Grant]:
    result = await session.execute(
        select(Grant)
        .where(Grant.object_type == object_type, Grant.object_id == object_id)
        .order_by(Grant.created_at, Grant.id)
    )
    return result.scalars().all()


async def drop_grants(session: AsyncSession, object_type: str, ids: Sequence[uuid.UUID]) -> None:
    """Grants of these objects (grants point at objects without a foreign key)."""
    if ids:
        await session.execute(
            delete(Grant).where(Grant.object_type == object_type, Grant.object_id.in_(list(ids)))
        )


async def add_grants(session: AsyncSession, grants: Iterable[Grant]) -> None:
    session.add_all(grants)
    await session.flush()
