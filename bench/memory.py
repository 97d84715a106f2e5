"""Memory (benchmark 5): peak RSS of web and of the worker (with its PDF processes)
while ingesting one 500-page PDF, then a batch of ordinary documents.

    uv run python bench/memory.py [--pages 500] [--documents 20]

web and worker run as their console scripts with the product's defaults (worker
concurrency 4, one PDF process per CPU). Per process the figure is the kernel's VmHWM
(its exact peak), reset between the two phases; per tree it is the largest sum of the
members' RSS seen at a 20 ms sample. Writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BIN,
    PeakMemory,
    Process,
    bench_servers,
    create_account,
    machine,
    print_table,
    reset_peaks,
    start,
    start_web,
    write_results,
)

from tests.pdfs import text_pdf

WORDS = (
    "invoice", "total", "amount", "due", "payment", "account", "reference", "customer", "order",
    "tax",
)  # fmt: skip


def long_pdf(pages: int, characters_per_page: int = 2000) -> bytes:
    """`pages` pages of text, a new random line of words on each."""
    lines = []
    for page in range(pages):
        words = [f"Page {page + 1}:"]
        while sum(len(w) + 1 for w in words) < characters_per_page:
            words.append(secrets.choice(WORDS))
        lines.append(" ".join(words))
    return text_pdf(*lines, title=f"{pages} pages")


def wait_processed(
    client: httpx.Client, ids: list[str], watch: list[Process], within: float
) -> float:
    """Seconds until every document is ready (failing loudly on `failed`)."""
    started = time.perf_counter()
    left = set(ids)
    while left:
        for process in watch:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{process.name} exited:\n{process.log_tail()}")
        for document_id in list(left):
            document = client.get(f"/api/v1/documents/{document_id}").json()
            if document["status"] == "failed":
                raise RuntimeError(f"{document_id} failed: {document['failure_reason']}")
            if document["status"] == "ready":
                left.discard(document_id)
        if time.perf_counter() - started > within:
            raise RuntimeError(f"{len(left)} documents not ready after {within}s")
        time.sleep(0.1)
    return time.perf_counter() - started


def upload(client: httpx.Client, name: str, content: bytes) -> str:
    response = client.post(
        "/api/v1/documents", files={"file": (name, content, "application/pdf")}, timeout=120
    )
    response.raise_for_status()
    return str(response.json()["id"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--documents", type=int, default=20)
    args = parser.parse_args()

    big = long_pdf(args.pages)
    batch = [long_pdf(10, 800) for _ in range(args.documents)]
    results: dict[str, Any] = {
        "benchmark": "memory",
        "machine": machine(),
        "big_pdf": {"pages": args.pages, "bytes": len(big)},
    }
    with bench_servers("memory") as env:
        web, base_url = start_web(env)
        worker = start([str(BIN / "paless-worker")], env, "worker")
        processes = [web, worker]
        try:
            headers = create_account(env, base_url)
            heartbeat = Path(env["PALESS_WORKER_HEARTBEAT_FILE"])
            while not heartbeat.exists():
                if worker.popen.poll() is not None:
                    raise RuntimeError(f"worker exited:\n{worker.log_tail()}")
                time.sleep(0.1)
            time.sleep(1.0)  # PDF processes started and idle
            roots = {"web": web.popen.pid, "worker": worker.popen.pid}
            reset_peaks(*roots.values())  # from here on: not the start-up's imports
            with PeakMemory(roots) as idle:
                time.sleep(0.5)
            results["idle"] = idle.report_mib()

            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
                reset_peaks(*roots.values())
                with PeakMemory(roots) as during_big:
                    document_id = upload(client, "big.pdf", big)
                    seconds = wait_processed(client, [document_id], processes, within=600)
                results["big_pdf"]["seconds_to_ready"] = seconds
                results["big_pdf"]["pages_per_s"] = args.pages / seconds
                results["big_pdf"] |= during_big.report_mib()

                reset_peaks(*roots.values())
                with PeakMemory(roots) as during_batch:
                    ids = [upload(client, f"doc-{i}.pdf", c) for i, c in enumerate(batch)]
                    seconds = wait_processed(client, ids, processes, within=600)
                results["batch"] = {
                    "documents": args.documents,
                    "pages_per_document": 10,
                    "seconds_to_ready": seconds,
                    **during_batch.report_mib(),
                }
        finally:
            for process in processes:
                process.stop()

    path = write_results("memory", results)
    print_table(results)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
