"""Editing one document's metadata: title, dates, tags, correspondent, type, archive
serial number and custom field values, in one transaction, recorded in the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import record
from paless_shared.documents.fields import coerce_value, field_value
from paless_shared.documents.queries import documents as queries
from paless_shared.documents.queries import metadata
from paless_shared.documents.service import (
    check_reference,
    check_visible,
    documents_for_change,
    set_tags,
    visible_fields,
)
from paless_shared.platform.database import flush_unique
from paless_shared.platform.errors import Conflict
from paless_shared.platform.principal import Principal
from paless_shared.search.service import refresh_search
from paless_shared.tables import Correspondent, Document, DocumentType, Tag


def _created(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


async def update_document(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    changes: Mapping[str, Any],
) -> Document:
    """Apply a PATCH: only the keys present change. Returns the updated document."""
    (document,) = await documents_for_change(session, principal, [document_id])
    audit: dict[str, Any] = {}

    def change(attribute: str, new: Any, shown: Any = None) -> None:
        old = getattr(document, attribute)
        if old != new:
            audit[attribute] = [_shown(old), _shown(new if shown is None else shown)]
            setattr(document, attribute, new)

    if "title" in changes:
        change("title", changes["title"])
    if "created" in changes:
        change("created_at", _created(changes["created"]))
    if "correspondent" in changes:
        await check_reference(
            session, principal, Correspondent, changes["correspondent"], "correspondent"
        )
        change("correspondent_id", changes["correspondent"])
    if "document_type" in changes:
        await check_reference(
            session, principal, DocumentType, changes["document_type"], "document_type"
        )
        change("document_type_id", changes["document_type"])
    if "archive_serial_number" in changes:
        change("archive_serial_number", changes["archive_serial_number"])
    if "tags" in changes:
        wanted = await check_visible(session, principal, Tag, changes["tags"], "tags")
        old = await metadata.tag_ids(session, document.id)
        # Tags the caller cannot see stay: they are not theirs to remove.
        await metadata.remove_visible_tags(session, principal, document.id)
        await set_tags(session, [document.id], wanted)
        new = await metadata.tag_ids(session, document.id)
        if old != new:
            audit["tags"] = [sorted(map(str, old)), sorted(map(str, new))]
    if "custom_fields" in changes:
        audit.update(
            await _replace_field_values(session, principal, document, changes["custom_fields"])
        )
    await flush_unique(
        session,
        Conflict(
            f"archive_serial_number: {changes.get('archive_serial_number')} is already used "
            "by another of your documents"
        ),
    )
    if audit:
        await refresh_search(session, [document.id])
        await record(
            session,
            principal,
            "document.updated",
            object_type="document",
            object_id=document.id,
            document_id=document.id,
            details={"changes": audit},
        )
    await queries.reload(session, document)
    return document


def _shown(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


async def _replace_field_values(
    session: AsyncSession,
    principal: Principal,
    document: Document,
    values: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Set exactly these fields on the document (others are removed)."""
    by_field = {uuid.UUID(str(item["field"])): item.get("value") for item in values}
    fields = await visible_fields(session, principal, list(by_field))
    rows = []
    for field_id, value in by_field.items():
        columns = await coerce_value(session, principal, fields[field_id], value)
        rows.append({"document_id": document.id, "field_id": field_id, **columns})
    before = await _field_values(session, document.id)
    # Values of fields the caller cannot see stay: they are not theirs to remove.
    await metadata.replace_visible_values(session, principal, document.id, rows)
    after = await _field_values(session, document.id)
    if before == after:
        return {}
    return {"custom_fields": [before, after]}


async def _field_values(session: AsyncSession, document_id: uuid.UUID) -> dict[str, Any]:
    """{field id: {"name", "value" as the API shows it}} of one document: by id, so the
    history can leave out the fields a reader may not see."""
    rows = await metadata.field_values(session, [document_id], None)
    return {
        str(custom_field.id): {"name": custom_field.name, "value": field_value(custom_field, row)}
        for row, custom_field in rows
    }
