"""Known-item search relevance: does the document a person means come first?

    uv run python bench/relevance.py [--size 10000] [--targets 200]
        [--postgres-url URL] [--output PATH]

Generates a corpus from a Zipf-distributed vocabulary (document lengths log-normal,
added over four years), picks `--targets` target documents spread over the whole date
range, and per target four queries a person might type to find it:

- rare: two words of the target that are in few documents;
- rare+common: one rare word and two common ones;
- common: three moderately common words (each in 1-10% of the documents);
- broad: two very common words (each in more than 30% of the documents).

Each query runs through the product's search (paless_shared.search.find_documents,
in-process, relevance order, pages of 25) and, in the same run, through a reference
BM25 ranking of the same texts (`bm25s`, k1=1.5, b=0.75) restricted to the documents
containing every query word (the same AND matching). Reports hit@1, hit@10 and MRR@25
per kind, split by target age (among the newest 1,000 documents or older), whether
older targets of broad queries are reachable by paging, and search latency (p50/p95).
Benchmarks print figures; nothing here asserts them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import secrets
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from paless_devstack import create_database, ensure_postgres, free_port  # noqa: E402

RESULTS = REPO / "bench" / "results" / "relevance.json"
KINDS = ("rare", "rare+common", "common", "broad")
PAGE = 25
RECENT = 1_000  # targets among the newest RECENT documents count as recent
SYLLABLES = [
    "ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "pa", "zu", "ri", "ol", "an",
    "er", "is", "ut", "en", "ma", "go", "ba", "fi", "xe", "qu", "ho", "ly", "tr", "ch",
]  # fmt: skip


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def corpus(size: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    """(title, words of the text) per document, oldest first."""
    words = vocabulary(30_000, rng)
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    documents = []
    for _ in range(size):
        length = max(20, min(3_000, int(rng.lognormvariate(5.3, 0.8))))
        text = rng.choices(words, cum_weights=cumulative, k=length)
        title = " ".join(rng.sample(text, min(3, len(text))))
        documents.append((title, text))
    return documents


def queries_for(
    target: int, documents: list[tuple[str, list[str]]], df: Counter[str], rng: random.Random
) -> dict[str, list[str]]:
    size = len(documents)
    present = sorted(set(documents[target][1]))
    rare = [w for w in present if 3 <= df[w] <= size // 100]
    common = [w for w in present if size * 0.10 < df[w] <= size * 0.30]
    moderate = [w for w in present if size * 0.01 <= df[w] <= size * 0.10]
    broad = [w for w in present if df[w] > size * 0.30]
    found: dict[str, list[str]] = {}
    if len(rare) >= 2:
        found["rare"] = rng.sample(rare, 2)
    if rare and len(common) >= 2:
        found["rare+common"] = [rng.choice(rare), *rng.sample(common, 2)]
    if len(moderate) >= 3:
        found["common"] = rng.sample(moderate, 3)
    if len(broad) >= 2:
        found["broad"] = rng.sample(broad, 2)
    return found


async def seed(database_url: str, documents: list[tuple[str, list[str]]]) -> list[uuid.UUID]:
    """Store the documents (added a few hours apart, oldest first) and index them with
    the product's index statement. Returns their ids in corpus order."""
    import asyncpg

    from paless_shared.accounts.users import create_user
    from paless_shared.platform.database import create_engine, create_sessionmaker, unit_of_work
    from paless_shared.platform.settings import DatabaseSettings
    from paless_shared.search import service
    from paless_shared.search.queries import index

    engine = create_engine(DatabaseSettings(database_url=database_url))  # type: ignore[arg-type]
    maker = create_sessionmaker(engine)
    async with unit_of_work(maker) as session:
        owner = (await create_user(session, "bench", secrets.token_urlsafe(12))).id
    plain = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(plain)
    ids = [uuid.uuid4() for _ in documents]
    base = datetime(2022, 1, 1, tzinfo=UTC)
    step = timedelta(days=4 * 365) / len(documents)
    try:
        records = [
            (
                ids[n], owner, title, f"scan-{n}.pdf", "application/pdf", 1000,
                secrets.token_hex(32), 1, " ".join(text), "ready", f"originals/{ids[n]}.pdf",
                base + step * n, base + step * n, base + step * n, 1,
            )
            for n, (title, text) in enumerate(documents)
        ]  # fmt: skip
        await connection.copy_records_to_table(
            "documents",
            records=records,
            columns=[
                "id", "owner_id", "title", "original_filename", "mime_type", "size_bytes",
                "sha256", "page_count", "content", "status", "original_key", "created_at",
                "added_at", "modified_at", "ingest_attempts",
            ],
        )  # fmt: skip
        for offset in range(0, len(ids), 2_000):
            async with unit_of_work(maker) as session:
                await index.refresh(session, ids[offset : offset + 2_000], "simple")
        await connection.execute("VACUUM ANALYZE documents")
        if hasattr(service, "refresh_statistics"):  # absent from the code before it
            async with unit_of_work(maker) as session:
                # What the periodic search_statistics job does.
                await service.refresh_statistics(session)
    finally:
        await connection.close()
        await engine.dispose()
    return ids


class Reference:
    """BM25 (bm25s) over title + text, under AND matching."""

    def __init__(self, documents: list[tuple[str, list[str]]]) -> None:
        import bm25s

        self.tokens = [title.split() + text for title, text in documents]
        self.sets = [set(tokens) for tokens in self.tokens]
        self.retriever = bm25s.BM25(k1=1.5, b=0.75)
        self.retriever.index(self.tokens, show_progress=False)

    def ranking(self, words: list[str]) -> list[int]:
        scores = self.retriever.get_scores(words)
        matching = [n for n, present in enumerate(self.sets) if all(w in present for w in words)]
        return sorted(matching, key=lambda n: (-float(scores[n]), n))


def metrics(ranks: list[int | None]) -> dict[str, float]:
    """hit@1, hit@10, MRR@25 of the targets' 1-based ranks (None: not in the first 25)."""
    count = len(ranks) or 1
    return {
        "queries": len(ranks),
        "hit@1": round(sum(1 for r in ranks if r == 1) / count, 3),
        "hit@10": round(sum(1 for r in ranks if r is not None and r <= 10) / count, 3),
        "mrr@25": round(sum(1 / r for r in ranks if r is not None and r <= PAGE) / count, 3),
    }


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a local process so far: the Postgres backend that
    serves a session (the server must run on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] * 1000, 1)


async def measure(
    database_url: str,
    ids: list[uuid.UUID],
    cases: list[tuple[str, int, list[str]]],
    reach_targets: int,
) -> tuple[
    dict[tuple[str, int], int | None], dict[str, list[float]], dict[str, Any], dict[str, float]
]:
    from sqlalchemy import text

    from paless_shared.platform.database import create_engine, create_sessionmaker
    from paless_shared.platform.principal import Principal
    from paless_shared.platform.settings import DatabaseSettings, SearchSettings
    from paless_shared.search import service
    from paless_shared.search.filters import DocumentFilter

    engine = create_engine(DatabaseSettings(database_url=database_url))  # type: ignore[arg-type]
    maker = create_sessionmaker(engine, info=service.session_info(SearchSettings()))
    admin = Principal(user_id=uuid.uuid4(), is_admin=True)
    ranks: dict[tuple[str, int], int | None] = {}
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, float] = dict.fromkeys(KINDS, 0.0)
    position = {document_id: n for n, document_id in enumerate(ids)}
    reach = {"older_broad_targets": 0, "reachable": 0, "pages": 0}
    try:
        for kind, target, words in cases:
            async with maker() as session:
                backend = await session.scalar(text("SELECT pg_backend_pid()"))
                await session.commit()
                cpu_before = _cpu_seconds(backend) + time.process_time()
                started = time.perf_counter()
                found = await service.find_documents(
                    session, admin, DocumentFilter(q=" ".join(words)), limit=PAGE
                )
                timings[kind].append(time.perf_counter() - started)
                cpu[kind] += _cpu_seconds(backend) + time.process_time() - cpu_before
            listed = [position[d.id] for d in found.documents]
            ranks[(kind, target)] = listed.index(target) + 1 if target in listed else None
            if (
                kind == "broad"
                and target < len(ids) - RECENT
                and reach["older_broad_targets"] < reach_targets
            ):
                # Page the whole relevance order (pages of 100) for the target.
                reach["older_broad_targets"] += 1
                cursor = None
                while True:
                    async with maker() as session:
                        page = await service.find_documents(
                            session, admin, DocumentFilter(q=" ".join(words)), limit=100,
                            cursor=cursor,
                        )  # fmt: skip
                    reach["pages"] += 1
                    if any(position[d.id] == target for d in page.documents):
                        reach["reachable"] += 1
                        break
                    cursor = page.next_cursor
                    if cursor is None:
                        break
    finally:
        await engine.dispose()
    return ranks, timings, reach, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--label", default="current")
    parser.add_argument(
        "--reach", type=int, default=20, help="older broad targets to look for by paging"
    )
    parser.add_argument(
        "--postgres-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="server to use when it answers; else the embedded one is started",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--database", default="paless_bench_relevance")
    args = parser.parse_args()

    rng = random.Random(20261129)
    started = time.perf_counter()
    documents = corpus(args.size, rng)
    df: Counter[str] = Counter()
    for title, text in documents:
        df.update(set(title.split()) | set(text))
    step = args.size / args.targets
    targets = [int(n * step + rng.random() * step) for n in range(args.targets)]
    cases = [
        (kind, target, words)
        for target in targets
        for kind, words in queries_for(target, documents, df, rng).items()
    ]
    print(
        f"corpus {args.size} documents, {len(cases)} queries ({time.perf_counter() - started:.0f}s)"
    )

    reference = Reference(documents)
    expected: dict[tuple[str, int], int | None] = {}
    for kind, target, words in cases:
        ranking = reference.ranking(words)[:PAGE]
        expected[(kind, target)] = ranking.index(target) + 1 if target in ranking else None

    postgres = ensure_postgres(REPO / ".test", args.postgres_url, free_port())
    plain = asyncio.run(create_database(postgres.url, args.database, drop_existing=True))
    database_url = plain.replace("postgresql://", "postgresql+asyncpg://", 1)
    from paless_shared.migrate import upgrade

    upgrade(database_url)
    seeding = time.perf_counter()
    ids = asyncio.run(seed(database_url, documents))
    print(f"seeded and indexed in {time.perf_counter() - seeding:.0f}s")
    load_before = round(os.getloadavg()[0], 2)
    ranks, timings, reach, cpu = asyncio.run(measure(database_url, ids, cases, args.reach))

    report: dict[str, Any] = {
        "benchmark": "relevance",
        "label": args.label,
        "documents": args.size,
        "targets": args.targets,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "load_average_1m_before_queries": load_before,
        "kinds": {},
        "broad_older_reachable_by_paging": reach,
    }
    print(
        f"\n{'kind':12} {'age':6} {'n':>4}  {'paless h@1/h@10/MRR':>22}  {'bm25s h@1/h@10/MRR':>22}"
    )
    for kind in KINDS:
        entry: dict[str, Any] = {
            "latency_ms": {
                "p50": p(timings[kind], 0.5) if timings[kind] else None,
                "p95": p(timings[kind], 0.95) if timings[kind] else None,
                # CPU of the Postgres backend and of this process per query, averaged
                # (/proc counts in clock ticks of 10 ms).
                "cpu_per_query": round(cpu[kind] * 1000 / max(1, len(timings[kind])), 2),
            }
        }
        for age in ("all", "recent", "older"):
            keys = [
                (k, t)
                for (k, t) in ranks
                if k == kind and (age == "all" or (age == "recent") == (t >= args.size - RECENT))
            ]
            ours = metrics([ranks[key] for key in keys])
            theirs = metrics([expected[key] for key in keys])
            entry[age] = {"paless": ours, "bm25s": theirs}
            print(
                f"{kind:12} {age:6} {ours['queries']:>4}  "
                f"{ours['hit@1']:.2f}/{ours['hit@10']:.2f}/{ours['mrr@25']:.3f}{'':7}"
                f"{theirs['hit@1']:.2f}/{theirs['hit@10']:.2f}/{theirs['mrr@25']:.3f}"
            )
        report["kinds"][kind] = entry
        print(
            f"{'':12} latency p50 {entry['latency_ms']['p50']} ms, "
            f"p95 {entry['latency_ms']['p95']} ms, "
            f"CPU {entry['latency_ms']['cpu_per_query']} ms per query"
        )
    print(f"broad, older targets reachable by paging: {reach}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
