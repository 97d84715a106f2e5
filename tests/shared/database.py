"""What a database's schema looks like, read straight from the Postgres catalog, and
what the models say it should be."""

from __future__ import annotations

import asyncpg
from alembic.script import ScriptDirectory
from sqlalchemy import Enum

from paless_devstack.postgres import plain_url
from paless_shared import tables  # noqa: F401  (registers the tables)
from paless_shared.migrate import alembic_config
from paless_shared.platform.database import Base

TABLES = set(Base.metadata.tables)
ENUMS = {
    column.type.name
    for table in Base.metadata.tables.values()
    for column in table.columns
    if isinstance(column.type, Enum) and column.type.name
}


async def schema(url: str) -> tuple[set[str], set[str], str | None]:
    """(tables, enum types, alembic revision) of the database at `url`."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        tables = {
            row["tablename"]
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        enums = {
            row["typname"]
            for row in await connection.fetch("SELECT typname FROM pg_type WHERE typtype = 'e'")
        }
        version = None
        if "alembic_version" in tables:
            version = await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()
    return tables - {"alembic_version"}, enums, version


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
