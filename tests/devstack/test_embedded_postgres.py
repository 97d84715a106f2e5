"""The embedded Postgres on its own: what it carries, and a data dir from another version."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from paless_devstack import ensure_postgres, free_port
from paless_devstack.process import run_sync


async def try_extensions(url: str) -> dict[str, str]:
    connection = await asyncpg.connect(url)
    try:
        for name in ("pg_trgm", "btree_gist", "unaccent", "vector"):
            await connection.execute(f"CREATE EXTENSION {name}")
        return {
            "similarity": str(await connection.fetchval("SELECT similarity('invoice', 'invoce')")),
            "unaccent": await connection.fetchval("SELECT unaccent('Gebühr Café')"),
            "vector": str(await connection.fetchval("SELECT '[1,2]'::vector <-> '[1,3]'::vector")),
        }
    finally:
        await connection.close()


def test_a_cluster_of_another_major_version_is_moved_aside_and_a_new_one_made(
    tmp_path: Path,
) -> None:
    old = tmp_path / "postgres"
    old.mkdir()
    (old / "PG_VERSION").write_text("16\n")
    (old / "base").mkdir()

    server = ensure_postgres(
        tmp_path, f"postgresql://postgres@127.0.0.1:{free_port()}/x", free_port()
    )
    try:
        assert server.embedded
        results = run_sync(lambda: try_extensions(server.url))
    finally:
        server.stop()

    assert (tmp_path / "postgres-16.old" / "base").is_dir()  # kept, not deleted
    assert (tmp_path / "postgres" / "PG_VERSION").read_text().strip() == "18"
    assert float(results["similarity"]) > 0.3
    assert results["unaccent"] == "Gebuhr Cafe"
    assert results["vector"] == "1.0"
