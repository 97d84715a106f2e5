"""Documents: finding one the caller may see or change, tagging, the trash (delete,
restore, purge, empty) and processing again.

Other modules of the domain build on these: `uploads` (receiving originals),
`editing`, `bulk` and `notes` (changing metadata), `read` (what answers carry) and
`processing` (the states the worker moves a document through).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.service import forget_objects
from paless_shared.audit.service import record, record_documents
from paless_shared.documents.queries import documents as queries
from paless_shared.documents.queries import metadata
from paless_shared.organisation.service import tag_ancestors
from paless_shared.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from paless_shared.platform.jobs import DELETE_OBJECTS, INGEST, JobBuffer, ingest_job_id
from paless_shared.platform.pagination import Page, decode_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.tables import CustomField, Document, DocumentStatus
from paless_shared.tasks.service import create_task
from paless_shared.versions import service as versions
from paless_shared.versions.service import RunRequest

# --- finding documents and what they refer to ----------------------------------------


async def get_document(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    for_update: bool = False,
    for_change: bool = False,
    trashed: bool = False,
) -> Document:
    """A document the principal may see (404 otherwise: whether it does not exist or is
    someone else's is not revealed); with `for_change`, 403 unless they may change it.
    Among documents in the trash when `trashed`, else among those that are not."""
    document, changeable = await get_document_access(
        session, principal, document_id, for_update=for_update, trashed=trashed
    )
    if for_change and not changeable:
        raise Forbidden(f"you may view document {document_id} but not change it")
    return document


async def get_document_access(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    for_update: bool = False,
    trashed: bool = False,
) -> tuple[Document, bool]:
    """A document the principal may see (404 otherwise), and whether they may change
    it."""
    row = await queries.get_visible(
        session, principal, document_id, trashed=trashed, for_update=for_update
    )
    if row is None:
        where = " in the trash" if trashed else ""
        raise NotFound(f"document {document_id} not found{where}")
    return row[0], bool(row.changeable)


async def find_document(session: AsyncSession, document_id: uuid.UUID) -> Document | None:
    """Any document by id, whoever owns it (for jobs, which act for the owner)."""
    return await queries.get(session, document_id)


async def documents_for_change(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> list[Document]:
    """The documents, locked; 404 naming every id that is not visible, 403 for those
    visible but not changeable, and nothing changes."""
    wanted = list(dict.fromkeys(ids))
    found = {row[0].id: row for row in await queries.lock_visible(session, principal, wanted)}
    missing = [str(item) for item in wanted if item not in found]
    if missing:
        raise NotFound(f"documents not found: {', '.join(missing)}; nothing was changed")
    refused = [str(item) for item in wanted if not found[item].changeable]
    if refused:
        raise Forbidden(f"you may not change documents: {', '.join(refused)}; nothing was changed")
    return [found[item][0] for item in wanted]


async def check_visible(
    session: AsyncSession, principal: Principal, model: Any, ids: Sequence[uuid.UUID], what: str
) -> list[uuid.UUID]:
    """The ids, without repeats; 422 naming those of `model` the principal cannot see."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = await queries.visible_ids(session, principal, model, wanted)
    missing = [str(item) for item in wanted if item not in found]
    if missing:
        raise InvalidInput(f"{what}: no such {what.rstrip('s')}: {', '.join(missing)}")
    return wanted


async def check_reference(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID | None, what: str
) -> None:
    if object_id is not None:
        await check_visible(session, principal, model, [object_id], what)


async def visible_fields(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CustomField]:
    """The custom fields; 422 naming those the principal cannot see."""
    found = await metadata.visible_fields(session, principal, ids)
    missing = [str(item) for item in dict.fromkeys(ids) if item not in found]
    if missing:
        raise InvalidInput(f"custom_fields: no such custom_field: {', '.join(missing)}")
    return found


async def count_by_status(session: AsyncSession) -> dict[DocumentStatus, int]:
    """How many documents (of all owners) are in each state."""
    return await queries.count_by_status(session)


# --- tags -----------------------------------------------------------------------------


async def set_tags(
    session: AsyncSession, document_ids: Sequence[uuid.UUID], tag_ids: Sequence[uuid.UUID]
) -> None:
    """Add these tags and their parents (a document tagged `invoices/2026` is also
    tagged `invoices`)."""
    all_ids = await tag_ancestors(session, tag_ids)
    if document_ids and all_ids:
        await metadata.add_tags(session, document_ids, list(all_ids))


async def apply_inbox_tags(session: AsyncSession, document: Document) -> None:
    await set_tags(session, [document.id], await metadata.inbox_tags(session, document.owner_id))


# --- the trash ------------------------------------------------------------------------


async def delete_document(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> None:
    """Move a document to the trash: hidden everywhere, restorable until purged."""
    document = await get_document(session, principal, document_id, for_update=True, for_change=True)
    await trash_documents(session, principal, [document])


async def trash_documents(
    session: AsyncSession,
    principal: Principal,
    documents: Sequence[Document],
    *,
    details: dict[str, Any] | None = None,
) -> None:
    """Move these documents to the trash, one `document.deleted` event each."""
    now = datetime.now(UTC)
    for document in documents:
        document.deleted_at = now
    await session.flush()
    await record_documents(
        session,
        principal,
        "document.deleted",
        [document.id for document in documents],
        details=details,
    )


async def list_trash(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None
) -> Page[Document]:
    """Trashed documents, most recently deleted first."""
    rows = await queries.list_trash(
        session, principal, limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return split_page(rows, limit, lambda row: (row.deleted_at or row.added_at, row.id))


async def restore_document(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Document:
    document = await get_document(
        session, principal, document_id, for_update=True, for_change=True, trashed=True
    )
    document.deleted_at = None
    await record(
        session,
        principal,
        "document.restored",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
    )
    await session.flush()
    return document


async def purge_document(
    session: AsyncSession, jobs: JobBuffer, principal: Principal, document_id: uuid.UUID
) -> None:
    """Delete a trashed document for good: the row now, its objects by a job after commit.
    Only its owner or an admin may (a change grant moves it to the trash and back)."""
    document = await get_document(session, principal, document_id, for_update=True, trashed=True)
    if not principal.is_admin and document.owner_id != principal.user_id:
        raise Forbidden(f"only the owner of document {document_id} or an admin may purge it")
    await record(
        session,
        principal,
        "document.purged",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
    )
    await _purge(session, jobs, [document])


async def empty_trash(session: AsyncSession, jobs: JobBuffer, principal: Principal) -> int:
    """Purge the caller's own trashed documents."""
    trashed = await queries.trashed_for_update(session, principal.user_id)
    await _purge(session, jobs, trashed)
    return len(trashed)


def object_keys(document: Document) -> list[str]:
    return [key for key in (document.original_key, document.thumbnail_key) if key]


async def stored_objects(
    session: AsyncSession, documents: Sequence[Document]
) -> tuple[list[str], list[str]]:
    """Every object of the documents, every version's: (keys, ids of the documents
    whose renditions prefix goes as a whole), as a delete job takes them."""
    ids = [document.id for document in documents]
    keys = [key for document in documents for key in object_keys(document)]
    keys = list(dict.fromkeys([*keys, *await versions.stored_keys(session, ids)]))
    return keys, [str(document_id) for document_id in ids]


async def delete_rows(session: AsyncSession, documents: Sequence[Document]) -> None:
    """Delete the rows, and the grants on them (they hold no foreign key). Their
    objects in S3 are the caller's to remove."""
    await forget_objects(session, Document, [document.id for document in documents])
    for document in documents:
        await queries.delete(session, document)


async def _purge(session: AsyncSession, jobs: JobBuffer, documents: Sequence[Document]) -> None:
    """Delete the rows; a task deletes their objects after commit: the keys the rows
    name and every key the documents may have had (`Storage.document_keys`). Its row
    lets reconcile send it again if the job is lost or keeps failing."""
    if not documents:
        return
    keys, document_ids = await stored_objects(session, documents)
    await delete_rows(session, documents)
    await create_task(
        session, jobs, DELETE_OBJECTS, keys, document_ids, owner_id=documents[0].owner_id
    )


# --- processing again -----------------------------------------------------------------


async def reprocess_document(
    session: AsyncSession,
    jobs: JobBuffer,
    principal: Principal,
    document_id: uuid.UUID,
    request: RunRequest | None = None,
) -> Document:
    """Run ingest again from the current version's original, with the OCR settings
    asked for (the defaults where none are given). Its renditions stay until the new
    ones are complete."""
    document = await get_document(session, principal, document_id, for_update=True, for_change=True)
    if document.status not in (DocumentStatus.ready, DocumentStatus.failed):
        raise Conflict(f"document {document_id} is still {document.status.value}")
    version = await versions.current_version(session, document)
    await versions.request_run(session, jobs, version.id, request or RunRequest())
    document.status = DocumentStatus.pending
    document.failure_reason = None
    document.ingest_attempts = 0
    task_id = uuid.uuid4()
    await create_task(
        session,
        jobs,
        INGEST,
        str(document.id),
        job_id=ingest_job_id(document.id, tag=str(task_id)),
        owner_id=document.owner_id,
        document_id=document.id,
    )
    await session.flush()
    return document
