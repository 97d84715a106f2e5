"""API at scale: list, filter and full-text search latency through the real HTTP API at
10k and 100k documents, with EXPLAIN ANALYZE of the statements behind them.

    uv run python bench/search.py [--sizes 10000 100000 1000000] [--requests 200]
        [--postgres-url URL] [--output PATH] [--copy-above 100000]

Postgres is the one at --postgres-url (default the local one on 5432) when it answers, else
the embedded one make dev uses: point it at a port where nothing listens to measure that.

Seeds documents straight into Postgres (COPY) with synthetic multi-page text from a
Zipf-distributed vocabulary (so there are very common and very rare words), tags and
correspondents; runs the web as a real uvicorn process; times sequential requests over
one keep-alive connection. Prints a table and writes bench/results/search.json.
Benchmarks print figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

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

RESULTS = REPO / "bench" / "results" / "search.json"
SYLLABLES = [
    "ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "pa", "zu", "ri", "ol", "an",
    "er", "is", "ut", "en", "ma", "go", "ba", "fi", "xe", "qu", "ho", "ly", "tr", "ch",
]  # fmt: skip
COMMON_WORD = "invoice"  # rank 1 of the vocabulary: in nearly every document
RARE_WORD_RANK = 15_000
NAMED_CORRESPONDENT = "sender-3"  # on about 2.8% of the documents


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = {COMMON_WORD, "payment", "contract", "total", "account", "tax"}
    ordered = [COMMON_WORD, "payment", "contract", "total", "account", "tax"]
    while len(ordered) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


class TextMaker:
    """Pages of words drawn with Zipf-like frequencies (weight 1/rank)."""

    def __init__(self, rng: random.Random, size: int = 20_000) -> None:
        self.rng = rng
        self.words = vocabulary(size, rng)
        self.cumulative: list[float] = []
        total = 0.0
        for rank in range(1, size + 1):
            total += 1.0 / rank
            self.cumulative.append(total)

    def page(self, words: int) -> str:
        chosen = self.rng.choices(self.words, cum_weights=self.cumulative, k=words)
        lines = [" ".join(chosen[i : i + 12]) for i in range(0, len(chosen), 12)]
        return "\n".join(lines)

    def document(self) -> tuple[str, str, int]:
        pages = self.rng.randint(1, 4)
        body = "\f".join(self.page(self.rng.randint(150, 300)) for _ in range(pages))
        title = " ".join(self.rng.choices(self.words[:3000], k=self.rng.randint(2, 5))).title()
        return title, body, pages


async def seed(
    database_url: str,
    owner: uuid.UUID,
    count: int,
    start: int,
    rng: random.Random,
    maker: TextMaker,
    tags: list[uuid.UUID],
    correspondents: list[uuid.UUID],
) -> None:
    """COPY `count` documents (and their tags) owned by `owner`, then index them."""
    import asyncpg

    plain = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(plain)
    try:
        base = datetime(2020, 1, 1, tzinfo=UTC)
        batch = 5000
        for offset in range(0, count, batch):
            documents = []
            links = []
            for index in range(start + offset, start + min(offset + batch, count)):
                document_id = uuid.uuid4()
                title, body, pages = maker.document()
                added = base + timedelta(minutes=index)
                documents.append(
                    (
                        document_id, owner, title, f"scan-{index}.pdf", "application/pdf",
                        len(body) * 3, secrets.token_hex(32), pages, body, "ready",
                        f"originals/{document_id}.pdf", added - timedelta(days=rng.randint(0, 900)),
                        added, added, 1,
                        rng.choice(correspondents) if rng.random() < 0.7 else None,
                    )
                )  # fmt: skip
                for tag in rng.sample(tags, rng.choice([0, 1, 1, 2, 3])):
                    links.append((document_id, tag))
            await connection.copy_records_to_table(
                "documents",
                records=documents,
                columns=[
                    "id", "owner_id", "title", "original_filename", "mime_type", "size_bytes",
                    "sha256", "page_count", "content", "status", "original_key", "created_at",
                    "added_at", "modified_at", "ingest_attempts", "correspondent_id",
                ],
            )  # fmt: skip
            await connection.copy_records_to_table(
                "document_tags", records=links, columns=["document_id", "tag_id"]
            )
            ids = [row[0] for row in documents]
            await connection.execute(_refresh_sql(), ids)
        await connection.execute("VACUUM ANALYZE documents")
        await connection.execute("VACUUM ANALYZE document_tags")
    finally:
        await connection.close()


async def seed_copies(
    database_url: str, owner: uuid.UUID, count: int, start: int, source: int,
    tags: list[uuid.UUID], correspondents: list[uuid.UUID],
) -> None:  # fmt: skip
    """`count` more documents of `owner`, copies of the first `source` (title, text and
    search vector; new ids, dates, tags and correspondents), made by Postgres itself
    (INSERT … SELECT, 100,000 a statement) rather than generated and indexed again: a
    corpus of 1,000,000 whose word statistics per document are those of the first
    `source`. The GIN indexes are built afresh after (quicker than 1,000,000 inserts
    into them); tags go into document_tags, and the triggers fill `tag_ids`."""
    import asyncpg

    plain = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(plain)
    gin = {
        "ix_documents_search_vector": "USING gin (search_vector)",
        "ix_documents_title_trgm": "USING gin (title gin_trgm_ops)",
        "ix_documents_tag_ids": "USING gin (tag_ids)",
    }
    try:
        await connection.execute("SET maintenance_work_mem = '1GB'")
        for name in gin:
            await connection.execute(f"DROP INDEX {name}")
        for offset in range(0, count, source):
            batch = min(source, count - offset)
            await connection.execute(
                """
                WITH source AS (
                    SELECT title, content, search_vector, page_count, size_bytes,
                           row_number() OVER (ORDER BY added_at, id) AS n
                    FROM documents WHERE owner_id = $1
                    ORDER BY added_at, id LIMIT $2
                ), made AS (
                    INSERT INTO documents (
                        id, owner_id, title, original_filename, mime_type, size_bytes, sha256,
                        page_count, content, search_vector, status, original_key,
                        created_at, added_at, modified_at, ingest_attempts, correspondent_id)
                    SELECT s.id, $1, s.title, 'scan-' || ($3 + s.n) || '.pdf',
                           'application/pdf', s.size_bytes, md5(s.id::text) || md5(s.n::text),
                           s.page_count, s.content, s.search_vector, 'ready',
                           'originals/' || s.id || '.pdf',
                           a.added - floor(random() * 900) * interval '1 day', a.added, a.added,
                           1, CASE WHEN random() < 0.7
                                   THEN ($5::uuid[])[1 + floor(random() * cardinality($5))]
                              END
                    FROM (SELECT gen_random_uuid() AS id, * FROM source) AS s
                    CROSS JOIN LATERAL (
                        SELECT timestamptz '2020-01-01 00:00+00'
                               + ($3 + s.n - 1) * interval '1 minute' AS added) a
                    WHERE s.n <= $6
                    RETURNING id
                )
                INSERT INTO document_tags (document_id, tag_id)
                SELECT made.id, t.tag FROM made
                CROSS JOIN LATERAL (
                    SELECT tag FROM unnest($4::uuid[]) tag
                    ORDER BY random() + 0 * hashtext(made.id::text)
                    LIMIT (ARRAY[0, 1, 1, 2, 3])[1 + floor(random() * 5)::int]
                ) t
                """,
                owner, source, start + offset, tags, correspondents, batch,
            )  # fmt: skip
        for name, definition in gin.items():
            await connection.execute(f"CREATE INDEX {name} ON documents {definition}")
        await connection.execute("VACUUM ANALYZE documents")
        await connection.execute("VACUUM ANALYZE document_tags")
    finally:
        await connection.close()


async def document_count(url: str) -> int:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM documents"))
    finally:
        await connection.close()


async def count_words(database_url: str) -> None:
    """What the periodic search_statistics job does: the word counts ranking reads."""
    from paless_shared.platform.database import create_engine, create_sessionmaker, unit_of_work
    from paless_shared.platform.settings import DatabaseSettings
    from paless_shared.search.service import refresh_statistics

    engine = create_engine(DatabaseSettings(database_url=database_url))  # type: ignore[arg-type]
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            await refresh_statistics(session)
    finally:
        await engine.dispose()


def _refresh_sql() -> str:
    """The product's index statement (paless_shared.search), for asyncpg."""
    from paless_shared.search.queries.index import _REFRESH, SEARCH_CONTENT_CHARS, TESSERACT

    sql = str(_REFRESH)
    codes = json.dumps(TESSERACT).replace("'", "''")
    return (
        sql.replace(":codes", f"'{codes}'")
        .replace(":language", "'simple'")
        .replace(":limit", str(SEARCH_CONTENT_CHARS))
        .replace(":ids", "$1::uuid[]")
    )


async def setup_owner(database_url: str) -> tuple[uuid.UUID, str, list[uuid.UUID], list[uuid.UUID]]:
    from sqlalchemy import select

    from paless_shared.accounts.users import create_user
    from paless_shared.platform.database import create_engine, create_sessionmaker, unit_of_work
    from paless_shared.platform.settings import DatabaseSettings
    from paless_shared.tables import Correspondent, Tag

    engine = create_engine(DatabaseSettings(database_url=database_url))  # type: ignore[arg-type]
    password = secrets.token_urlsafe(12)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            # A database kept from an earlier run (--reuse): its owner, with a new password.
            user = await create_user(session, "bench", password, exist_ok=True)
            tags_by_name = {
                tag.name: tag.id
                for tag in await session.scalars(select(Tag).where(Tag.owner_id == user.id))
            }
            if tags_by_name:
                names = {
                    c.name: c.id
                    for c in await session.scalars(
                        select(Correspondent).where(Correspondent.owner_id == user.id)
                    )
                }
                return (
                    user.id,
                    password,
                    [tags_by_name[f"tag-{i}"] for i in range(40)],
                    [names[f"sender-{i}"] for i in range(25)],
                )
            other = await create_user(session, "someone-else", secrets.token_urlsafe(12))
            tags = [Tag(owner_id=user.id, name=f"tag-{i}") for i in range(40)]
            correspondents = [
                Correspondent(owner_id=user.id, name=f"sender-{i}") for i in range(25)
            ]
            session.add_all([*tags, *correspondents, Tag(owner_id=other.id, name="tag-0")])
            await session.flush()
            return user.id, password, [t.id for t in tags], [c.id for c in correspondents]
    finally:
        await engine.dispose()


async def server_facts(url: str) -> dict[str, Any]:
    """Which Postgres ran the benchmark, and how the search columns are compressed there."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        compression = await connection.fetch(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'documents'::regclass AND attname IN ('content', 'search_vector')"
        )
        return {
            "version": await connection.fetchval("SHOW server_version"),
            "compression": {
                row["attname"]: {b"l": "lz4", b"p": "pglz"}.get(row["attcompression"], "default")
                for row in compression
            },
            "default_toast_compression": await connection.fetchval(
                "SHOW default_toast_compression"
            ),
        }
    finally:
        await connection.close()


def start_web(
    env: dict[str, str], port: int, executable: Path | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(executable or Path(sys.executable).parent / "paless-web")],
        env={**env, "PALESS_WEB_PORT": str(port), "PALESS_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": round(cut[49] * 1000, 2),
        "p95_ms": round(cut[94] * 1000, 2),
        "p99_ms": round(cut[98] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(base_url: str, password: str, requests: int, tag: uuid.UUID, rare: str,
                  deep_pages: int, web_pid: int, only: list[str]) -> dict[str, Any]:  # fmt: skip
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        login = await client.post(
            "/api/v1/auth/token", data={"username": "bench", "password": password}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        # A cursor deep into the list: walk there once (not timed).
        cursor = None
        for _ in range(deep_pages):
            page = (
                await client.get("/api/v1/documents", params={"cursor": cursor} if cursor else {},
                                 headers=headers)
            ).json()  # fmt: skip
            cursor = page["next_cursor"]
        cases: dict[str, dict[str, Any]] = {
            "list_first_page": {},
            "list_deep_cursor": {"cursor": cursor},
            "filter_by_tag": {"tags_all": str(tag)},
            "q_common_word": {"q": COMMON_WORD},
            "q_rare_word": {"q": rare},
            "q_and_filter": {"q": COMMON_WORD, "tags_all": str(tag)},
            # The other end: a word in few documents, and the tag on few of those.
            "q_rare_and_filter": {"q": rare, "tags_all": str(tag)},
            # A word of the text and a correspondent's name, matched at query time.
            "q_word_and_name": {"q": f"{COMMON_WORD} {NAMED_CORRESPONDENT}"},
        }
        results: dict[str, Any] = {}
        for name, params in cases.items():
            if only and name not in only:
                continue
            for _ in range(max(5, requests // 10)):  # warm-up
                response = await client.get("/api/v1/documents", params=params, headers=headers)
                assert response.status_code == 200, response.text
            samples = []
            cpu_before = cpu_seconds(web_pid)
            for _ in range(requests):
                started = time.perf_counter()
                response = await client.get("/api/v1/documents", params=params, headers=headers)
                samples.append(time.perf_counter() - started)
            web_cpu = cpu_seconds(web_pid) - cpu_before
            body = response.json()
            first = body["items"][0] if body["items"] else None
            results[name] = {
                **percentiles(samples),
                # The web process's CPU per request: hardly moved by a neighbour's load.
                "web_cpu_ms_per_request": round(web_cpu / requests * 1000, 2),
                "items": len(body["items"]),
                "has_snippet": bool(first and (first.get("search") or {}).get("snippet")),
            }
        return results


async def explain(database_url: str, owner: uuid.UUID, tag: uuid.UUID, rare: str) -> dict[str, str]:
    """EXPLAIN ANALYZE of the main statement of each case, captured from the product's
    own query code."""
    from sqlalchemy import event

    from paless_shared.platform.database import create_engine, create_sessionmaker
    from paless_shared.platform.principal import Principal
    from paless_shared.platform.settings import DatabaseSettings, SearchSettings
    from paless_shared.search.filters import DocumentFilter
    from paless_shared.search.service import find_documents, session_info

    engine = create_engine(DatabaseSettings(database_url=database_url))  # type: ignore[arg-type]
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    plans: dict[str, str] = {}
    cases = {
        "list_first_page": DocumentFilter(),
        "filter_by_tag": DocumentFilter(tags_all=[tag]),
        "q_common_word": DocumentFilter(q=COMMON_WORD),
        "q_rare_word": DocumentFilter(q=rare),
        "q_and_filter": DocumentFilter(q=COMMON_WORD, tags_all=[tag]),
        "q_rare_and_filter": DocumentFilter(q=rare, tags_all=[tag]),
        "q_word_and_name": DocumentFilter(q=f"{COMMON_WORD} {NAMED_CORRESPONDENT}"),
    }
    try:
        sessions = create_sessionmaker(engine, info=session_info(SearchSettings()))
        work_mem = SearchSettings().search_work_mem_mb
        for name, filters in cases.items():
            async with sessions() as session:
                captured.clear()
                await find_documents(session, Principal(owner), filters, limit=50)
                # The statement that finds the page (lookups of names and ids come first).
                statement, parameters = next(
                    (sql, params)
                    for sql, params in captured
                    if sql.lstrip().startswith("SELECT") and "sort_key" in sql
                )
                async with engine.connect() as connection:
                    raw = await connection.get_raw_connection()
                    driver = raw.driver_connection
                    assert driver is not None
                    sql = statement
                    explain = "EXPLAIN (ANALYZE, BUFFERS) " + sql
                    if filters.q:
                        # As the search's own transaction runs it (`plan_for_search`).
                        async with driver.transaction():
                            await driver.execute(
                                "SELECT set_config('plan_cache_mode', 'force_custom_plan',"
                                f" true), set_config('work_mem', '{work_mem}MB', true)"
                            )
                            rows = await driver.fetch(explain, *parameters)
                    else:
                        rows = await driver.fetch(explain, *parameters)
                plans[name] = "\n".join(row[0] for row in rows)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
        await engine.dispose()
    return plans


def run_web(env: dict[str, str], executable: Path | None, password: str, requests: int,
            tag: uuid.UUID, rare: str, deep: int, only: list[str]) -> dict[str, Any]:  # fmt: skip
    """Start a web process, measure every case against it, stop it."""
    port = free_port()
    web = start_web(env, port, executable)
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # a loaded machine starts it slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(base_url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return asyncio.run(measure(base_url, password, requests, tag, rare, deep, web.pid, only))
    finally:
        web.terminate()
        web.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--postgres-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="server to use when it answers; else the embedded one is started",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--redis-db",
        type=int,
        default=13,
        help="Redis database of the web (its login throttle): another than a concurrent run's",
    )
    parser.add_argument("--cases", nargs="+", default=[], help="measure only these cases")
    parser.add_argument(
        "--baseline-web",
        type=Path,
        help="another checkout's paless-web, measured before this one at each size on the "
        "same database (its figures under baseline_cases)",
    )
    parser.add_argument(
        "--copy-above",
        type=int,
        default=100_000,
        help="documents past this many are copies of the first ones, made in Postgres",
    )
    parser.add_argument(
        "--database", default="paless_bench_search", help="database to (re)create and seed"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run with the same seed and only add the "
        "documents it lacks (to measure other code on the same corpus)",
    )
    args = parser.parse_args()

    rng = random.Random(20261128)
    maker = TextMaker(rng)
    rare = maker.words[RARE_WORD_RANK]
    state = Path(tempfile.mkdtemp(prefix="paless-bench-"))
    postgres = ensure_postgres(REPO / ".test", args.postgres_url, free_port())
    redis = ensure_redis(REPO / ".test", "redis://127.0.0.1:6379/0", free_port())
    secret = secrets.token_hex(16)
    s3 = start_seaweedfs(
        state, s3_port=free_port(span=PORT_SPAN), access_key="bench", secret_key=secret,
        bucket="bench",
    )  # fmt: skip
    report: dict[str, Any] = {
        "benchmark": "search",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "requests_per_case": args.requests,
        "page_size": 50,
        "common_word": COMMON_WORD,
        "rare_word": rare,
        "scales": {},
    }
    try:
        plain = asyncio.run(
            create_database(postgres.url, args.database, drop_existing=not args.reuse)
        )
        database_url = plain.replace("postgresql://", "postgresql+asyncpg://", 1)
        env = dict(os.environ)
        env.update(
            {
                "PALESS_DATABASE_URL": database_url,
                "PALESS_REDIS_URL": redis.url.rsplit("/", 1)[0] + f"/{args.redis_db}",
                "PALESS_S3_ENDPOINT_URL": s3.url,
                "PALESS_S3_BUCKET": "bench",
                "PALESS_S3_ACCESS_KEY_ID": "bench",
                "PALESS_S3_SECRET_ACCESS_KEY": secret,
            }
        )
        os.environ.update(env)
        from paless_shared.migrate import upgrade

        upgrade(database_url)
        report["postgres"] = asyncio.run(server_facts(plain))
        owner, password, tags, correspondents = asyncio.run(setup_owner(database_url))
        seeded = asyncio.run(document_count(plain)) if args.reuse else 0
        report["reused_documents"] = seeded
        for size in sorted(args.sizes):
            started = time.perf_counter()
            if seeded > size:
                print(f"skipping {size}: the kept database has {seeded} documents")
                continue
            if seeded == size:
                pass  # kept from an earlier run (--reuse)
            elif seeded >= args.copy_above:
                asyncio.run(
                    seed_copies(
                        database_url, owner, size - seeded, seeded, args.copy_above, tags,
                        correspondents,
                    )
                )  # fmt: skip
            else:
                asyncio.run(
                    seed(
                        database_url, owner, size - seeded, seeded, rng, maker, tags,
                        correspondents,
                    )
                )  # fmt: skip
            if seeded < size:
                asyncio.run(count_words(database_url))
            seed_seconds = time.perf_counter() - started
            seeded = max(seeded, size)
            deep = min(200, size // 50 // 2)
            baseline = None
            if args.baseline_web:
                baseline = run_web(env, args.baseline_web, password, args.requests, tags[0],
                                   rare, deep, args.cases)  # fmt: skip
            results = run_web(env, None, password, args.requests, tags[0], rare, deep, args.cases)
            plans = asyncio.run(explain(database_url, owner, tags[0], rare))
            report["scales"][str(size)] = {
                "seed_seconds": round(seed_seconds, 1),
                "seeded_by": "copies" if size > args.copy_above else "generated",
                "deep_cursor_pages": deep,
                "load_average_1m_after": round(os.getloadavg()[0], 2),
                "cases": results,
                **({"baseline_cases": baseline} if baseline else {}),
                "explain_analyze": plans,
            }
            write_report(report, args.output)
            print(f"\n{size} documents (seeded in {seed_seconds:.0f} s)")
            print(f"{'case':<30}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'web cpu ms':>11}")
            for label, measured in (("baseline: ", baseline), ("", results)):
                for name, figures in (measured or {}).items():
                    print(
                        f"{label + name:<30}{figures['p50_ms']:>9}{figures['p95_ms']:>9}"
                        f"{figures['p99_ms']:>9}{figures['web_cpu_ms_per_request']:>11}"
                    )
    finally:
        s3.stop()
        redis.stop()
        postgres.stop()

    print(f"\nwritten to {write_report(report, args.output)}")


def write_report(report: dict[str, Any], path: Path) -> Path:
    """The results so far, with each size's p95 against the one before it."""
    sizes = sorted(report["scales"], key=int)
    report["ratio_p95"] = {
        f"{large}/{small}": {
            name: round(
                report["scales"][large]["cases"][name]["p95_ms"]
                / report["scales"][small]["cases"][name]["p95_ms"],
                2,
            )
            for name in report["scales"][large]["cases"]
        }
        for small, large in itertools.pairwise(sizes)
    }
    report["machine"]["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    output = path.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    return output


if __name__ == "__main__":
    main()
