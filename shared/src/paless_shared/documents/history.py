"""A document's history as one reader may see it now.

The audit log keeps every event whole; a reader of one document's history sees what
their access allows today: tags, custom fields, correspondents and document types they
may not see are left out of the changes (names and values alike), an update whose every
change was left out is not shown, and callers' network addresses are shown only to the
document's owner and to admins.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import list_events
from paless_shared.documents.queries import documents as queries
from paless_shared.documents.queries import metadata
from paless_shared.documents.service import get_document
from paless_shared.platform.pagination import Page
from paless_shared.platform.principal import Principal
from paless_shared.tables import AuditEvent, Correspondent, CustomField, DocumentType, Tag

# Changes that name one object: [old id, new id].
_REFERENCES = {"correspondent_id": Correspondent, "document_type_id": DocumentType}


@dataclass(frozen=True)
class HistoryEvent:
    """An audit event as one reader sees it (the stored event is never altered)."""

    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    action: str
    object_type: str | None
    object_id: uuid.UUID | None
    document_id: uuid.UUID | None
    details: dict[str, Any]
    client: str | None


@dataclass
class _Visible:
    """Which of the objects the page's events name the reader may see."""

    tags: set[str]
    fields: set[str]
    field_names: set[str]
    references: dict[str, set[str]]


async def document_history(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> Page[HistoryEvent]:
    """The document's events, newest first, as the principal may see them (404 for a
    document they may not see)."""
    document = await get_document(session, principal, document_id)
    page = await list_events(session, limit=limit, cursor=cursor, document_id=document.id)
    visible = await _visible(session, principal, page.items)
    shows_clients = principal.is_admin or principal.user_id == document.owner_id
    items = []
    for event in page.items:
        shown = _shown(event, visible, shows_clients)
        if shown is not None:
            items.append(shown)
    return Page(items=items, next_cursor=page.next_cursor)


def _changes(event: AuditEvent) -> Mapping[str, Any]:
    changes = event.details.get("changes") if isinstance(event.details, dict) else None
    return changes if isinstance(changes, dict) else {}


async def _visible(
    session: AsyncSession, principal: Principal, events: Sequence[AuditEvent]
) -> _Visible:
    tags: set[str] = set()
    fields: set[str] = set()
    names: set[str] = set()
    references: dict[str, set[str]] = {key: set() for key in _REFERENCES}
    for event in events:
        changes = _changes(event)
        for side in _pair(changes.get("tags")):
            tags.update(map(str, side if isinstance(side, list) else []))
        for side in _pair(changes.get("custom_fields")):
            for key in side if isinstance(side, dict) else {}:
                (fields if _uuid(key) else names).add(key)
        for key in _REFERENCES:
            references[key].update(str(item) for item in _pair(changes.get(key)) if item)
    return _Visible(
        tags=await _visible_ids(session, principal, Tag, tags),
        fields=await _visible_ids(session, principal, CustomField, fields),
        field_names=names
        if principal.is_admin or not names
        else await metadata.visible_field_names(session, principal, names),
        references={
            key: await _visible_ids(session, principal, model, references[key])
            for key, model in _REFERENCES.items()
        },
    )


async def _visible_ids(
    session: AsyncSession, principal: Principal, model: Any, ids: Iterable[str]
) -> set[str]:
    wanted = [parsed for parsed in map(_uuid, ids) if parsed is not None]
    if not principal.is_admin and wanted:
        return {str(item) for item in await queries.visible_ids(session, principal, model, wanted)}
    return {str(item) for item in wanted}


def _shown(event: AuditEvent, visible: _Visible, shows_clients: bool) -> HistoryEvent | None:
    details = dict(event.details) if isinstance(event.details, dict) else {}
    changes = _changes(event)
    if changes:
        kept = _kept_changes(changes, visible)
        if not kept:
            return None  # every change was to something the reader may not see
        details["changes"] = kept
    return HistoryEvent(
        id=event.id,
        at=event.at,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        document_id=event.document_id,
        details=details,
        client=event.client if shows_clients else None,
    )


def _kept_changes(changes: Mapping[str, Any], visible: _Visible) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key, change in changes.items():
        if key == "tags":
            change = [
                [item for item in side if str(item) in visible.tags]
                for side in _pair(change)
                if isinstance(side, list)
            ]
        elif key == "custom_fields":
            change = [
                {
                    name: value
                    for name, value in side.items()
                    if name in (visible.fields if _uuid(name) else visible.field_names)
                }
                for side in _pair(change)
                if isinstance(side, dict)
            ]
        elif key in _REFERENCES:
            change = [
                item if item is None or str(item) in visible.references[key] else None
                for item in _pair(change)
            ]
        if len(change) == 2 and change[0] == change[1]:
            continue
        kept[key] = change
    return kept


def _pair(change: Any) -> list[Any]:
    """[old, new] of a recorded change (anything else: nothing)."""
    return list(change) if isinstance(change, list) and len(change) == 2 else []


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
