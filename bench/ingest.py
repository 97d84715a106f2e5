"""Ingest throughput: documents through upload → queue → worker → `ready`, compared in
the same run with the raw pipeline on the same files in one process (SHA-256, pypdf text
of every page, pypdfium2 page-1 thumbnail).

    uv run python bench/ingest.py [--documents 90] [--pages 10]

Two figures per worker count (1 and 2 `paless-worker` processes, each with one PDF
process and the default concurrency):

- end to end: the clock runs from the first upload to the last document `ready`, with
  the uploads (web in this process) competing for the same 2 CPUs as the workers;
- worker pipeline: every document is uploaded first (its job held in another queue),
  then all the jobs are handed to the idle workers at once; the figure is documents
  over the span from the first ingest task's start to the last one's finish, as
  Postgres recorded them. This is the one "per worker process" compares with the
  raw pipeline: nothing else runs on the CPUs meanwhile.

The raw pipeline runs three times, around and between the others, and its median
counts, so that load from neighbours on a shared machine falls on both sides.
Brings up its own servers (the ones on 127.0.0.1 when they answer, else embedded ones,
and a fresh SeaweedFS), prints a table and writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pypdfium2 as pdfium
from pypdf import PdfReader
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PeakMemory, bench_servers, machine, print_table, write_results

from tests.pdfs import text_pdf

WORDS = [
    "invoice",
    "total",
    "amount",
    "due",
    "payment",
    "account",
    "reference",
    "customer",
    "order",
    "tax",
]


def sample_pdf(index: int, pages: int) -> bytes:
    lines = [
        f"Document {index} page {page} " + " ".join(secrets.choice(WORDS) for _ in range(12))
        for page in range(pages)
    ]
    return text_pdf(*lines)


HOLD_QUEUE = "paless:bench-hold"
RAW_CPU: list[float] = []  # CPU seconds of each raw_pipeline run


def raw_pipeline(files: list[bytes]) -> float:
    """Seconds for the same work the worker does, in one process, no network."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    for content in files:
        hashlib.sha256(content).hexdigest()
        reader = PdfReader(io.BytesIO(content))
        "\f".join(page.extract_text() or "" for page in reader.pages)
        document = pdfium.PdfDocument(content)
        page = document[0]
        image = page.render(scale=400 / page.get_width()).to_pil()
        image.save(io.BytesIO(), format="WEBP", quality=80)
        document.close()
    RAW_CPU.append(time.process_time() - cpu_started)
    return time.perf_counter() - started


WARM_UP = 4  # documents per worker each run sends first (one per job slot), not counted
PAGES = [10]  # pages per generated document (--pages)


async def release_held(env: dict[str, str], queue: str) -> None:
    """Hand the jobs held in HOLD_QUEUE to the workers' `queue`, all at once."""
    from redis.asyncio import Redis

    redis = Redis.from_url(env["PALESS_REDIS_URL"])
    # arq's queue is a sorted set of job ids; the jobs themselves are keyed by id.
    await redis.zunionstore(queue, [queue, HOLD_QUEUE])
    await redis.delete(HOLD_QUEUE)
    await redis.aclose()


async def wait_final(sessions: Any, ids: list[str]) -> None:
    """Until each of these documents is ready or failed."""
    while True:
        async with sessions() as session:
            left = await session.scalar(
                text(
                    "SELECT count(*) FROM documents WHERE id = ANY(:ids) "
                    "AND status NOT IN ('ready', 'failed')"
                ),
                {"ids": ids},
            )
        if left == 0:
            return
        await asyncio.sleep(0.02)


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [str(Path(sys.executable).parent / "paless-worker")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


async def wait_workers_ready(env: dict[str, str], count: int) -> None:
    """Until every worker has written arq's health-check key (it is up and polling)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(env["PALESS_REDIS_URL"])
    try:
        for _ in range(600):
            # One key per queue, whichever worker wrote it: give a second one a moment.
            if await redis.keys("*health-check*"):
                await asyncio.sleep(1.0 if count > 1 else 0.2)
                return
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()


async def run_ingest(
    files: list[bytes],
    workers: int,
    env: dict[str, str],
    *,
    prefill: bool,
    profile: Path | None = None,
) -> dict[str, float]:
    """Ingest `files` with `workers` worker processes (each with one PDF process).

    The workers are up and idle first. prefill=False: seconds from the first upload to
    the last document `ready`. prefill=True: the uploads' jobs go to a queue nobody
    reads, and are moved to the workers' queue all at once when every file is in;
    seconds from the first ingest task's start to the last one's finish.

    With `profile`, py-spy samples the (first) worker's main process and its PDF
    process while the jobs run, each into a collapsed-stacks file in that folder."""
    from redis.asyncio import Redis

    from paless_shared.accounts.users import create_user
    from paless_shared.platform.database import create_engine, create_sessionmaker, unit_of_work
    from paless_shared.platform.settings import DatabaseSettings, RedisSettings, load
    from paless_web.app import create_app

    engine = create_engine(load(DatabaseSettings))
    sessions = create_sessionmaker(engine)
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    async with unit_of_work(sessions) as session:
        await create_user(session, username, password)
    redis = Redis.from_url(env["PALESS_REDIS_URL"])
    await redis.flushdb()  # no health-check key of the previous round's workers
    await redis.aclose()

    processes: list[subprocess.Popen[bytes]] = []
    spies: list[subprocess.Popen[bytes]] = []
    memory: PeakMemory | None = None
    try:
        processes = start_workers(workers, env)
        await wait_workers_ready(env, workers)
        memory = PeakMemory({f"worker{n}": p.pid for n, p in enumerate(processes)})
        memory.__enter__()
        queue = load(RedisSettings).queue_name  # the workers'
        if prefill:
            os.environ["PALESS_QUEUE_NAME"] = HOLD_QUEUE  # read by the app's lifespan
        app = create_app()
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                token = (
                    await client.post(
                        "/api/v1/auth/token", data={"username": username, "password": password}
                    )
                ).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                limit = asyncio.Semaphore(4)  # four clients uploading at once

                async def send(index: int, content: bytes) -> str:
                    async with limit:
                        response = await client.post(
                            "/api/v1/documents",
                            headers=headers,
                            files={"file": (f"doc-{index}.pdf", content, "application/pdf")},
                        )
                    return str(response.json()["id"])

                # Warm-up, as the raw pipeline has one: a long-running worker has
                # configured its mappers, compiled its statements and opened its
                # connections long before; a fresh one does it on its first documents.
                warm_files = [sample_pdf(-1 - i, PAGES[0]) for i in range(WARM_UP * workers)]
                warm = await asyncio.gather(*(send(-1 - i, c) for i, c in enumerate(warm_files)))
                if prefill:
                    await release_held(env, queue)
                await wait_final(sessions, warm)
                cpu_before = cpu_seconds(processes)
                started = time.perf_counter()
                ids = await asyncio.gather(*(send(i, c) for i, c in enumerate(files)))
        if prefill:
            del os.environ["PALESS_QUEUE_NAME"]
            if profile is not None:
                spies = start_profilers(processes[0].pid, profile)
            await release_held(env, queue)
        await wait_final(sessions, ids)
        elapsed = time.perf_counter() - started
        for spy in spies:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        async with sessions() as session:
            failed = list(
                await session.scalars(
                    text(
                        "SELECT failure_reason FROM documents "
                        "WHERE id = ANY(:ids) AND status = 'failed'"
                    ),
                    {"ids": ids},
                )
            )
            span = await session.scalar(
                text(
                    "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM tasks "
                    "WHERE kind = 'ingest' AND document_id = ANY(:ids)"
                ),
                {"ids": ids},
            )
        assert not failed, f"{len(failed)} documents failed: {failed}"
        cpu_after = cpu_seconds(processes)
        used = {role: cpu_after[role] - cpu_before[role] for role in cpu_before}
    finally:
        if memory is not None:
            memory.__exit__(None, None, None)
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        await engine.dispose()
    peak = max(memory.tree_peak_kb.values()) / 1024 if memory else 0.0
    result = {"seconds": float(span) if prefill else elapsed, "worker_tree_peak_rss_mib": peak}
    result |= {f"{role}_cpu_ms_per_doc": 1000 * cpu / len(files) for role, cpu in used.items()}
    return result


PY_SPY = ["py-spy", "record", "-r", "250", "-f", "raw", "--nonblocking"]


def start_profilers(worker: int, folder: Path) -> list[subprocess.Popen[bytes]]:
    """py-spy (on PATH) on a worker's main process and on each of its PDF processes."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = {"worker_main": worker}
    for n, child in enumerate(psutil.Process(worker).children(recursive=True)):
        if "multiprocessing" in " ".join(child.cmdline()):
            targets[f"pdf_process{n}"] = child.pid
    return [
        subprocess.Popen(
            [*PY_SPY, "-p", str(pid), "-o", str(folder / f"{name}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in targets.items()
    ]


def cpu_seconds(workers: list[subprocess.Popen[bytes]]) -> dict[str, float]:
    """CPU time (user + system) so far of the worker processes and of their children
    (the PDF processes), each group summed."""
    totals = {"worker_main": 0.0, "pdf_processes": 0.0}
    for worker in workers:
        root = psutil.Process(worker.pid)
        totals["worker_main"] += sum(root.cpu_times()[:2])
        for child in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                totals["pdf_processes"] += sum(child.cpu_times()[:2])
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    # At most 98 per run: each run starts fresh workers, and a PDF process that reaches
    # its 100th task (warm-up included) while others wait hangs them until the 120 s
    # parse timeout (CPython gh-115634, max_tasks_per_child, unfixed in 3.11): the
    # document fails. `--documents 100` shows it. Reported; not a benchmark matter.
    parser.add_argument("--documents", type=int, default=90)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument(
        "--one-worker", action="store_true", help="skip the 2-worker runs (no results file)"
    )
    parser.add_argument(
        "--profile", type=Path, help="py-spy the 1-worker pipeline run into this folder"
    )
    args = parser.parse_args()

    PAGES[0] = args.pages
    files = [sample_pdf(i, args.pages) for i in range(args.documents)]
    pages = args.documents * args.pages
    runs: dict[str, dict[str, float]] = {}
    raw_runs: list[float] = []
    with bench_servers("ingest") as env:
        env = {**env, "PALESS_WORKER_PDF_PROCESSES": "1"}
        os.environ.update(env)
        raw_pipeline(files[:2])  # warm imports and caches
        raw_runs.append(raw_pipeline(files))
        for workers in (1,) if args.one_worker else (1, 2):
            for prefill in (False, True):
                name = f"{'worker_pipeline' if prefill else 'end_to_end'}_{workers}_worker"
                profile = args.profile if prefill and workers == 1 else None
                runs[name] = asyncio.run(
                    run_ingest(files, workers, env, prefill=prefill, profile=profile)
                )
            raw_runs.append(raw_pipeline(files))
    raw = statistics.median(raw_runs)
    if args.one_worker:
        raw_cpu = 1000 * statistics.median(RAW_CPU[1:]) / args.documents
        for name, run in runs.items():
            print(f"{name}: {args.documents / run['seconds']:.1f} docs/s, "
                  f"{raw / run['seconds']:.2f}x raw; cpu ms/doc main "
                  f"{run['worker_main_cpu_ms_per_doc']:.1f} pdf "
                  f"{run['pdf_processes_cpu_ms_per_doc']:.1f} (raw {raw_cpu:.1f})")  # fmt: skip
        print(f"raw runs {raw_runs}; load {os.getloadavg()[0]:.1f}")
        return

    def docs_per_s(name: str) -> float:
        return args.documents / runs[name]["seconds"]

    results = {
        "benchmark": "ingest",
        "documents": args.documents,
        "pages_per_document": args.pages,
        "worker_concurrency": "default (4)",
        "pdf_processes_per_worker": 1,
        "machine": machine(),
        "raw_pipeline_docs_per_s": args.documents / raw,
        "raw_pipeline_runs_s": raw_runs,
        "end_to_end_1_worker_docs_per_s": docs_per_s("end_to_end_1_worker"),
        "end_to_end_1_worker_pages_per_s": pages / runs["end_to_end_1_worker"]["seconds"],
        "end_to_end_2_workers_docs_per_s": docs_per_s("end_to_end_2_worker"),
        "worker_pipeline_1_worker_docs_per_s": docs_per_s("worker_pipeline_1_worker"),
        "worker_pipeline_1_worker_pages_per_s": pages / runs["worker_pipeline_1_worker"]["seconds"],
        "worker_pipeline_2_workers_docs_per_s": docs_per_s("worker_pipeline_2_worker"),
        "ratio_end_to_end_1_worker_vs_raw": raw / runs["end_to_end_1_worker"]["seconds"],
        "ratio_end_to_end_2_workers_vs_1": runs["end_to_end_1_worker"]["seconds"]
        / runs["end_to_end_2_worker"]["seconds"],
        "ratio_worker_pipeline_1_worker_vs_raw": raw / runs["worker_pipeline_1_worker"]["seconds"],
        "ratio_worker_pipeline_2_workers_vs_1": runs["worker_pipeline_1_worker"]["seconds"]
        / runs["worker_pipeline_2_worker"]["seconds"],
        "targets": {"per_worker_vs_raw": 0.85, "two_workers_vs_one": 1.7},
        # Where the CPU goes, per document (hardly moved by a neighbour's load, unlike
        # the rates): the raw pipeline, then the workers' main and PDF processes.
        "cpu_ms_per_doc": {
            "raw_pipeline": 1000 * statistics.median(RAW_CPU[1:]) / args.documents,
            **{
                f"{name}.{key.removesuffix('_cpu_ms_per_doc')}": value
                for name, run in runs.items()
                for key, value in run.items()
                if key.endswith("_cpu_ms_per_doc")
            },
        },
        "worker_tree_peak_rss_mib": {
            name: run["worker_tree_peak_rss_mib"] for name, run in runs.items()
        },
    }
    path = write_results("ingest", results)
    print_table(results)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
