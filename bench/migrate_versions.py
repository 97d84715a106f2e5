"""How long the migration to versions (revision 0200) takes on 100,000 documents.

Builds a scratch database at the revision before, writes N processed documents
straight into Postgres (three pages of text each, as ingest stores them), then times
`alembic upgrade 0200`: one version, one finished run and three page rows per
document, every document pointed at its version. Usage:

    uv run python bench/migrate_versions.py [--documents 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time

import asyncpg
from alembic import command
from common import machine, write_results

from paless_shared.migrate import alembic_config

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


async def main(documents: int) -> dict[str, object]:
    name = f"paless_bench_versions_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        config = alembic_config(url)
        await asyncio.to_thread(command.upgrade, config, "0008")
        connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}")
        try:
            await connection.execute(
                "CREATE EXTENSION IF NOT EXISTS pgcrypto;"
                "INSERT INTO users (id, username, password_hash, is_admin, is_active) "
                "VALUES (gen_random_uuid(), 'bench', 'x', false, true)"
            )
            started = time.perf_counter()
            await connection.execute(
                """
                INSERT INTO documents (id, owner_id, title, original_filename, mime_type,
                    size_bytes, sha256, page_count, content, status, original_key,
                    thumbnail_key, ingest_attempts)
                SELECT gen_random_uuid(), (SELECT id FROM users LIMIT 1), 'Document ' || n,
                    'document-' || n || '.pdf', 'application/pdf', 50000 + n,
                    md5(n::text) || md5(n::text), 3,
                    'Invoice ' || n || ' from Acme' || E'\\f' || repeat('terms ', 40)
                        || E'\\f' || 'Total ' || n || ' EUR',
                    'ready', 'originals/' || n || '.pdf', 'thumbnails/' || n || '.webp', 1
                FROM generate_series(1, $1) AS n
                """,
                documents,
            )
            await connection.execute("ANALYZE documents")
            filled = time.perf_counter() - started
        finally:
            await connection.close()
        started = time.perf_counter()
        await asyncio.to_thread(command.upgrade, config, "0009")
        seconds = time.perf_counter() - started
        connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}")
        try:
            counts = {
                table: await connection.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
                for table in ("document_versions", "processing_runs", "document_pages")
            }
            unpointed = await connection.fetchval(
                "SELECT count(*) FROM documents WHERE current_version_id IS NULL"
            )
        finally:
            await connection.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return {
        "machine": machine(),
        "documents": documents,
        "seconds_to_fill": round(filled, 1),
        "seconds_to_migrate": round(seconds, 1),
        "documents_per_second": round(documents / seconds),
        "rows": counts,
        "documents_without_version": unpointed,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    result = asyncio.run(main(args.documents))
    print(result)
    write_results("migrate_versions", result)
