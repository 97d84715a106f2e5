"""Reconcile: make the queue agree with Postgres, which holds every task's and
document's state (the queue may lose messages)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.maintenance import queries
from paless_shared.platform.jobs import (
    DELETE_OBJECTS,
    INGEST,
    JobBuffer,
    ingest_job_id,
    job_exists,
    job_finished,
)
from paless_shared.tables import TaskStatus
from paless_shared.tasks.service import create_task

log = logging.getLogger(__name__)


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
    - a `delete_objects` task that ended `failed` (S3 kept refusing through every
      retry) longer than `stale_after` ago is sent again: a purged document's objects
      have no row left to find them by, so this task is their only record;
    - a document `pending`/`processing` for longer than `stale_after` with no active
      task gets a new ingest task.

    Sending a job that did survive is harmless: arq ignores a second enqueue of a job
    id it holds, and every job is idempotent.
    """
    now = datetime.now(UTC)
    requeued = 0
    unsettled = await queries.stale_tasks(
        session, queued_before=now - queued_grace, running_before=now - stale_after, limit=limit
    )
    failed_deletes = await queries.failed_tasks(
        session, DELETE_OBJECTS, finished_before=now - stale_after, limit=limit
    )
    for task in [*unsettled, *failed_deletes]:
        if await job_exists(queue, task.job_id):
            continue
        if await job_finished(queue, task.job_id):
            task.job_id = f"{task.job_id.split('~')[0]}~{slot_tag}"
        task.status = TaskStatus.queued
        task.enqueued_at = now
        task.finished_at = None
        await session.flush()
        jobs.add(task.kind, *task.args, job_id=task.job_id, task_id=str(task.id))
        requeued += 1
        log.info("task.reconcile.requeued", extra={"task_id": str(task.id), "kind": task.kind})

    stale = await queries.stale_documents(session, now - stale_after, limit)
    covered = await queries.documents_with_active_task(
        session, [document_id for document_id, _ in stale]
    )
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
