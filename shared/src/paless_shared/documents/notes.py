"""Notes on documents: searchable, recorded in the audit log."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import record
from paless_shared.documents.queries import metadata
from paless_shared.documents.service import documents_for_change
from paless_shared.platform.errors import NotFound
from paless_shared.platform.principal import Principal
from paless_shared.search.service import refresh_search
from paless_shared.tables import Note


async def add_note(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    text: str,
) -> Note:
    (document,) = await documents_for_change(session, principal, [document_id])
    note = Note(document_id=document.id, author_id=principal.user_id, text=text)
    await metadata.add_note(session, note)
    await refresh_search(session, [document.id])
    await record(
        session,
        principal,
        "note.created",
        object_type="note",
        object_id=note.id,
        document_id=document.id,
    )
    return note


async def delete_note(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    note_id: uuid.UUID,
) -> None:
    (document,) = await documents_for_change(session, principal, [document_id])
    note = await metadata.get_note(session, document.id, note_id)
    if note is None:
        raise NotFound(f"note {note_id} not found on document {document_id}")
    await metadata.delete_note(session, note)
    await refresh_search(session, [document.id])
    await record(
        session,
        principal,
        "note.deleted",
        object_type="note",
        object_id=note_id,
        document_id=document.id,
    )
