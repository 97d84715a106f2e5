"""The audit log: who did what and when.

Events are written in the same transaction as the change they describe, so the log
never claims a change that was rolled back, nor misses one that was committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit import queries
from paless_shared.platform.pagination import Page, decode_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.tables import AuditEvent

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
    await queries.insert_event(
        session,
        {
            "actor_id": actor.user_id if actor else None,
            "actor_name": actor_name or (actor.username if actor else None),
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "document_id": document_id,
            "details": details or {},
            "client": client_address.get(),
        },
    )


async def record_documents(
    session: AsyncSession,
    actor: Principal,
    action: str,
    document_ids: Sequence[uuid.UUID],
    *,
    details: dict[str, Any] | None = None,
) -> None:
    """One event per document (a bulk edit's or a trash's), written together."""
    client = client_address.get()
    await queries.add_events(
        session,
        [
            AuditEvent(
                actor_id=actor.user_id,
                actor_name=actor.username,
                action=action,
                object_type="document",
                object_id=document_id,
                document_id=document_id,
                details=dict(details or {}),
                client=client,
            )
            for document_id in document_ids
        ],
    )


async def list_events(
    session: AsyncSession,
    *,
    limit: int,
    cursor: str | None,
    document_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
) -> Page[AuditEvent]:
    """Newest first. Callers check who may read which events."""
    rows = await queries.list_events(
        session,
        limit=limit + 1,
        after=decode_cursor(cursor) if cursor else None,
        document_id=document_id,
        actor_id=actor_id,
        action=action,
    )
    return split_page(rows, limit, lambda row: (row.at, row.id))
