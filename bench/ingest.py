"""Ingest throughput: documents through upload → queue → worker → `ready`, compared in
the same run with the raw pipeline on the same files in one process (SHA-256, pypdf text
of every page, pypdfium2 page-1 thumbnail).

    uv run python bench/ingest.py [--documents 40] [--pages 10]

Brings up its own servers (the ones on 127.0.0.1 when they answer, else embedded ones,
and a fresh SeaweedFS), prints a table and writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pypdfium2 as pdfium
from pypdf import PdfReader
from sqlalchemy import text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from paless_devstack import (  # noqa: E402
    create_database,
    ensure_postgres,
    ensure_redis,
    free_port,
    start_seaweedfs,
)
from paless_devstack.s3 import PORT_SPAN  # noqa: E402
from tests.pdfs import text_pdf  # noqa: E402

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


def raw_pipeline(files: list[bytes]) -> float:
    """Seconds for the same work the worker does, in one process, no network."""
    started = time.perf_counter()
    for content in files:
        hashlib.sha256(content).hexdigest()
        reader = PdfReader(io.BytesIO(content))
        "\f".join(page.extract_text() or "" for page in reader.pages)
        document = pdfium.PdfDocument(content)
        page = document[0]
        image = page.render(scale=400 / page.get_width()).to_pil()
        image.save(io.BytesIO(), format="WEBP", quality=80)
        document.close()
    return time.perf_counter() - started


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
            keys = await redis.keys("*health-check*")
            if keys:
                await asyncio.sleep(1.0 if count > 1 else 0.2)
                return
            await asyncio.sleep(0.1)
    finally:
        await redis.aclose()


async def end_to_end(files: list[bytes], workers: int, env: dict[str, str]) -> float:
    """Seconds from the first upload to the last document `ready`, with `workers`
    worker processes (each with one PDF process) already running."""
    from paless_shared.db import create_engine, create_sessionmaker, unit_of_work
    from paless_shared.services.auth import create_user
    from paless_shared.settings import DatabaseSettings, load
    from paless_web.app import create_app

    engine = create_engine(load(DatabaseSettings))
    sessions = create_sessionmaker(engine)
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    async with unit_of_work(sessions) as session:
        await create_user(session, username, password)

    processes = start_workers(workers, env)
    try:
        await wait_workers_ready(env, workers)
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
                started = time.perf_counter()
                limit = asyncio.Semaphore(4)  # four clients uploading at once

                async def send(index: int, content: bytes) -> str:
                    async with limit:
                        response = await client.post(
                            "/api/v1/documents",
                            headers=headers,
                            files={"file": (f"doc-{index}.pdf", content, "application/pdf")},
                        )
                    return str(response.json()["id"])

                ids = await asyncio.gather(*(send(i, c) for i, c in enumerate(files)))
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
                        break
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - started
                async with sessions() as session:
                    failed = await session.scalar(
                        text(
                            "SELECT count(*) FROM documents "
                            "WHERE id = ANY(:ids) AND status = 'failed'"
                        ),
                        {"ids": ids},
                    )
                assert failed == 0, f"{failed} documents failed"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        await engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()

    state = Path(tempfile.mkdtemp(prefix="paless-bench-"))
    postgres = ensure_postgres(
        REPO / ".test", "postgresql://postgres@127.0.0.1:5432/postgres", free_port()
    )
    redis = ensure_redis(REPO / ".test", "redis://127.0.0.1:6379/0", free_port())
    secret = secrets.token_hex(16)
    s3 = start_seaweedfs(
        state,
        s3_port=free_port(span=PORT_SPAN),
        access_key="bench",
        secret_key=secret,
        bucket="bench",
    )
    try:
        database = asyncio.run(create_database(postgres.url, "paless_bench", drop_existing=True))
        env = dict(os.environ)
        env.update(
            {
                "PALESS_DATABASE_URL": database.replace(
                    "postgresql://", "postgresql+asyncpg://", 1
                ),
                "PALESS_REDIS_URL": redis.url.rsplit("/", 1)[0] + "/12",
                "PALESS_S3_ENDPOINT_URL": s3.url,
                "PALESS_S3_BUCKET": "bench",
                "PALESS_S3_ACCESS_KEY_ID": "bench",
                "PALESS_S3_SECRET_ACCESS_KEY": secret,
                "PALESS_WORKER_PDF_PROCESSES": "1",
                "PALESS_WORKER_CONCURRENCY": "2",
                "PALESS_LOG_LEVEL": "WARNING",
            }
        )
        os.environ.update(env)
        from paless_shared.migrate import upgrade

        upgrade(env["PALESS_DATABASE_URL"])
        files = [sample_pdf(i, args.pages) for i in range(args.documents)]
        pages = args.documents * args.pages

        raw_pipeline(files[:2])  # warm imports and caches
        raw = raw_pipeline(files)
        one = asyncio.run(end_to_end(files, 1, env))
        two = asyncio.run(end_to_end(files, 2, env))
    finally:
        s3.stop()
        redis.stop()
        postgres.stop()

    results = {
        "benchmark": "ingest",
        "documents": args.documents,
        "pages_per_document": args.pages,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "raw_pipeline_docs_per_s": args.documents / raw,
        "end_to_end_1_worker_docs_per_s": args.documents / one,
        "end_to_end_2_workers_docs_per_s": args.documents / two,
        "end_to_end_1_worker_pages_per_s": pages / one,
        "ratio_1_worker_vs_raw": raw / one,
        "ratio_2_workers_vs_1": one / two,
    }
    (REPO / "bench" / "results").mkdir(exist_ok=True)
    (REPO / "bench" / "results" / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'measure':<38}{'value':>10}")
    for key, value in results.items():
        if isinstance(value, float):
            print(f"{key:<38}{value:>10.2f}")


if __name__ == "__main__":
    main()
