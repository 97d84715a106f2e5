"""Bulk edits: one operation on many documents, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import record_documents
from paless_shared.documents.fields import coerce_value
from paless_shared.documents.queries import documents as queries
from paless_shared.documents.queries import metadata
from paless_shared.documents.service import (
    check_reference,
    check_visible,
    documents_for_change,
    set_tags,
    trash_documents,
    visible_fields,
)
from paless_shared.platform.errors import InvalidInput
from paless_shared.platform.principal import Principal
from paless_shared.search.service import refresh_search
from paless_shared.tables import Correspondent, Document, DocumentType, Tag


@dataclass(frozen=True)
class BulkOperation:
    """One of: add_tags, remove_tags, set_correspondent, set_document_type,
    set_custom_field, delete."""

    kind: str
    tags: Sequence[uuid.UUID] = ()
    target: uuid.UUID | None = None
    value: Any = None


async def bulk_edit(
    session: AsyncSession,
    principal: Principal,
    document_ids: Sequence[uuid.UUID],
    operation: BulkOperation,
) -> int:
    """Apply one operation to many documents in one transaction: any id that is not
    there (or not the caller's to change) and nothing changes. Returns how many
    documents actually changed."""
    documents = await documents_for_change(session, principal, document_ids)
    ids = [document.id for document in documents]
    changed: set[uuid.UUID] = set()
    kind = operation.kind
    if kind == "add_tags":
        tags = await check_visible(session, principal, Tag, operation.tags, "tags")
        before = await metadata.tag_pairs(session, ids)
        await set_tags(session, ids, tags)
        changed = {d for d, _ in (await metadata.tag_pairs(session, ids)) - before}
    elif kind == "remove_tags":
        tags = await check_visible(session, principal, Tag, operation.tags, "tags")
        changed = await metadata.remove_tags(session, ids, tags)
    elif kind in ("set_correspondent", "set_document_type"):
        model, column = (
            (Correspondent, Document.correspondent_id)
            if kind == "set_correspondent"
            else (DocumentType, Document.document_type_id)
        )
        await check_reference(session, principal, model, operation.target, kind[4:])
        changed = await queries.set_reference(session, ids, column, operation.target)
    elif kind == "set_custom_field":
        assert operation.target is not None
        fields = await visible_fields(session, principal, [operation.target])
        columns = await coerce_value(session, principal, fields[operation.target], operation.value)
        changed = await metadata.upsert_values(session, ids, operation.target, columns)
    elif kind == "delete":
        # trash_documents records each document's `document.deleted`.
        await trash_documents(session, principal, documents, details={"bulk": kind})
        return len(documents)
    else:  # pragma: no cover - the API only sends the kinds above
        raise InvalidInput(f"operation: unknown bulk operation {kind!r}")
    if changed and kind != "set_custom_field":
        await refresh_search(session, sorted(changed))
    await record_documents(
        session, principal, "document.updated", sorted(changed), details={"bulk": kind}
    )
    return len(changed)
