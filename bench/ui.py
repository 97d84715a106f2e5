"""The web UI at 10,000 documents: server render time of the documents screen and of a
search, next to the matching API call; and the bytes of document content the web sends
during a session of previews, thumbnails, downloads and share links (it should be 0).

    uv run python bench/ui.py [--size 10000] [--requests 200] [--output PATH]

Reuses bench/search.py's data (synthetic Zipf text, tags, correspondents, COPYed into
Postgres) and its harness: the web as a real uvicorn process, sequential requests over
one keep-alive connection, the time from request to the whole answer read. The UI is
signed in with its session cookie; the API with a bearer token. Writes
bench/results/ui.json. Benchmarks print figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from search import (  # noqa: E402
    COMMON_WORD,
    TextMaker,
    percentiles,
    seed,
    setup_owner,
    start_web,
)

from paless_devstack import (  # noqa: E402
    create_database,
    ensure_postgres,
    ensure_redis,
    free_port,
    start_seaweedfs,
)
from paless_devstack.s3 import PORT_SPAN, s3_client  # noqa: E402

RESULTS = REPO / "bench" / "results" / "ui.json"
PREVIEWED = 20


async def timed(
    client: httpx.AsyncClient, path: str, requests: int, **kwargs: Any
) -> dict[str, Any]:
    for _ in range(max(5, requests // 10)):  # warm-up
        response = await client.get(path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = await client.get(path, **kwargs)
        samples.append(time.perf_counter() - started)
    return {**percentiles(samples), "bytes": len(response.content)}


async def sign_in(client: httpx.AsyncClient, password: str) -> None:
    answer = await client.post("/login", data={"username": "bench", "password": password})
    assert answer.status_code == 303, answer.text


async def measure(base_url: str, password: str, requests: int) -> dict[str, Any]:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=60) as ui,
        httpx.AsyncClient(base_url=base_url, timeout=60) as api,
    ):
        await sign_in(ui, password)
        token = (
            await api.post("/api/v1/auth/token", data={"username": "bench", "password": password})
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        pairs = {
            "documents_screen": ("/documents", {}),
            "search_screen": ("/documents", {"q": COMMON_WORD}),
        }
        api_calls = {
            "documents_screen": ("/api/v1/documents", {}),
            "search_screen": ("/api/v1/documents", {"q": COMMON_WORD}),
        }
        results: dict[str, Any] = {}
        for name, (path, params) in pairs.items():
            page = await timed(ui, path, requests, params=params)
            api_path, api_params = api_calls[name]
            answer = await timed(api, api_path, requests, params=api_params)
            results[name] = {
                "ui": page,
                "api": answer,
                "ratio_p95": round(page["p95_ms"] / answer["p95_ms"], 2),
            }
        return results


async def document_bytes_session(
    base_url: str, password: str, ids: list[str], storage_port: int
) -> dict[str, Any]:
    """Open documents, their thumbnails, downloads and a share link as a browser would:
    count what web itself sends (bodies of its answers) and what comes from storage."""
    sent_by_web = 0
    pdf_bytes_from_web = 0
    from_storage = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as ui:
        await sign_in(ui, password)
        csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', (await ui.get("/")).text)
        assert csrf
        for document_id in ids:
            page = await ui.get(f"/documents/{document_id}")
            preview = re.search(r'<iframe id="preview" src="([^"]+)"', page.text)
            assert preview, "no preview on the document screen"
            sent_by_web += len(page.content)
            pdf_bytes_from_web += page.content.count(b"%PDF")
            links = [preview.group(1).replace("&amp;", "&")]
            for route in ("download", "thumbnail"):
                answer = await ui.get(f"/documents/{document_id}/{route}")
                assert answer.status_code == 307
                sent_by_web += len(answer.content)
                pdf_bytes_from_web += (
                    len(answer.content) if answer.content.startswith(b"%PDF") else 0
                )
                if route == "download":
                    links.append(answer.headers["location"])
            shared = await ui.post(
                f"/documents/{document_id}/share", data={"csrf_token": csrf.group(1)}
            )
            assert shared.status_code == 303
            slug = re.findall(
                r'href="[^"]*/share/([^"]+)"', (await ui.get(f"/documents/{document_id}")).text
            )[0]
            opened = await ui.get(f"/share/{slug}")
            assert opened.status_code == 307
            links.append(opened.headers["location"])
            for link in links:
                assert httpx.URL(link).port == storage_port, link
                fetched = await ui.get(link)
                assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF")
                from_storage += len(fetched.content)
    return {
        "documents": len(ids),
        "bytes_sent_by_web": sent_by_web,
        "document_content_bytes_sent_by_web": pdf_bytes_from_web,
        "document_bytes_from_storage": from_storage,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    rng = random.Random(20261129)
    maker = TextMaker(rng)
    state = Path(tempfile.mkdtemp(prefix="paless-bench-ui-"))
    postgres = ensure_postgres(REPO / ".test", args.postgres_url, free_port())
    redis = ensure_redis(REPO / ".test", "redis://127.0.0.1:6379/0", free_port())
    secret = secrets.token_hex(16)
    s3_port = free_port(span=PORT_SPAN)
    s3 = start_seaweedfs(
        state, s3_port=s3_port, access_key="bench", secret_key=secret, bucket="bench"
    )
    report: dict[str, Any] = {
        "benchmark": "ui",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "documents": args.size,
        "requests_per_case": args.requests,
        "search_word": COMMON_WORD,
    }
    web = None
    try:
        plain = asyncio.run(create_database(postgres.url, "paless_bench_ui", drop_existing=True))
        database_url = plain.replace("postgresql://", "postgresql+asyncpg://", 1)
        env = dict(os.environ)
        env.update(
            {
                "PALESS_DATABASE_URL": database_url,
                "PALESS_REDIS_URL": redis.url.rsplit("/", 1)[0] + "/12",
                "PALESS_S3_ENDPOINT_URL": s3.url,
                "PALESS_S3_BUCKET": "bench",
                "PALESS_S3_ACCESS_KEY_ID": "bench",
                "PALESS_S3_SECRET_ACCESS_KEY": secret,
                # Many sign-ins from one address in a bench run.
                "PALESS_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
            }
        )
        os.environ.update(env)
        from paless_shared.migrate import upgrade

        upgrade(database_url)
        owner, password, tags, correspondents = asyncio.run(setup_owner(database_url))
        started = time.perf_counter()
        asyncio.run(seed(database_url, owner, args.size, 0, rng, maker, tags, correspondents))
        report["seed_seconds"] = round(time.perf_counter() - started, 1)
        ids = asyncio.run(_newest(plain, PREVIEWED))
        _store_objects(s3.url, secret, ids)
        port = free_port()
        web = start_web(env, port)
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(base_url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        report["cases"] = asyncio.run(measure(base_url, password, args.requests))
        report["previews"] = asyncio.run(
            document_bytes_session(base_url, password, [str(i) for i, _ in ids], s3_port)
        )
    finally:
        if web is not None:
            web.terminate()
            web.wait(30)
        s3.stop()
        redis.stop()
        postgres.stop()

    print(f"\n{args.size} documents")
    print(f"{'case':<18}{'UI p95 ms':>11}{'API p95 ms':>12}{'ratio':>8}")
    for name, figures in report["cases"].items():
        print(f"{name:<18}{figures['ui']['p95_ms']:>11}{figures['api']['p95_ms']:>12}"
              f"{figures['ratio_p95']:>8}")  # fmt: skip
    previews = report["previews"]
    print(
        f"document content bytes sent by web: {previews['document_content_bytes_sent_by_web']}"
        f" (from storage: {previews['document_bytes_from_storage']})"
    )
    report["machine"]["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    output = args.output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {output}")


async def _newest(url: str, count: int) -> list[tuple[Any, str]]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT id, original_key FROM documents ORDER BY added_at DESC LIMIT $1", count
        )
        return [(row["id"], row["original_key"]) for row in rows]
    finally:
        await connection.close()


def _store_objects(url: str, secret: str, ids: list[tuple[Any, str]]) -> None:
    """Real PDFs (and thumbnails) in storage for the documents the session previews."""
    from tests.pdfs import text_pdf

    client = s3_client(url, "bench", secret)
    for document_id, key in ids:
        client.put_object(Bucket="bench", Key=key, Body=text_pdf(f"document {document_id}"))
    # The seeded rows have no thumbnail: the UI answers with its placeholder (a 307 too).


if __name__ == "__main__":
    main()
