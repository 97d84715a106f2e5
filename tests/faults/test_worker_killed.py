"""A worker killed with SIGKILL in the middle of an ingest (an OOM kill, a node lost):
the document is neither lost nor left half done, no second copy of its thumbnail
appears, and the retry shows in its task record.

The kill happens once, in a module fixture; the tests read what it recorded."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.tables import Document, DocumentStatus, Task, TaskStatus
from tests.conftest import upload
from tests.faults.conftest import (
    FINAL,
    Processes,
    children,
    eventually,
    fresh_state,
    heartbeat,
    in_process_web,
    new_account,
    wait_for_file,
)
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows, TaskRows

pytestmark = pytest.mark.faults

# Enough pages that parsing takes a second or two: long enough to be caught mid-way.
PAGES = 1200
# arq keeps a running job's "in progress" key for the job timeout + 10 s, and no other
# worker takes the job up before it lapses: the killed worker's timeout is kept short.
KILLED_WORKER_JOB_TIMEOUT = 3


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass(frozen=True)
class Run:
    document: Document
    tasks: list[Task]
    thumbnails: list[str]
    thumbnail_key: str
    killed_pid: int
    killed_exit: int | None
    task_when_killed: tuple[TaskStatus, int, str | None]
    replacement_pid: int
    replacement_alive: bool
    pool_of_killed: list[int]
    pool_left_running: list[int]
    seconds_to_ready: float


@pytest.fixture(scope="module")
async def run(
    servers: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    storage: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Run]:
    await fresh_state(db, queue)
    documents, tasks = DocumentRows(db), TaskRows(db)
    account = await new_account(db)
    processes = Processes(tmp_path_factory.mktemp("worker-killed"))
    try:
        first_env = processes.env(
            "worker",
            PALESS_WORKER_CONCURRENCY="1",
            PALESS_WORKER_JOB_TIMEOUT_SECONDS=str(KILLED_WORKER_JOB_TIMEOUT),
        )
        first = processes.start("paless-worker", first_env)
        await wait_for_file(heartbeat(first_env), first)
        # The replacement starts now (a process takes seconds to import everything) but
        # cannot take the job the first one is running: arq's in-progress key keeps it
        # off until the key lapses.
        second_env = processes.env(
            "worker",
            PALESS_WORKER_JOB_TIMEOUT_SECONDS="60",
            PALESS_RECONCILE_STALE_SECONDS="1",
            PALESS_RECONCILE_QUEUED_GRACE_SECONDS="1",
        )
        second = processes.start("paless-worker", second_env)

        async with in_process_web() as client:
            content = text_pdf(*(f"Page {n}" for n in range(1, PAGES + 1)))
            response = await upload(client, account, content, "long.pdf")
        assert response.status_code == 202, response.text
        document_id = response.json()["id"]

        async def status() -> DocumentStatus:
            return (await documents.require(document_id)).status

        caught = await eventually(
            status, lambda s: s != DocumentStatus.pending, within=20, watch=(first,), interval=0.02
        )
        assert caught == DocumentStatus.processing, "the ingest ended before it could be killed"
        running = await tasks.only_for_document(document_id)
        assert (running.worker_id or "").endswith(f":{first.process.pid}"), running.worker_id
        pool = children(first.process.pid)
        os.kill(first.process.pid, signal.SIGKILL)
        killed_exit = first.process.wait(timeout=5)
        killed_at = time.monotonic()
        when_killed = await tasks.only_for_document(document_id)

        await wait_for_file(heartbeat(second_env), second)
        await queue.enqueue_job("reconcile", "slot-after-kill")
        await eventually(status, lambda s: s in FINAL, within=45, watch=(second,), interval=0.2)
        seconds_to_ready = time.monotonic() - killed_at

        yield Run(
            document=await documents.require(document_id),
            tasks=await tasks.for_document(document_id),
            thumbnails=[
                item.key async for item in storage.list_objects(f"thumbnails/{document_id}")
            ],
            thumbnail_key=storage.thumbnail_key(document_id),
            killed_pid=first.process.pid,
            killed_exit=killed_exit,
            task_when_killed=(when_killed.status, when_killed.attempts, when_killed.worker_id),
            replacement_pid=second.process.pid,
            replacement_alive=second.process.poll() is None,
            pool_of_killed=pool,
            pool_left_running=[pid for pid in pool if alive(pid)],
            seconds_to_ready=seconds_to_ready,
        )
    finally:
        processes.kill_all()  # the killed worker's process group too


async def test_document_being_ingested_by_a_killed_worker_ends_ready(run: Run) -> None:
    document = run.document
    ingests = [task for task in run.tasks if task.kind == "ingest"]
    print(
        f"\n[faults] worker SIGKILL mid-ingest: faults injected 1, documents lost "
        f"{0 if document.status == DocumentStatus.ready else 1}; ready "
        f"{run.seconds_to_ready:.1f}s after the kill, task attempts "
        f"{[task.attempts for task in ingests]}"
    )
    assert run.killed_exit == -signal.SIGKILL
    assert run.task_when_killed[:2] == (TaskStatus.running, 1)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.page_count == PAGES
    assert (document.content or "").split("\f")[-1] == f"Page {PAGES}"
    assert document.ingest_attempts == 2
    # One thumbnail, under the key the row names: the second run replaced the first's.
    assert run.thumbnails == [run.thumbnail_key] == [document.thumbnail_key]
    # One task, run twice: arq took the job up again once the killed worker's claim on
    # it lapsed (reconcile saw arq still held it and sent nothing).
    assert [(task.status, task.attempts) for task in ingests] == [(TaskStatus.succeeded, 2)]
    assert (ingests[0].worker_id or "").endswith(f":{run.replacement_pid}")
    assert run.replacement_alive


async def test_pdf_processes_of_a_killed_worker_do_not_outlive_it(run: Run) -> None:
    print(
        f"\n[faults] PDF pool processes of the killed worker still running "
        f"{run.seconds_to_ready:.0f}s later: {len(run.pool_left_running)} of "
        f"{len(run.pool_of_killed)}"
    )
    assert run.pool_of_killed, "the killed worker had no pool processes to check"
    assert run.pool_left_running == []
