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
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.jobs import INGEST, JobBuffer, ingest_job_id, job_exists, job_finished
from paless_shared.models import Document, DocumentStatus, TaskStatus
from paless_shared.repositories.documents import DocumentRepository
from paless_shared.repositories.tasks import TaskRepository
from paless_shared.search import refresh_search
from paless_shared.services.editing import Matches, apply_matches
from paless_shared.services.tasks import create_task

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
    session: AsyncSession,
    document_id: uuid.UUID,
    extracted: ExtractedDocument,
    *,
    matches: Matches | None = None,
    language: str,
) -> Document | None:
    """Store what ingest extracted, apply the owner's matching rules' results, and
    index the document for search."""
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
    if matches is not None:
        await apply_matches(session, document, matches)
    await refresh_search(session, [document.id], language=language)
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
    jobs: JobBuffer,
    *,
    queued_grace: timedelta,
    stale_after: timedelta,
    slot_tag: str,
    limit: int = 1000,
) -> int:
    """Make the queue agree with Postgres; returns how many jobs it asks for again
    (added to `jobs`, to be sent after commit).

    - a task `queued` for longer than `queued_grace`, or `running` for longer than
      `stale_after`, whose job arq no longer holds (lost message, flushed Redis, a
      crash between commit and enqueue) is enqueued again — under its own job id, or a
      slot-tagged one when arq still keeps a result for that id;
    - a document `pending`/`processing` for longer than `stale_after` with no active
      task gets a new ingest task.

    Sending a job that did survive is harmless: arq ignores a second enqueue of a job
    id it holds, and every job is idempotent.
    """
    now = datetime.now(UTC)
    tasks = TaskRepository(session)
    requeued = 0
    for task in await tasks.stale_active(
        queued_before=now - queued_grace, running_before=now - stale_after, limit=limit
    ):
        if await job_exists(queue, task.job_id):
            continue
        if await job_finished(queue, task.job_id):
            task.job_id = f"{task.job_id.split('~')[0]}~{slot_tag}"
        task.status = TaskStatus.queued
        task.enqueued_at = now
        await session.flush()
        jobs.add(task.kind, *task.args, job_id=task.job_id, task_id=str(task.id))
        requeued += 1
        log.info("task.reconcile.requeued", extra={"task_id": str(task.id), "kind": task.kind})

    stale = await DocumentRepository(session).stale(now - stale_after, limit)
    covered = await tasks.active_for_documents([document_id for document_id, _ in stale])
    for document_id, owner_id in stale:
        if document_id in covered:
            continue
        await create_task(
            session,
            jobs,
            INGEST,
            str(document_id),
            job_id=ingest_job_id(document_id, tag=slot_tag),
            owner_id=owner_id,
            document_id=document_id,
        )
        requeued += 1
        log.info("document.reconcile.requeued", extra={"document_id": str(document_id)})
    return requeued
