"""Statements on the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import AuditEvent

_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]
_INSERT_EVENT = insert(_EVENTS)


async def insert_event(session: AsyncSession, values: dict[str, Any]) -> None:
    """One event, as a Core INSERT in the session's transaction: no ORM object to
    build, track and flush (every download writes one). `values` names every column
    but `id` and `at`; the statement is built once."""
    await session.execute(_INSERT_EVENT, {"id": uuid.uuid4(), **values})


async def add_events(session: AsyncSession, events: Sequence[AuditEvent]) -> None:
    """Many events in one flush (multi-row INSERTs)."""
    session.add_all(events)
    await session.flush()


async def list_events(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    document_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    action: str | None,
) -> Sequence[AuditEvent]:
    """Newest first, keyset-paginated on (at, id)."""
    statement = select(AuditEvent)
    if document_id is not None:
        statement = statement.where(AuditEvent.document_id == document_id)
    if actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    if after is not None:
        statement = statement.where(tuple_(AuditEvent.at, AuditEvent.id) < after)
    statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return (await session.execute(statement)).scalars().all()
