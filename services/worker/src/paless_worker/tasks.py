"""arq jobs. Thin: each calls shared services and owns its unit of work.

Every job is idempotent (arq may run a job more than once) and takes ids, not objects.
"""

from __future__ import annotations

import asyncio
import logging
import random
import tempfile
import uuid
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from pathlib import Path
from typing import Any

from arq import Retry
from botocore.exceptions import BotoCoreError, ClientError

from paless_shared.documents.processing import (
    ExtractedDocument,
    mark_failed,
    mark_ready,
    start_processing,
)
from paless_shared.maintenance import service as maintenance
from paless_shared.maintenance.reconcile import requeue_stale
from paless_shared.matching import service as matching
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.errors import unavailable_dependency
from paless_shared.platform.jobs import JobBuffer
from paless_shared.tables import TaskStatus
from paless_shared.tasks.service import Outcome
from paless_worker import pdf
from paless_worker.context import PdfTimeout, WorkerContext
from paless_worker.metrics import DOCUMENTS_FINISHED, PAGES_PROCESSED

log = logging.getLogger(__name__)


def is_transient(exc: BaseException) -> bool:
    """Errors that say nothing about the document: the next attempt may succeed.

    Database errors count only when they are about the connection; a value Postgres
    refuses (DataError, IntegrityError) will be refused again.
    """
    if unavailable_dependency(exc) is not None:
        return True
    return isinstance(exc, OSError | BrokenProcessPool)


class MissingOriginal(Exception):
    pass


def _context(ctx: dict[str, Any]) -> WorkerContext:
    context: WorkerContext = ctx["paless"]
    return context


def retry_delay(job_try: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8… seconds, capped at 5 minutes."""
    return random.uniform(0, min(300.0, 2.0**job_try))  # noqa: S311 (jitter, not secrets)


async def ingest(ctx: dict[str, Any], document_id: str) -> Outcome:
    """Read a document's original from S3, extract what paless keeps, mark it ready.

    Ends every document `ready` or `failed`: permanent problems fail at once with a
    reason for the owner; transient ones are retried with backoff until the last try.
    """
    context = _context(ctx)
    doc_id = uuid.UUID(document_id)
    job_try: int = ctx.get("job_try", 1)
    try:
        return await _ingest(context, doc_id)
    except pdf.InvalidDocument as exc:
        return await _fail(context, doc_id, str(exc))
    except MissingOriginal:
        return await _fail(context, doc_id, "the original file is missing from storage")
    except PdfTimeout:
        limit = context.settings.worker_pdf_timeout_seconds
        return await _fail(context, doc_id, f"reading the PDF took longer than {limit:g} s")
    except Exception as exc:
        if not is_transient(exc):
            log.exception("document.ingest.crashed", extra={"document_id": str(doc_id)})
            return await _fail(
                context, doc_id, f"internal error while processing: {_describe(exc)}"
            )
        if job_try >= context.settings.worker_max_tries:
            reason = f"gave up after {job_try} attempts: {_describe(exc)}"
            return await _fail(context, doc_id, reason)
        log.warning(
            "document.ingest.retry",
            extra={"document_id": str(doc_id), "try": job_try, "error": _describe(exc)},
        )
        raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BrokenProcessPool):
        return "the PDF parser process stopped unexpectedly"
    return f"{type(exc).__name__}: {exc}"[:500]


async def _ingest(context: WorkerContext, doc_id: uuid.UUID) -> Outcome:
    async with unit_of_work(context.sessionmaker) as session:
        document = await start_processing(
            session, doc_id, max_attempts=context.settings.worker_max_tries
        )
        original_key = document.original_key if document else None
        rules = await matching.load_rules(session, document.owner_id) if document else None
    if original_key is None or rules is None:
        log.info("document.ingest.skipped", extra={"document_id": str(doc_id)})
        return Outcome(result={"document": "unchanged"})

    storage = context.storage
    with tempfile.TemporaryDirectory(prefix="paless-ingest-") as folder:
        path = Path(folder) / "original.pdf"
        try:
            downloaded = await storage.download_to_file(original_key, path)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise MissingOriginal from exc
            raise
        parsed = await context.pdf_pool.run(
            pdf.parse,
            path,
            context.settings.thumbnail_width,
            time_limit=context.settings.worker_pdf_timeout_seconds,
        )

    thumbnail_key = None
    if parsed.thumbnail_webp is not None:
        thumbnail_key = storage.thumbnail_key(doc_id)
        await storage.put_bytes(thumbnail_key, parsed.thumbnail_webp, "image/webp")

    extracted = ExtractedDocument(
        sha256=downloaded.sha256,
        size_bytes=downloaded.size,
        page_count=parsed.page_count,
        content=parsed.text,
        pdf_metadata=parsed.metadata,
        thumbnail_key=thumbnail_key,
        created_at=parsed.created_at,
    )
    # Matching rules are CPU work with a bounded cost (paless_shared.matching: one time
    # budget for all the owner's rules): off the event loop, so other jobs, the
    # heartbeat and the job leases keep going.
    matches = await asyncio.get_running_loop().run_in_executor(
        context.matching_executor, matching.evaluate, rules, parsed.text
    )
    async with unit_of_work(context.sessionmaker) as session:
        document = await mark_ready(session, doc_id, extracted, matches=matches)
    if document is None and thumbnail_key is not None:
        # Deleted while we worked: do not leave its thumbnail behind.
        await storage.delete(thumbnail_key)
        return Outcome(result={"document": "deleted"})
    if thumbnail_key is None:
        # No thumbnail this time (a reprocess): the one an earlier run made goes too.
        await storage.delete(storage.thumbnail_key(doc_id))
    PAGES_PROCESSED.inc(parsed.page_count)
    DOCUMENTS_FINISHED.labels("ready").inc()
    log.info(
        "document.ingest.ready", extra={"document_id": str(doc_id), "pages": parsed.page_count}
    )
    return Outcome(result={"document": "ready", "pages": parsed.page_count})


async def _fail(context: WorkerContext, doc_id: uuid.UUID, reason: str) -> Outcome:
    async with unit_of_work(context.sessionmaker) as session:
        await mark_failed(session, doc_id, reason)
    DOCUMENTS_FINISHED.labels("failed").inc()
    log.info("document.ingest.failed", extra={"document_id": str(doc_id), "reason": reason})
    return Outcome(TaskStatus.failed, error=reason, result={"document": "failed"})


async def delete_objects(
    ctx: dict[str, Any], keys: list[str], document_ids: list[str] | None = None
) -> Outcome:
    """Remove purged documents' objects from S3: `keys`, and every key each of
    `document_ids` may have had (deleting a missing key is a no-op).

    An S3 error is retried with backoff, as ingest's are; after the last try the task
    ends `failed` and reconcile sends it again later, so no object is left for good.
    """
    context = _context(ctx)
    storage = context.storage
    try:
        every = [
            *keys,
            *(k for d in document_ids or () for k in storage.document_keys(uuid.UUID(d))),
        ]
    except ValueError:
        return Outcome(TaskStatus.failed, error="document_ids: not UUIDs")
    every = list(dict.fromkeys(every))
    job_try: int = ctx.get("job_try", 1)
    try:
        await storage.delete(*every)
    except (BotoCoreError, ClientError) as exc:
        reason = _describe(exc)
        if job_try >= context.settings.worker_max_tries:
            log.warning("storage.delete.gave_up", extra={"keys": len(every), "error": reason})
            return Outcome(TaskStatus.failed, error=f"gave up after {job_try} attempts: {reason}")
        log.warning("storage.delete.retry", extra={"try": job_try, "error": reason})
        raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc
    return Outcome(result={"deleted": len(every)})


async def reconcile(ctx: dict[str, Any], slot: str) -> Outcome:
    """Send again the work Postgres says is due but the queue lost (a flushed Redis,
    a killed worker, a crash between commit and enqueue)."""
    context = _context(ctx)
    maintenance = context.maintenance_settings
    jobs = JobBuffer()
    async with unit_of_work(context.sessionmaker) as session:
        count = await requeue_stale(
            session,
            ctx["redis"],
            jobs,
            queued_grace=timedelta(seconds=maintenance.reconcile_queued_grace_seconds),
            stale_after=timedelta(seconds=context.scheduler_settings.reconcile_stale_seconds),
            slot_tag=slot,
        )
    await jobs.flush(ctx["redis"])
    log.info("task.reconcile.done", extra={"slot": slot, "requeued": count})
    return Outcome(result={"requeued": count})


async def empty_trash(ctx: dict[str, Any], slot: str) -> Outcome:
    """Purge documents that have been in the trash for PALESS_EMPTY_TRASH_DAYS."""
    context = _context(ctx)
    days = context.maintenance_settings.empty_trash_days
    purged = await maintenance.purge_expired_trash(
        context.sessionmaker, context.storage, older_than=timedelta(days=days)
    )
    log.info("maintenance.empty_trash.done", extra={"purged": purged})
    return Outcome(result={"purged": purged})


async def expire_uploads(ctx: dict[str, Any], slot: str) -> Outcome:
    """Drop direct uploads whose form expired: those never completed, and their
    objects; the staging objects of completed ones."""
    context = _context(ctx)
    grace = timedelta(seconds=context.maintenance_settings.upload_expiry_grace_seconds)
    done = await maintenance.expire_uploads(context.sessionmaker, context.storage, grace=grace)
    result = {"expired": done.abandoned, "settled": done.settled}
    log.info("maintenance.expire_uploads.done", extra=result)
    return Outcome(result=result)


async def prune_tasks(ctx: dict[str, Any], slot: str) -> Outcome:
    """Delete finished task records older than PALESS_TASK_RETENTION_DAYS."""
    context = _context(ctx)
    days = context.maintenance_settings.task_retention_days
    async with unit_of_work(context.sessionmaker) as session:
        pruned = await maintenance.prune_tasks(session, older_than=timedelta(days=days))
    log.info("maintenance.prune_tasks.done", extra={"pruned": pruned})
    return Outcome(result={"pruned": pruned})


async def sanity_check(ctx: dict[str, Any], slot: str) -> Outcome:
    """Check that every object Postgres refers to is in S3 as recorded, and report
    (optionally remove) objects nothing refers to."""
    context = _context(ctx)
    settings = context.maintenance_settings
    report = await maintenance.sanity_check(
        context.sessionmaker,
        context.storage,
        orphan_min_age=timedelta(hours=settings.orphan_min_age_hours),
        remove_orphans=settings.sanity_remove_orphans,
    )
    return Outcome(result=report.as_result())
