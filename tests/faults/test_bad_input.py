"""Broken and hostile files through the real upload route and a real `paless-worker`
process: each is refused at upload with a problem, or ends `ready` or `failed` with a
reason of its own; the worker never dies, and its memory stays bounded.

The worker runs once, in a module fixture, in two rounds: the broken files, then a
decompression bomb followed by three sound files. The tests read what it recorded.
PALESS_WORKER_MAX_TRIES is 2 to keep the bomb's retries short; everything else is as
deployed (4 concurrent jobs, one PDF process capped at 2048 MB of address space).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.tables import DocumentStatus
from tests.conftest import Account, upload
from tests.faults import corpus
from tests.faults.conftest import (
    FINAL,
    MemoryWatch,
    Processes,
    eventually,
    fresh_state,
    in_process_web,
    new_account,
    row_counts,
    statuses,
)
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows, TaskRows

pytestmark = pytest.mark.faults

MAX_TRIES = 2
PEAK_RSS_BOUND_MB = 2560  # the worker (~150 MB) + its one PDF process (capped at 2048 MB)

BROKEN: dict[str, Callable[[], bytes]] = {
    "truncated": corpus.truncated_pdf,
    "garbage-xref": corpus.garbage_xref_pdf,
    "encrypted": corpus.encrypted_pdf,
    "2000-pages": corpus.many_pages_pdf,
    "circular-outlines": corpus.circular_outlines_pdf,
    "prev-loop": corpus.prev_loop_pdf,
    "cyclic-page-tree": corpus.cyclic_page_tree_pdf,
}
INNOCENTS = ["innocent-1", "innocent-2", "innocent-3"]


@dataclass(frozen=True)
class Outcome:
    status: DocumentStatus
    reason: str | None
    pages: int | None
    content: str | None
    ingest_attempts: int
    task_attempts: list[int]


@dataclass(frozen=True)
class Run:
    outcomes: dict[str, Outcome]
    worker_alive: bool
    worker_log: str
    peak_rss_kb: int
    peak_by_pid_kb: dict[int, int]
    seconds: float


async def _outcome(documents: DocumentRows, tasks: TaskRows, document_id: uuid.UUID) -> Outcome:
    document = await documents.require(document_id)
    return Outcome(
        document.status,
        document.failure_reason,
        document.page_count,
        document.content,
        document.ingest_attempts,
        [task.attempts for task in await tasks.for_document(document_id)],
    )


@pytest.fixture(scope="module")
async def run(
    servers: Any,
    db: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Run]:
    await fresh_state(db, queue)
    account = await new_account(db)
    documents, tasks = DocumentRows(db), TaskRows(db)
    processes = Processes(tmp_path_factory.mktemp("bad-input"))
    started = time.monotonic()
    try:
        env = processes.env("worker", PALESS_WORKER_MAX_TRIES=str(MAX_TRIES))
        worker = processes.start("paless-worker", env)
        processes.start_ocr_worker(PALESS_WORKER_MAX_TRIES=str(MAX_TRIES))
        ids: dict[str, uuid.UUID] = {}
        async with in_process_web() as client:

            async def send(name: str, content: bytes) -> None:
                response = await upload(client, account, content, f"{name}.pdf")
                assert response.status_code == 202, response.text
                ids[name] = uuid.UUID(response.json()["id"])

            async def all_final(names: list[str]) -> None:
                await eventually(
                    lambda: statuses(db, [ids[name] for name in names]),
                    lambda found: set(found.values()) <= FINAL,
                    within=90,
                    watch=(worker,),
                    interval=0.2,
                )

            with MemoryWatch(worker.process.pid) as memory:
                for name, build in BROKEN.items():
                    await send(name, build())
                await all_final(list(BROKEN))
                # The bomb first, so the sound files queue up behind it in the pool.
                await send("bomb", corpus.decompression_bomb())
                for name in INNOCENTS:
                    await send(name, text_pdf(f"Sound file {name}"))
                await all_final(["bomb", *INNOCENTS])
        outcomes = {name: await _outcome(documents, tasks, ids[name]) for name in ids}
        yield Run(
            outcomes,
            worker.process.poll() is None,
            worker.log(),
            memory.peak_kb,
            memory.peak_by_pid,
            time.monotonic() - started,
        )
    finally:
        processes.kill_all()


def _show(run: Run) -> str:
    return "\n".join(
        f"  {name}: {o.status.value} attempts={o.ingest_attempts} pages={o.pages} "
        f"reason={o.reason!r}"
        for name, o in run.outcomes.items()
    )


async def test_worker_survives_the_corpus_and_its_memory_stays_bounded(run: Run) -> None:
    peak_mb = run.peak_rss_kb / 1024
    print(
        f"\n[faults] bad-input corpus ({len(run.outcomes)} documents, {run.seconds:.1f}s):\n"
        f"{_show(run)}\n"
        f"[faults] worker peak RSS (worker + PDF pool processes): {peak_mb:.0f} MB "
        f"(bound {PEAK_RSS_BOUND_MB} MB; per process, kB: {run.peak_by_pid_kb})"
    )
    assert run.worker_alive, run.worker_log[-4000:]
    for name, outcome in run.outcomes.items():
        assert outcome.status in FINAL, name
        if outcome.status == DocumentStatus.failed:
            assert outcome.reason, name
    assert peak_mb < PEAK_RSS_BOUND_MB


async def test_each_broken_file_ends_with_a_reason_of_its_own(run: Run) -> None:
    outcomes = run.outcomes
    failed = {
        "truncated": "not a valid PDF: ",
        "garbage-xref": "not a valid PDF: ",
        "encrypted": "the PDF is encrypted and needs a password to open",
        "cyclic-page-tree": "not a valid PDF: Detected cyclic page references",
    }
    for name, reason in failed.items():
        outcome = outcomes[name]
        assert outcome.status == DocumentStatus.failed, (name, outcome)
        assert (outcome.reason or "").startswith(reason), (name, outcome.reason)
        # A problem with the file itself is not retried.
        assert (outcome.ingest_attempts, outcome.task_attempts) == (1, [1]), (name, outcome)
    many = outcomes["2000-pages"]
    assert (many.status, many.pages) == (DocumentStatus.ready, 2000), many.reason
    assert (many.content or "").split("\f")[-1] == "Page 2000"
    # Loops in the outline and in the xref chain are cut; the page is read.
    for name, text in [("circular-outlines", "Hello"), ("prev-loop", "Prev loop")]:
        outcome = outcomes[name]
        assert (outcome.status, outcome.pages, outcome.content) == (
            DocumentStatus.ready,
            1,
            text,
        ), (name, outcome.reason)


async def test_decompression_bomb_fails_at_once_saying_it_decompresses_too_far(
    run: Run,
) -> None:
    bomb = run.outcomes["bomb"]
    assert bomb.status == DocumentStatus.failed
    assert "decompresses to more than is allowed" in (bomb.reason or ""), bomb.reason
    assert bomb.ingest_attempts == 1


async def test_sound_files_queued_behind_the_bomb_are_not_charged_for_it(
    run: Run,
) -> None:
    charged = {
        name: (o.status.value, o.ingest_attempts, o.reason)
        for name, o in run.outcomes.items()
        if name in INNOCENTS
    }
    print(f"\n[faults] sound files queued behind the bomb: {charged}")
    for name in INNOCENTS:
        outcome = run.outcomes[name]
        assert outcome.status == DocumentStatus.ready, (name, outcome.reason)
        assert outcome.ingest_attempts == 1, (name, outcome)


async def test_empty_file_and_html_named_pdf_are_refused_at_upload(
    client: httpx.AsyncClient, account: Account, db: async_sessionmaker[AsyncSession]
) -> None:
    empty = await upload(client, account, b"", "empty.pdf")
    html = await upload(client, account, corpus.HTML, "invoice.pdf")

    assert empty.status_code == 422, empty.text
    assert empty.headers["content-type"].startswith("application/problem+json")
    assert "empty" in empty.json()["detail"]
    assert html.status_code == 415, html.text
    assert html.headers["content-type"].startswith("application/problem+json")
    assert "not of an accepted type" in html.json()["detail"]
    assert await row_counts(db, account.id) == (0, 0)
