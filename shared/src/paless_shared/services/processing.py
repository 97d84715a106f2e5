"""Document state transitions driven by the worker, and reconciliation.

Postgres holds each document's state; the queue only carries work. These functions
keep the transitions in one place so that retries and re-runs converge.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from arq import ArqRedis
from arq.constants import job_key_prefix
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.jobs import INGEST, ingest_job_id
from paless_shared.models import Document, DocumentStatus
from paless_shared.repositories.documents import DocumentRepository

log = logging.getLogger(__name__)

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
    document = await DocumentRepository(session).get(document_id, for_update=True)
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
    session: AsyncSession, document_id: uuid.UUID, extracted: ExtractedDocument
) -> Document | None:
    documents = DocumentRepository(session)
    document = await documents.get(document_id, for_update=True)
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
    # Copies finishing at the same time must agree on which one is the original.
    await documents.lock_content(document.owner_id, extracted.sha256)
    await session.flush()
    await documents.mark_copies(document.owner_id, extracted.sha256)
    await session.refresh(document)
    return document


async def mark_failed(session: AsyncSession, document_id: uuid.UUID, reason: str) -> None:
    document = await DocumentRepository(session).get(document_id, for_update=True)
    if document is None:
        return
    document.status = DocumentStatus.failed
    document.failure_reason = reason[:2000]
    await session.flush()


async def requeue_stale(
    session: AsyncSession,
    queue: ArqRedis,
    *,
    stale_after: timedelta,
    slot_tag: str,
    limit: int = 1000,
) -> int:
    """Enqueue ingest again for documents stuck in pending/processing.

    The usual job id is tried first, which is a no-op while that job is still queued
    or running; only when the id is taken by a finished job is a slot-tagged id used.
    Ingest is idempotent, so a job that did survive simply finds nothing to do.
    """
    stale = await DocumentRepository(session).stale_ids(datetime.now(UTC) - stale_after, limit)
    requeued = 0
    for document_id in stale:
        base_id = ingest_job_id(document_id)
        job = await queue.enqueue_job(INGEST, str(document_id), _job_id=base_id)
        if job is None and not await queue.exists(job_key_prefix + base_id):
            job = await queue.enqueue_job(
                INGEST, str(document_id), _job_id=ingest_job_id(document_id, slot_tag)
            )
        if job is not None:
            requeued += 1
            log.info("document.reconcile.requeued", extra={"document_id": str(document_id)})
    return requeued
