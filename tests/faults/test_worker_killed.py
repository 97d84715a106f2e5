"""A worker killed with SIGKILL while it holds four ingests (an OOM kill, a node lost),
with a second worker running: no document is lost or left half done, no second copy
of a thumbnail appears, the retry shows in each task record, and every job is running
again, on the second worker, within 30 s of the kill (the killed worker's claims on
its jobs are short leases it can no longer renew).

The kill happens once, in a module fixture; the tests read what it recorded."""

from __future__ import annotations

import os
import signal
import time
import uuid
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
    CrawlingLink,
    Processes,
    children,
    eventually,
    fresh_state,
    heartbeat,
    in_process_web,
    new_account,
    statuses,
    wait_for_file,
)
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows, TaskRows

# Four long ingests, twice over, on a machine that may be busy: more than the default.
pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

JOBS = 4
PAGES = 400
# The first worker reaches S3 through a link that starts to crawl once it has read a few
# short documents (starting its PDF processes): each 110 KB original then takes about a
# minute and a half to download, so the four jobs are still running when the second worker has
# started and the first is killed, without four long parses loading the machine. The
# second worker reaches S3 directly.
LINK_BYTES_PER_SECOND = 1024
# The promise: every job of a dead worker runs again within this long of its death.
RECOVERY_SECONDS = 30.0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass(frozen=True)
class Run:
    documents: list[Document]
    tasks: dict[uuid.UUID, list[Task]]
    thumbnails: dict[uuid.UUID, list[str]]
    killed_pid: int
    killed_exit: int | None
    tasks_when_killed: list[tuple[TaskStatus, int, str | None]]
    replacement_pid: int
    replacement_alive: bool
    pool_of_killed: list[int]
    pool_left_running: list[int]
    seconds_to_running_again: float
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
    account = await new_account(db)
    processes = Processes(tmp_path_factory.mktemp("worker-killed"))
    direct = processes.env("worker")["PALESS_S3_ENDPOINT_URL"]
    async with CrawlingLink(direct, LINK_BYTES_PER_SECOND) as link:
        try:
            run = await _kill_a_busy_worker(db, queue, storage, processes, account, link)
        finally:
            processes.kill_all()  # the killed worker's process group too
    yield run


async def _kill_a_busy_worker(
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    storage: Any,
    processes: Processes,
    account: Any,
    link: CrawlingLink,
) -> Run:
    documents, tasks = DocumentRows(db), TaskRows(db)
    # The job timeout stays at its default (minutes): how soon the jobs run again
    # must not depend on it.
    first_env = processes.env(
        "worker",
        PALESS_WORKER_CONCURRENCY=str(JOBS),
        PALESS_WORKER_PDF_PROCESSES=str(JOBS),
        PALESS_S3_ENDPOINT_URL=link.url,
    )
    first = processes.start("paless-worker", first_env)
    await wait_for_file(heartbeat(first_env), first)

    async with in_process_web() as client:
        # Short documents first, at full speed: the worker starts its PDF processes.
        warm_up = []
        for n in range(JOBS):
            response = await upload(client, account, text_pdf(f"Warm-up {n}"), f"short-{n}.pdf")
            assert response.status_code == 202, response.text
            warm_up.append(uuid.UUID(response.json()["id"]))

        async def warmed_up() -> bool:
            return set((await statuses(db, warm_up)).values()) == {DocumentStatus.ready}

        await eventually(warmed_up, bool, within=60, watch=(first,), interval=0.1)
        link.crawling = True
        ids = []
        for n in range(JOBS):
            content = text_pdf(*(f"Doc {n} page {p}" for p in range(1, PAGES + 1)))
            response = await upload(client, account, content, f"long-{n}.pdf")
            assert response.status_code == 202, response.text
            ids.append(uuid.UUID(response.json()["id"]))

    async def all_processing() -> bool:
        found = await statuses(db, ids)
        assert not set(found.values()) & FINAL, f"an ingest ended before the kill: {found}"
        return set(found.values()) == {DocumentStatus.processing}

    await eventually(all_processing, bool, within=30, watch=(first,), interval=0.02)
    # The second worker starts now; it cannot take the jobs the first one runs.
    second_env = processes.env(
        "worker",
        PALESS_RECONCILE_STALE_SECONDS="1",
        PALESS_RECONCILE_QUEUED_GRACE_SECONDS="1",
    )
    second = processes.start("paless-worker", second_env)
    await wait_for_file(heartbeat(second_env), second)
    await all_processing()
    for document_id in ids:
        running = await tasks.only_for_document(document_id)
        assert (running.worker_id or "").endswith(f":{first.process.pid}"), running.worker_id
    pool = children(first.process.pid)
    os.kill(first.process.pid, signal.SIGKILL)
    killed_exit = first.process.wait(timeout=5)
    killed_at = time.monotonic()
    when_killed = [await tasks.only_for_document(document_id) for document_id in ids]
    await queue.enqueue_job("reconcile", "slot-after-kill")

    async def attempts() -> list[int]:
        return [(await documents.require(d)).ingest_attempts for d in ids]

    await eventually(attempts, lambda a: min(a) >= 2, within=RECOVERY_SECONDS + 30, watch=(second,))
    seconds_to_running_again = time.monotonic() - killed_at

    async def final() -> bool:
        return set((await statuses(db, ids)).values()) <= FINAL

    await eventually(final, bool, within=180, watch=(second,), interval=0.2)
    seconds_to_ready = time.monotonic() - killed_at

    return Run(
        documents=[await documents.require(d) for d in ids],
        tasks={d: await tasks.for_document(d) for d in ids},
        thumbnails={
            d: [
                item.key
                async for item in storage.list_objects(f"renditions/{d}/")
                if item.key.endswith("thumbnail.webp")
            ]
            for d in ids
        },
        killed_pid=first.process.pid,
        killed_exit=killed_exit,
        tasks_when_killed=[(t.status, t.attempts, t.worker_id) for t in when_killed],
        replacement_pid=second.process.pid,
        replacement_alive=second.process.poll() is None,
        pool_of_killed=pool,
        pool_left_running=[pid for pid in pool if alive(pid)],
        seconds_to_running_again=seconds_to_running_again,
        seconds_to_ready=seconds_to_ready,
    )


async def test_every_job_of_a_killed_worker_runs_again_within_30_seconds(run: Run) -> None:
    print(
        f"\n[faults] worker SIGKILL holding {JOBS} ingests: every job running again "
        f"{run.seconds_to_running_again:.1f}s after the kill (limit {RECOVERY_SECONDS:.0f}s), "
        f"every document final {run.seconds_to_ready:.1f}s after it"
    )
    assert run.seconds_to_running_again < RECOVERY_SECONDS


async def test_documents_being_ingested_by_a_killed_worker_end_ready(run: Run) -> None:
    lost = sum(document.status != DocumentStatus.ready for document in run.documents)
    print(f"\n[faults] worker SIGKILL mid-ingest: faults injected 1, documents lost {lost}")
    assert run.killed_exit == -signal.SIGKILL
    assert [state[:2] for state in run.tasks_when_killed] == [(TaskStatus.running, 1)] * JOBS
    for n, document in enumerate(run.documents):
        assert document.status == DocumentStatus.ready, document.failure_reason
        assert document.page_count == PAGES
        assert (document.content or "").split("\f")[-1] == f"Doc {n} page {PAGES}"
        assert document.ingest_attempts == 2
        # One thumbnail, under the key the row names: the second attempt carried on the
        # same processing run, under the same keys.
        assert run.thumbnails[document.id] == [document.thumbnail_key]
        # One task, run twice: arq took the job up again once the killed worker's lease
        # on it lapsed (reconcile saw arq still held it and sent nothing).
        ingests = [task for task in run.tasks[document.id] if task.kind == "ingest"]
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
