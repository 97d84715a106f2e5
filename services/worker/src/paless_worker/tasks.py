"""arq jobs. Thin: each calls shared services and owns its unit of work.

Every job is idempotent (arq may run a job more than once) and takes ids, not objects.
"""

from __future__ import annotations

import logging
import random
import uuid
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import Any

from arq import Retry
from botocore.exceptions import BotoCoreError, ClientError

from paless_shared.maintenance import service as maintenance
from paless_shared.maintenance.reconcile import requeue_stale
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.errors import concurrent_transaction, unavailable_dependency
from paless_shared.platform.jobs import JobBuffer
from paless_shared.search import service as search
from paless_shared.tables import TaskStatus
from paless_shared.tasks.service import Outcome
from paless_worker.context import WorkerContext

log = logging.getLogger(__name__)


def is_transient(exc: BaseException) -> bool:
    """Errors that say nothing about the document: the next attempt may succeed.

    Database errors count only when they are about the connection or a concurrent
    transaction (a deadlock Postgres broke); a value Postgres refuses (DataError,
    IntegrityError) will be refused again.
    """
    if unavailable_dependency(exc) is not None or concurrent_transaction(exc):
        return True
    return isinstance(exc, OSError | BrokenProcessPool)


def retry_delay(job_try: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8… seconds, capped at 5 minutes."""
    return random.uniform(0, min(300.0, 2.0**job_try))  # noqa: S311 (jitter, not secrets)


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, BrokenProcessPool):
        return "the PDF parser process stopped unexpectedly"
    return f"{type(exc).__name__}: {exc}"[:500]


def _context(ctx: dict[str, Any]) -> WorkerContext:
    context: WorkerContext = ctx["paless"]
    return context


async def delete_objects(
    ctx: dict[str, Any], keys: list[str], document_ids: list[str] | None = None
) -> Outcome:
    """Remove purged documents' objects from S3, every version's: `keys`, every key each
    of `document_ids` may have had, and everything under their renditions prefix
    (deleting a missing key is a no-op).

    An S3 error is retried with backoff, as ingest's are; after the last try the task
    ends `failed` and reconcile sends it again later, so no object is left for good.
    """
    context = _context(ctx)
    storage = context.storage
    try:
        documents = [uuid.UUID(document_id) for document_id in document_ids or ()]
    except ValueError:
        return Outcome(TaskStatus.failed, error="document_ids: not UUIDs")
    every = list(dict.fromkeys([*keys, *(k for d in documents for k in storage.document_keys(d))]))
    job_try: int = ctx.get("job_try", 1)
    try:
        await storage.delete(*every)
        deleted = len(every)
        for document_id in documents:
            deleted += await storage.delete_prefix(storage.renditions_prefix(document_id))
    except (BotoCoreError, ClientError) as exc:
        reason = describe_error(exc)
        if job_try >= context.settings.worker_max_tries:
            log.warning("storage.delete.gave_up", extra={"keys": len(every), "error": reason})
            return Outcome(TaskStatus.failed, error=f"gave up after {job_try} attempts: {reason}")
        log.warning("storage.delete.retry", extra={"try": job_try, "error": reason})
        raise Retry(defer=timedelta(seconds=retry_delay(job_try))) from exc
    return Outcome(result={"deleted": deleted})


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


async def search_statistics(ctx: dict[str, Any], slot: str) -> Outcome:
    """Count again how many documents hold each word: the term rarity that relevance
    ranking reads (search_terms, search_corpus)."""
    context = _context(ctx)
    async with unit_of_work(context.sessionmaker) as session:
        counted = await search.refresh_statistics(session)
    log.info("search.statistics.done", extra=counted)
    return Outcome(result=counted)


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
