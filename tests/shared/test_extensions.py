"""Extensions the schema needs: `paless migrate` says what is missing and how to get it."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from paless_devstack.postgres import plain_url
from paless_shared.migrate import MIGRATIONS_DIR, REQUIRED_EXTENSIONS, MissingExtension
from paless_shared.migrate import check_extensions as check
from tests.shared.database import schema
from tests.shared.test_cli import paless


@pytest.fixture
async def outsider(fresh_database: str) -> AsyncIterator[str]:
    """The fresh database's URL for a new login role that is neither superuser nor owner,
    so it has no CREATE privilege on the database (PUBLIC gets only CONNECT and TEMP)."""
    role = f"paless_outsider_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(plain_url(fresh_database))
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN')
        try:
            yield make_url(fresh_database).set(username=role).render_as_string(False)
        finally:
            await admin.execute(f'DROP ROLE "{role}"')  # it owns nothing
    finally:
        await admin.close()


async def test_migrate_names_the_extension_a_role_may_not_create_and_exits_2(
    outsider: str, tmp_path: Path
) -> None:
    result = await paless(tmp_path, "migrate", PALESS_DATABASE_URL=outsider)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("paless: extension pg_trgm is not installed in database")
    assert "CREATE EXTENSION pg_trgm;" in lines[0]
    # Checked before any migration: nothing was created.
    tables, _, version = await schema(outsider)
    assert tables == set() and version is None


async def test_an_extension_the_server_does_not_have_is_named_with_where_to_get_it(
    fresh_database: str,
) -> None:
    engine = create_async_engine(fresh_database)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(check)  # the real list passes on the test server
            with pytest.raises(MissingExtension) as raised:
                await connection.run_sync(check, ["pg_trgm", "paless_no_such_extension"])
    finally:
        await engine.dispose()

    message = str(raised.value)
    assert "has no extension paless_no_such_extension" in message
    assert "install it where Postgres runs" in message
    assert "\n" not in message


def test_every_extension_a_migration_creates_is_checked_before_migrating() -> None:
    created = {
        name
        for path in (MIGRATIONS_DIR / "versions").glob("*.py")
        for name in re.findall(r"CREATE EXTENSION IF NOT EXISTS (\w+)", path.read_text())
    }
    assert created and created <= set(REQUIRED_EXTENSIONS)
