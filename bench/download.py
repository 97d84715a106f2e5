"""Download URLs (benchmarks 2 and 3): how fast web hands out signed URLs, and proof that
no document byte goes through it.

    uv run python bench/download.py [--documents 100] [--rounds 3] [--duration 5]
                                    [--connections 16] [--profile DIR]

Subject: GET /api/v1/documents/{id}/download?redirect=false on the real `paless-web`
process (auth, ownership check, presign). Baseline, in the same run and under the same
load: a bare FastAPI app (built here, not part of the product) with the same auth
dependency and one primary-key read of the document, served by uvicorn with the same
settings. The load generator is wrk in its own process (an async httpx loop in a second
process when wrk is not installed: `apt-get install wrk`). Also measured: the cost of
one presigned URL (Storage.presign_download in a loop), the bytes web sends per answer
against the documents' size, and web's peak RSS. Writes bench/results/download.json.
With `--profile DIR`, after the measured rounds each server is loaded alone for
`--profile-duration` seconds under py-spy (collapsed stacks, web.txt and baseline.txt).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
from fastapi import FastAPI

from paless_shared.platform.errors import NotFound
from paless_shared.tables import Document
from paless_web import problems

# Module level: FastAPI resolves these annotations (strings here) in this module.
from paless_web.deps import CurrentUser, UnitOfWorkDep
from paless_web.state import WebConfig, open_state

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    PeakMemory,
    Process,
    bench_servers,
    create_account,
    free_port,
    machine,
    print_table,
    reset_peaks,
    start,
    start_web,
    wait_http,
    write_results,
)

from tests.pdfs import text_pdf

DOCUMENT_BYTES = 256 * 1024
PRESIGN_LOOPS = 2000
TARGET_RATIO = 0.8


# The baseline app -------------------------------------------------------------------------


def baseline_app() -> Any:
    """Auth exactly as the API does it (paless_web's CurrentUser: bearer token looked
    up in Postgres, within the request's unit of work), then one primary-key read."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_state(WebConfig.from_env()) as state:
            app.state.paless = state
            yield

    app = FastAPI(lifespan=lifespan)
    problems.install(app)

    @app.get("/baseline/documents/{document_id}")
    async def read(document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> Any:
        document = await uow.session.get(Document, document_id)
        if document is None or document.owner_id != user.id:
            raise NotFound(f"document {document_id} not found")
        return {"id": str(document.id), "title": document.title}

    return app


def serve_baseline(port: int) -> None:
    """uvicorn as paless-web runs it (h11, no access log, one process)."""
    import uvicorn

    from paless_shared.platform.observability import configure_logging
    from paless_shared.platform.settings import AppSettings, load

    settings = load(AppSettings)
    configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(
        baseline_app(),
        host="127.0.0.1",
        port=port,
        http="h11",
        access_log=False,
        log_config=None,
        log_level=settings.log_level.lower(),
    )


# Load generators ----------------------------------------------------------------------------

WRK_SCRIPT = """
local ids = {%(ids)s}
local headers = {["Authorization"] = "%(authorization)s"}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "%(prefix)s" .. ids[(counter %% #ids) + 1] .. "%(suffix)s", headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "non_2xx": %%d, ' ..
    '"socket_errors": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def run_wrk(
    base_url: str,
    prefix: str,
    suffix: str,
    ids: list[str],
    headers: dict[str, str],
    duration: float,
    connections: int,
) -> dict[str, Any]:
    script = Path(tempfile.mkdtemp(prefix="paless-bench-wrk-")) / "load.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "ids": ", ".join(f'"{i}"' for i in ids),
            "authorization": headers["Authorization"],
            "prefix": prefix,
            "suffix": suffix,
        }
    )
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{duration:g}s",
        "--timeout",
        "10s",
        "--script",
        str(script),
        base_url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "bytes_received": raw["bytes"],
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
    }


def _httpx_load(
    urls: list[str], headers: dict[str, str], duration: float, connections: int, out: Any
) -> None:
    async def main() -> None:
        latencies: list[float] = []
        received = 0
        failures = 0
        deadline = time.perf_counter() + duration
        limits = httpx.Limits(max_connections=connections)
        async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10) as client:

            async def loop(offset: int) -> None:
                nonlocal received, failures
                index = offset
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    response = await client.get(urls[index % len(urls)])
                    latencies.append(time.perf_counter() - started)
                    received += len(response.content)
                    failures += not response.is_success
                    index += connections

            started = time.perf_counter()
            await asyncio.gather(*(loop(i) for i in range(connections)))
            elapsed = time.perf_counter() - started
        latencies.sort()
        out.put(
            {
                "requests": len(latencies),
                "rps": len(latencies) / elapsed,
                "p50_ms": latencies[len(latencies) // 2] * 1000,
                "p90_ms": latencies[int(len(latencies) * 0.90)] * 1000,
                "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
                "max_ms": latencies[-1] * 1000,
                "bytes_received": received,  # bodies only
                "non_2xx": failures,
                "socket_errors": 0,
            }
        )

    asyncio.run(main())


def run_httpx(
    base_url: str,
    prefix: str,
    suffix: str,
    ids: list[str],
    headers: dict[str, str],
    duration: float,
    connections: int,
) -> dict[str, Any]:
    """The fallback load generator: an async httpx loop in a second process."""
    urls = [f"{base_url}{prefix}{i}{suffix}" for i in ids]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_httpx_load, args=(urls, headers, duration, connections, queue))
    worker.start()
    result: dict[str, Any] = queue.get(timeout=duration + 120)
    worker.join()
    return result


# Measurements ---------------------------------------------------------------------------


def upload_documents(base_url: str, headers: dict[str, str], count: int) -> dict[str, bytes]:
    """`count` PDFs of DOCUMENT_BYTES each (a real page plus a comment of padding)."""
    documents = {}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        for index in range(count):
            head = text_pdf(f"Download benchmark document {index}")
            size = DOCUMENT_BYTES - len(head) - 2
            padding = secrets.token_hex(DOCUMENT_BYTES // 2).encode()[:size]
            content = head + b"%" + padding + b"\n"
            response = client.post(
                "/api/v1/documents",
                files={"file": (f"bench-{index}.pdf", content, "application/pdf")},
            )
            response.raise_for_status()
            documents[response.json()["id"]] = content
    return documents


async def presign_cost(count: int) -> dict[str, float]:
    """Seconds per signed URL, the way the API makes them (one Storage per process),
    and the way botocore's own presigner makes the same URL (`generate_presigned_url`
    on a client made once), in alternating rounds."""
    import aioboto3

    from paless_shared.platform.settings import S3Settings, load
    from paless_shared.platform.storage import Storage, _client_config, content_disposition

    settings = load(S3Settings)
    session = aioboto3.Session(
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key,
        region_name=settings.s3_region,
    )
    endpoint = settings.s3_public_endpoint_url or settings.s3_endpoint_url
    async with (
        Storage.open(settings) as storage,
        session.client("s3", endpoint_url=endpoint, config=_client_config(settings)) as s3,
    ):
        key = storage.original_key(uuid.uuid4())

        async def ours() -> None:
            await storage.presign_download(
                key, filename="a.pdf", content_type="application/pdf",
                disposition="attachment", expires_in=300,
            )  # fmt: skip

        async def botocore() -> None:
            await s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": settings.s3_bucket, "Key": key,
                    "ResponseContentDisposition": content_disposition("attachment", "a.pdf"),
                    "ResponseContentType": "application/pdf",
                },
                ExpiresIn=300,
            )  # fmt: skip

        rounds: dict[str, list[float]] = {"ours": [], "botocore": []}
        for _ in range(50):  # warm botocore's caches
            await ours()
            await botocore()
        for _ in range(5):
            for name, sign in (("ours", ours), ("botocore", botocore)):
                started = time.perf_counter()
                for _ in range(count // 5):
                    await sign()
                rounds[name].append((time.perf_counter() - started) / (count // 5))
    return {
        "presign_us_per_url": statistics.median(rounds["ours"]) * 1e6,
        "presign_botocore_us_per_url": statistics.median(rounds["botocore"]) * 1e6,
    }


def offload_check(
    base_url: str, headers: dict[str, str], documents: dict[str, bytes]
) -> dict[str, Any]:
    """Every answer is a small JSON with a URL and none holds a document byte run; the
    URLs themselves deliver the files, from S3."""
    largest_answer = 0
    answers_with_content = 0
    fetched_equal = 0
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for index, (document_id, content) in enumerate(documents.items()):
            response = client.get(f"/api/v1/documents/{document_id}/download?redirect=false")
            response.raise_for_status()
            body = response.content
            largest_answer = max(largest_answer, len(body))
            # The padding is random: any 32 bytes of it in an answer would be content.
            if b"%PDF" in body or content[-40:-8] in body:
                answers_with_content += 1
            if index < 5:
                signed = response.json()["url"]
                assert not signed.startswith(base_url), signed
                fetched_equal += httpx.get(signed, timeout=30).content == content
    return {
        "answers_checked": len(documents),
        "answers_containing_document_bytes": answers_with_content,
        "largest_answer_bytes": largest_answer,
        "signed_urls_fetched_from_s3_equal_to_upload": fetched_equal,
    }


def with_cpu(server: Process, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The run's figures plus the server process's own CPU time per request: unlike
    requests per second, it hardly moves when a neighbour loads the machine."""
    process = psutil.Process(server.popen.pid)
    before = sum(process.cpu_times()[:2])
    result = run()
    used = sum(process.cpu_times()[:2]) - before
    return {**result, "server_cpu_ms_per_request": used * 1000 / max(result["requests"], 1)}


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several runs as one: totals summed, rates over the total time, latency
    percentiles as the median of the runs' (percentiles do not add up)."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["requests"] / run["rps"] for run in runs)
    combined: dict[str, Any] = {"requests": requests, "rps": requests / seconds}
    for key in ("p50_ms", "p90_ms", "p99_ms", "server_cpu_ms_per_request"):
        combined[key] = statistics.median(run[key] for run in runs)
    combined["max_ms"] = max(run["max_ms"] for run in runs)
    for key in ("bytes_received", "non_2xx", "socket_errors"):
        combined[key] = sum(run[key] for run in runs)
    return combined


PY_SPY = ["py-spy", "record", "-r", "250", "-f", "raw", "--nonblocking"]


def profiled(
    server: Process, run: Callable[[float], dict[str, Any]], duration: float, path: Path
) -> dict[str, Any]:
    """`run` on `server` alone with py-spy (on PATH) sampling it into `path`, plus
    the server's CPU time per request during it (raised a little by the sampling)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [*PY_SPY, "-p", str(server.popen.pid), "-o", str(path), "-d", f"{duration + 2:g}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1)  # py-spy attached before the load starts
        return with_cpu(server, lambda: run(duration))
    finally:
        spy.wait(timeout=duration + 60)


def io_written(pid: int) -> int:
    """Bytes the process has written to any file or socket (/proc/<pid>/io wchar)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--profile", type=Path, help="then py-spy each server alone into this folder"
    )
    parser.add_argument("--profile-duration", type=float, default=12.0)
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return

    load = run_wrk if shutil.which("wrk") else run_httpx
    with bench_servers("download") as env:
        env = {**env, "PALESS_LOG_LEVEL": "INFO"}  # as deployed: one log line per request
        web, base_url = start_web(env)
        port = free_port()
        baseline = start([sys.executable, __file__, "--serve-baseline", str(port)], env, "baseline")
        baseline_url = f"http://127.0.0.1:{port}"
        processes: list[Process] = [web, baseline]
        try:
            wait_http(baseline_url + "/docs", baseline)
            headers = create_account(env, base_url)
            documents = upload_documents(base_url, headers, args.documents)
            ids = list(documents)

            def subject(duration: float) -> dict[str, Any]:
                return load(
                    base_url, "/api/v1/documents/", "/download?redirect=false", ids, headers,
                    duration, args.connections,
                )  # fmt: skip

            def bare(duration: float) -> dict[str, Any]:
                return load(
                    baseline_url, "/baseline/documents/", "", ids, headers, duration,
                    args.connections,
                )  # fmt: skip

            for url in (
                f"{base_url}/api/v1/documents/{ids[0]}/download?redirect=false",
                f"{baseline_url}/baseline/documents/{ids[0]}",
            ):
                answer = httpx.get(url, headers=headers, timeout=30)
                if answer.status_code != 200:
                    raise RuntimeError(f"{url}: {answer.status_code} {answer.text}")
            subject(2)  # warm-up: connections, pools, lazily imported code
            bare(2)
            # Alternate subject and baseline, so a neighbour's load on a shared machine
            # falls on both; the ratio is the median of the rounds' ratios.
            rounds: list[tuple[dict[str, Any], dict[str, Any]]] = []
            written = 0
            reset_peaks(web.popen.pid)  # the figure is for the load, not start-up
            with PeakMemory({"web": web.popen.pid}) as memory:
                for _ in range(args.rounds):
                    written_before = io_written(web.popen.pid)
                    measured = with_cpu(web, lambda: subject(args.duration))
                    written += io_written(web.popen.pid) - written_before
                    rounds.append((measured, with_cpu(baseline, lambda: bare(args.duration))))
            if args.profile is not None:
                for name, server, run in (("web", web, subject), ("baseline", baseline, bare)):
                    spied = profiled(
                        server, run, args.profile_duration, args.profile / f"{name}.txt"
                    )
                    print(
                        f"profiled {name}: {spied['rps']:.0f} req/s, "
                        f"{spied['server_cpu_ms_per_request']:.2f} ms CPU per request"
                    )
            presign = asyncio.run(presign_cost(PRESIGN_LOOPS))
            offload = offload_check(base_url, headers, documents)
        finally:
            for process in processes:
                process.stop()

    ratios = [subject_run["rps"] / bare_run["rps"] for subject_run, bare_run in rounds]
    ratio = statistics.median(ratios)
    measured = combine([subject_run for subject_run, _ in rounds])
    per_answer = measured["bytes_received"] / max(measured["requests"], 1)
    results = {
        "benchmark": "download",
        "machine": machine(),
        "load_generator": load.__name__.removeprefix("run_"),
        "connections": args.connections,
        "rounds": args.rounds,
        "duration_s_per_round": args.duration,
        "documents": args.documents,
        "document_bytes": DOCUMENT_BYTES,
        "subject": measured,
        "baseline": combine([bare_run for _, bare_run in rounds]),
        "ratio_rps_subject_vs_baseline": ratio,
        "ratio_per_round": ratios,
        "ratio_server_cpu_per_request_baseline_vs_subject": (
            statistics.median(b["server_cpu_ms_per_request"] for _, b in rounds)
            / statistics.median(s["server_cpu_ms_per_request"] for s, _ in rounds)
        ),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO,
        **presign,
        "presign_share_of_request_time": presign["presign_us_per_url"] / 1e6 * measured["rps"],
        "offload": {
            **offload,
            "web_bytes_sent_per_answer": per_answer,
            "web_bytes_written_per_answer_incl_db_and_logs": written / max(measured["requests"], 1),
            "document_bytes_sent_by_web": offload["answers_containing_document_bytes"]
            * DOCUMENT_BYTES,
        },
        "memory": memory.report_mib(),
    }
    path = write_results("download", results)
    print_table(results)
    print(f"written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
