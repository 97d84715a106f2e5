"""A document's versions as its owner and those it is shared with see them: listing,
choosing what a download serves, restoring an older version (with the same access
checks and audit as every document change)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.audit.service import client_address, record
from paless_shared.documents.queries import documents as queries
from paless_shared.documents.service import get_document
from paless_shared.platform.errors import Conflict, NotFound
from paless_shared.platform.formats import PDF_MIME_TYPE
from paless_shared.platform.principal import Principal
from paless_shared.search.service import refresh_search
from paless_shared.tables import Document, DocumentStatus, DocumentVersion
from paless_shared.versions import service as versions

Rendition = Literal["original", "archive"]


async def list_versions(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> tuple[Document, Sequence[DocumentVersion]]:
    document = await get_document(session, principal, document_id)
    return document, await versions.list_versions(session, document.id)


@dataclass(frozen=True)
class Download:
    key: str
    filename: str
    content_type: str
    version: int
    rendition: Rendition


async def download(
    session: AsyncSession,
    principal: Principal,
    document_id: uuid.UUID,
    *,
    number: int | None,
    rendition: Rendition | None,
) -> Download:
    """What a download serves — a version (the current one by default) and a rendition
    (by default its archive when it has one, else its original) — recorded in the
    document's history in the same transaction: a download the caller is answered for
    is never missing from it, and one refused leaves nothing. One statement reads the
    document, checks the caller may see it, reads the version and writes the event."""
    row = await queries.download_recorded(
        session,
        principal,
        document_id,
        number=number,
        rendition=rendition,
        client=client_address.get(),
    )
    if row is None:
        raise NotFound(f"document {document_id} not found")
    filename: str = row.original_filename
    version: Any = row
    legacy = row.original_key is None
    if legacy:
        if number is not None:
            raise NotFound(f"document {document_id} has no version {number}")
        # A row written before versions existed and not migrated: its version is made
        # now, and the event written here.
        version = await versions.current_version(
            session, await get_document(session, principal, document_id)
        )
    found: int = version.number
    original_key: str = version.original_key
    archive_key: str | None = version.archive_key
    mime_type: str = version.mime_type
    chosen: Rendition = rendition or ("archive" if archive_key else "original")
    if legacy:
        await record(
            session,
            principal,
            "document.downloaded",
            object_type="document",
            object_id=document_id,
            document_id=document_id,
            details={"version": found, "rendition": chosen},
        )
    if chosen == "original":
        return Download(original_key, filename, mime_type, found, chosen)
    if archive_key is None:
        # The event the statement wrote rolls back with the request.
        raise NotFound(
            f"version {found} of document {document_id} has no archive "
            "(no page of it was OCRed, or it is not processed yet)"
        )
    stem = filename.rsplit(".", 1)[0] or "document"
    return Download(archive_key, f"{stem}.pdf", PDF_MIME_TYPE, found, chosen)


async def restore_version(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID, number: int
) -> Document:
    """Make an older version the current one: its original, renditions and text are
    what the document shows, downloads and is searched by from now on."""
    document = await get_document(session, principal, document_id, for_update=True, for_change=True)
    if document.status in (DocumentStatus.pending, DocumentStatus.processing):
        raise Conflict(f"document {document_id} is still {document.status.value}")
    previous = await versions.current_version(session, document)
    version = await versions.make_current(session, document, number)
    await refresh_search(session, [document.id])
    await record(
        session,
        principal,
        "document.version_restored",
        object_type="document",
        object_id=document.id,
        document_id=document.id,
        details={"version": version.number, "previous_version": previous.number},
    )
    await session.flush()
    return document
