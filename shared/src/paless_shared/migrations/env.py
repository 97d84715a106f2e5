"""Alembic environment: async engine from PALESS_DATABASE_URL, the tables' metadata."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from paless_shared import tables  # noqa: F401  (registers the tables)
from paless_shared.migrate import check_extensions
from paless_shared.platform.database import Base, create_engine
from paless_shared.platform.settings import DatabaseSettings, load

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    # In a transaction of its own: one left open would swallow the migrations' commits.
    with connection.begin():
        check_extensions(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    url = context.config.attributes.get("database_url")
    settings = load(DatabaseSettings) if url is None else DatabaseSettings(database_url=url)
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `paless migrate`")
asyncio.run(_run_online())
