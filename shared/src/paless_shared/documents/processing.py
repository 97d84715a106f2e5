"""Document state transitions driven by the worker.

Postgres holds each document's state; the queue only carries work. These functions
keep the transitions in one place so that retries and re-runs converge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.documents.queries import documents as queries
from paless_shared.documents.service import set_tags
from paless_shared.matching.service import Matches
from paless_shared.search.service import refresh_search
from paless_shared.tables import Document, DocumentStatus

FINAL_STATES = frozenset({DocumentStatus.ready, DocumentStatus.failed})


@dataclass(frozen=True)
class ExtractedDocument:
    sha256: str
    size_bytes: int
    page_count: int
    content: str
    pdf_metadata: dict[str, Any]
    thumbnail_key: str | None
    created_at: datetime | None


async def start_processing(
    session: AsyncSession, document_id: uuid.UUID, *, max_attempts: int
) -> Document | None:
    """Mark a document as processing and count the attempt.

    None means there is nothing to do: the document is gone or already final (a
    re-run of a finished job), or it has used up its attempts and is now failed.
    """
    document = await queries.get(session, document_id, for_update=True)
    if document is None or document.status in FINAL_STATES:
        return None
    if document.ingest_attempts >= max_attempts:
        document.status = DocumentStatus.failed
        document.failure_reason = (
            f"processing did not finish after {document.ingest_attempts} attempts"
        )
        await session.flush()
        return None
    document.ingest_attempts += 1
    document.status = DocumentStatus.processing
    await session.flush()
    return document


async def mark_ready(
    session: AsyncSession,
    document_id: uuid.UUID,
    extracted: ExtractedDocument,
    *,
    matches: Matches | None = None,
) -> Document | None:
    """Store what ingest extracted, apply the owner's matching rules' results, and
    index the document for search."""
    document = await queries.get(session, document_id, for_update=True)
    if document is None:
        return None
    document.sha256 = extracted.sha256
    document.size_bytes = extracted.size_bytes
    document.page_count = extracted.page_count
    document.content = extracted.content
    document.pdf_metadata = extracted.pdf_metadata
    document.thumbnail_key = extracted.thumbnail_key
    if extracted.created_at is not None:
        document.created_at = extracted.created_at
    document.status = DocumentStatus.ready
    document.failure_reason = None
    await session.flush()
    if matches is not None:
        await apply_matches(session, document, matches)
    await refresh_search(session, [document.id])
    await queries.reload(session, document)
    return document


async def mark_failed(session: AsyncSession, document_id: uuid.UUID, reason: str) -> None:
    document = await queries.get(session, document_id, for_update=True)
    if document is None:
        return
    document.status = DocumentStatus.failed
    document.failure_reason = reason[:2000]
    await session.flush()


async def apply_matches(session: AsyncSession, document: Document, found: Matches) -> None:
    """Add matched tags; set correspondent and type when the document has none (a
    person's choice is never overwritten)."""
    await set_tags(session, [document.id], found.tags)
    if document.correspondent_id is None and found.correspondent is not None:
        document.correspondent_id = found.correspondent
    if document.document_type_id is None and found.document_type is not None:
        document.document_type_id = found.document_type
    await session.flush()
