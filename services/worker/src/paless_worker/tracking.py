"""What happens around every job: its task record, its metrics, its request id.

A job is called with `task_id=` when its task row was written by whoever asked for it
(an upload, a reprocess, reconcile); a job enqueued without one (the scheduler's
periodic jobs) gets a row when it starts. Bookkeeping never decides a job's fate: if
Postgres is away, the job still runs and reconcile tidies the row later.

A job that opens transactions of its own anyway (ingest) can carry its task's start
and end in them instead of two more: `tracked(..., in_job=True)` leaves the start to
the job's first unit of work (`begin_task`), and the job may record its outcome in
its last one (`finish_task_in`), which the wrapper then does not write again.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from arq import Retry
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.documents.service import find_document
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.jobs import INGEST
from paless_shared.platform.observability import clean_request_id, request_id_var
from paless_shared.tables import TaskStatus
from paless_shared.tasks.service import Outcome, adopt_task, finish_task, start_task
from paless_worker.context import WorkerContext
from paless_worker.metrics import (
    JOB_DURATION,
    JOBS_FAILED,
    JOBS_RETRIED,
    JOBS_STARTED,
    JOBS_SUCCEEDED,
)

log = logging.getLogger(__name__)

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"

Job = Callable[..., Awaitable[Any]]

# The task row of the job running in this asyncio task (each arq job runs in its own):
# a job that hands its work on (OCR fan-out) names it as the one to report progress to.
current_task: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "paless_current_task", default=None
)


@dataclass
class _Tracking:
    """The task of the job running in this asyncio task, as the job left it."""

    kind: str
    args: tuple[Any, ...]
    job_id: str
    task_id: uuid.UUID | None
    to_start: bool  # in_job: the job's first unit of work starts it
    finished: bool = False  # the job recorded its outcome itself


_tracking: contextvars.ContextVar[_Tracking | None] = contextvars.ContextVar(
    "paless_tracking", default=None
)


async def begin_task(session: AsyncSession) -> None:
    """In an `in_job` job's first unit of work: mark its task running (as the wrapper
    does for other jobs, in a transaction of its own)."""
    state = _tracking.get()
    if state is None or not state.to_start:
        return
    state.to_start = False
    task = await _start(session, state.kind, state.args, state.task_id, state.job_id)
    state.task_id = task
    current_task.set(task)


async def finish_task_in(session: AsyncSession, outcome: Outcome) -> None:
    """Record the job's outcome on its task in the job's own (last) unit of work; the
    wrapper then leaves the row alone, unless the job goes on to raise."""
    state = _tracking.get()
    if state is None or state.task_id is None or outcome.status == TaskStatus.running:
        return
    await finish_task(session, state.task_id, outcome)
    state.finished = True


def tracked(kind: str, job: Job, *, in_job: bool = False) -> Job:
    @functools.wraps(job)
    async def run(
        ctx: dict[str, Any], *args: Any, request_id: str | None = None, task_id: str | None = None
    ) -> Any:
        context: WorkerContext = ctx["paless"]
        token = request_id_var.set(clean_request_id(request_id))
        JOBS_STARTED.labels(kind).inc()
        started = time.perf_counter()
        job_id = ctx.get("job_id", "")
        task: uuid.UUID | None
        if in_job and task_id is not None:
            task = uuid.UUID(task_id)
        else:
            task = await _begin(context, kind, args, task_id, job_id)
        state = _Tracking(kind, args, job_id, task, to_start=in_job and task_id is not None)
        tracking_token = _tracking.set(state)
        current_task.set(task)
        try:
            result = await job(ctx, *args)
        except Retry as exc:
            JOBS_RETRIED.labels(kind).inc()
            await _finish(context, state.task_id, Outcome(TaskStatus.queued, error=_cause(exc)))
            raise
        except asyncio.CancelledError:
            # Shutdown or timeout: arq requeues or gives up; reconcile settles the row.
            JOBS_FAILED.labels(kind).inc()
            await _finish(context, state.task_id, Outcome(TaskStatus.queued, error="interrupted"))
            raise
        except Exception as exc:
            JOBS_FAILED.labels(kind).inc()
            await _finish(context, state.task_id, Outcome(TaskStatus.failed, error=_describe(exc)))
            raise
        finally:
            JOB_DURATION.labels(kind).observe(time.perf_counter() - started)
            request_id_var.reset(token)
            _tracking.reset(tracking_token)
        task = state.task_id
        outcome = result if isinstance(result, Outcome) else Outcome(result={"value": result})
        counter = JOBS_FAILED if outcome.status == TaskStatus.failed else JOBS_SUCCEEDED
        counter.labels(kind).inc()
        if outcome.status != TaskStatus.running and not state.finished:
            # Running: the job handed its work on (pages out to OCR); the job that
            # finishes that work ends the task.
            await _finish(context, task, outcome)
        return {"status": outcome.status.value, "error": outcome.error, **(outcome.result or {})}

    return run


def untracked(kind: str, job: Job) -> Job:
    """A job with no task row of its own (one OCR page, the assembly of an archive):
    it reports to the task of the work it is part of. Metrics and request id only."""

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, request_id: str | None = None) -> Any:
        token = request_id_var.set(clean_request_id(request_id))
        JOBS_STARTED.labels(kind).inc()
        started = time.perf_counter()
        try:
            outcome = await job(ctx, *args)
        except Retry:
            JOBS_RETRIED.labels(kind).inc()
            raise
        except BaseException:
            JOBS_FAILED.labels(kind).inc()
            raise
        finally:
            JOB_DURATION.labels(kind).observe(time.perf_counter() - started)
            request_id_var.reset(token)
        counter = JOBS_FAILED if outcome.status == TaskStatus.failed else JOBS_SUCCEEDED
        counter.labels(kind).inc()
        return {"status": outcome.status.value, "error": outcome.error, **(outcome.result or {})}

    return run


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _cause(exc: Retry) -> str:
    return _describe(exc.__cause__) if exc.__cause__ else "retry"


async def _begin(
    context: WorkerContext, kind: str, args: tuple[Any, ...], task_id: str | None, job_id: str
) -> uuid.UUID | None:
    try:
        async with unit_of_work(context.sessionmaker) as session:
            given = uuid.UUID(task_id) if task_id else None
            return await _start(session, kind, args, given, job_id)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("task.begin.failed", extra={"kind": kind, "error": _describe(exc)})
        return None


async def _start(
    session: AsyncSession,
    kind: str,
    args: tuple[Any, ...],
    task_id: uuid.UUID | None,
    job_id: str,
) -> uuid.UUID | None:
    """Mark the job's task running; a job that has no row (anymore) gets one."""
    task = None
    if task_id is not None:
        task = await start_task(session, task_id, WORKER_ID)
    if task is None:
        owner_id, document_id = await _subject(session, kind, args)
        adopted = await adopt_task(
            session, kind, job_id, list(args), owner_id=owner_id, document_id=document_id
        )
        task = await start_task(session, adopted.id, WORKER_ID)
    return task


async def _subject(
    session: AsyncSession, kind: str, args: tuple[Any, ...]
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """Owner and document of an ingest job enqueued without a task row."""
    if kind != INGEST or not args:
        return None, None
    try:
        document = await find_document(session, uuid.UUID(str(args[0])))
    except ValueError:
        return None, None
    return (document.owner_id, document.id) if document else (None, None)


async def _finish(context: WorkerContext, task: uuid.UUID | None, outcome: Outcome) -> None:
    if task is None:
        return
    try:
        async with unit_of_work(context.sessionmaker) as session:
            await finish_task(session, task, outcome)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("task.finish.failed", extra={"task_id": str(task), "error": _describe(exc)})
