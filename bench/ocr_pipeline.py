"""OCR pipeline (benchmark 7): one scanned PDF through the real stack — upload to the
web API, `ingest` on the default queue fanning out one `ocr_page` job per page on the
OCR queue, `assemble_archive` back on the default queue — until the document is `ready`.

    uv run python bench/ocr_pipeline.py [--pages 20]

The scan is generated like bench/ocr.py's (A5 pages at 300 dpi, skewed, noisy); every
OCR process runs Tesseract with one thread. Three runs on the same file, one after the
other, each with fresh worker processes (`paless-worker`, `paless-worker --queue ocr`
with PALESS_OCR_PROCESSES=1, so each OCR worker OCRs one page at a time):

- fan-out: 2 OCR workers + 1 default worker; seconds from the upload to `ready`;
- single job: `ocrmypdf` run directly on the same file in one process, one Tesseract
  thread (jobs=1, OMP_THREAD_LIMIT=1), same options as the pipeline's defaults — the
  pipeline has no setting that OCRs a whole scan as one job, so this stands for it.
  Target: fan-out >= 1.6x faster to `ready`;
- scale-out: 1 OCR worker + 1 default worker, against the fan-out run: pages/s (pages
  over the time to `ready`). Target: 2 OCR workers >= 1.7x one.

Each worker's OCR process starts with its first page (the pool is not warmed when the
worker starts), so that spawn is inside the pipeline's figures. The CPU may be shared
with other work: the load average before and after is recorded with the figures.
Writes bench/results/ocr_pipeline.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BIN,
    Process,
    bench_servers,
    create_account,
    machine,
    print_table,
    start,
    start_web,
    write_results,
)
from ocr import multipage_scan, ocrmypdf_document

from paless_worker import ocr

POLL_SECONDS = 0.1
READY_WITHIN = 600.0


def start_workers(env: dict[str, str], ocr_workers: int) -> list[Process]:
    """One default-queue worker and `ocr_workers` OCR-queue workers, each with one OCR
    process (one Tesseract thread)."""
    env = {**env, "PALESS_OCR_PROCESSES": "1"}
    processes = [start([str(BIN / "paless-worker")], env, "worker-default")]
    for number in range(ocr_workers):
        processes.append(
            start([str(BIN / "paless-worker"), "--queue", "ocr"], env, f"worker-ocr-{number}")
        )
    return processes


async def wait_queues_served(env: dict[str, str], processes: list[Process]) -> None:
    """Until both queues' health-check keys exist (their workers poll), then a moment
    for a second OCR worker to come up too."""
    from redis.asyncio import Redis

    from paless_shared.platform.settings import RedisSettings, load

    settings = load(RedisSettings)
    keys = [f"{settings.queue_name}:health-check", f"{settings.ocr_queue_name}:health-check"]
    redis = Redis.from_url(env["PALESS_REDIS_URL"])
    try:
        for _ in range(600):
            for process in processes:
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited:\n{process.log_tail()}")
            if all([await redis.exists(key) for key in keys]):
                await asyncio.sleep(1.5)
                return
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()
    raise RuntimeError("the workers did not start polling within 60 s")


async def clear_health_keys(env: dict[str, str]) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(env["PALESS_REDIS_URL"])
    try:
        for key in await redis.keys("*health-check*"):
            await redis.delete(key)
    finally:
        await redis.aclose()


def pipeline_run(
    env: dict[str, str], base_url: str, document: Path, ocr_workers: int
) -> dict[str, Any]:
    """Upload `document` with fresh workers up and idle; seconds to `ready`."""
    asyncio.run(clear_health_keys(env))
    headers = create_account(env, base_url)
    workers = start_workers(env, ocr_workers)
    try:
        asyncio.run(wait_queues_served(env, workers))
        content = document.read_bytes()
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/documents",
                files={"file": (document.name, content, "application/pdf")},
            )
            response.raise_for_status()
            document_id = response.json()["id"]
            uploaded = time.perf_counter() - started
            while True:
                body = client.get(f"/api/v1/documents/{document_id}").json()
                if body["status"] == "ready":
                    break
                if body["status"] == "failed":
                    raise RuntimeError(f"the document failed: {body}")
                if time.perf_counter() - started > READY_WITHIN:
                    raise RuntimeError(f"not ready within {READY_WITHIN} s: {body}")
                time.sleep(POLL_SECONDS)
            seconds = time.perf_counter() - started
            pages = body["page_count"]
    finally:
        for worker in workers:
            worker.stop()
    return {
        "ocr_workers": ocr_workers,
        "default_workers": 1,
        "pages": pages,
        "upload_seconds": round(uploaded, 2),
        "seconds_to_ready": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 4),
    }


def single_job(document: Path, folder: Path) -> dict[str, Any]:
    """ocrmypdf on the whole scan, one process, one Tesseract thread."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        run = ocrmypdf_document(document, folder / "single-job.pdf", jobs=1)
    finally:
        del os.environ["OMP_THREAD_LIMIT"]
    return {
        "pages": run["pages"],
        "seconds": run["seconds"],
        "pages_per_s": run["pages_per_s"],
        "cpu_seconds_per_page": run["cpu_seconds_per_page"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20, help="pages of the scan")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    status = ocr.tesseract_status()
    if status.path is None:
        sys.exit("tesseract is not installed: see README (make bench installs it)")
    rng = random.Random(args.seed)
    load_before = [round(value, 2) for value in os.getloadavg()]
    results: dict[str, Any] = {"benchmark": "ocr_pipeline", "tesseract": status.version}
    with (
        tempfile.TemporaryDirectory(prefix="paless-bench-ocr-pipeline-") as folder_name,
        bench_servers("ocr_pipeline") as env,
    ):
        folder = Path(folder_name)
        document = multipage_scan(folder, args.pages, rng)
        results["scan"] = {
            "pages": args.pages,
            "page": "A5 at 300 dpi, skewed, noisy",
            "bytes": document.stat().st_size,
        }
        web, base_url = start_web(env)
        try:
            print(f"fan-out: 2 OCR workers + 1 default worker, {args.pages} pages ...", flush=True)
            two = pipeline_run(env, base_url, document, ocr_workers=2)
            print("single job: ocrmypdf directly, one process, one thread ...", flush=True)
            single = single_job(document, folder)
            print("fan-out: 1 OCR worker + 1 default worker ...", flush=True)
            one = pipeline_run(env, base_url, document, ocr_workers=1)
        finally:
            web.stop()
    results["time_to_ready"] = {
        "fan_out_2_ocr_workers_s": two["seconds_to_ready"],
        "single_job_ocrmypdf_s": single["seconds"],
        "speedup": round(single["seconds"] / two["seconds_to_ready"], 4),
        "target": 1.6,
    }
    results["throughput"] = {
        "ocr_workers_2_pages_per_s": two["pages_per_s"],
        "ocr_workers_1_pages_per_s": one["pages_per_s"],
        "speedup_2_vs_1": round(two["pages_per_s"] / one["pages_per_s"], 4),
        "target": 1.7,
    }
    results["runs"] = {"fan_out_2": two, "fan_out_1": one, "single_job": single}
    results["machine"] = machine() | {
        "load_average_before": load_before,
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
    }
    print_table(results)
    print(f"written to {write_results('ocr_pipeline', results)}")


if __name__ == "__main__":
    main()
