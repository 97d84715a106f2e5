"""The audit log: who did what and when.

Events are written in the same transaction as the change they describe, so the log
never claims a change that was rolled back, nor misses one that was committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access import Principal
from paless_shared.models import AuditEvent
from paless_shared.pagination import decode_cursor, encode_cursor

# The caller's network address, set by the web for each request.
client_address: ContextVar[str | None] = ContextVar("paless_client_address", default=None)


async def record(
    session: AsyncSession,
    actor: Principal | None,
    action: str,
    *,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    document_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.user_id if actor else None,
            actor_name=actor_name or (actor.username if actor else None),
            action=action,
            object_type=object_type,
            object_id=object_id,
            document_id=document_id,
            details=details or {},
            client=client_address.get(),
        )
    )
    await session.flush()


@dataclass(frozen=True)
class EventPage:
    items: Sequence[AuditEvent]
    next_cursor: str | None


async def list_events(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    document_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
) -> EventPage:
    """Newest first. Callers check who may read which events."""
    statement = select(AuditEvent)
    if document_id is not None:
        statement = statement.where(AuditEvent.document_id == document_id)
    if actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    if cursor:
        statement = statement.where(tuple_(AuditEvent.at, AuditEvent.id) < decode_cursor(cursor))
    rows = (
        (
            await session.execute(
                statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
            )
        )
        .scalars()
        .all()
    )
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].at, items[-1].id) if len(rows) > limit else None
    return EventPage(items=items, next_cursor=next_cursor)
