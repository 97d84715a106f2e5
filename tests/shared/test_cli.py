"""`paless`, the admin command, run as operators run it: a process."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.platform.security import verify_password
from paless_shared.tables import User
from tests.e2e.processes import script, service_env
from tests.shared.database import ENUMS, TABLES, head, schema


async def paless(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [script("paless"), *args],
        env=service_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def user_row(db: async_sessionmaker[AsyncSession], username: str) -> User | None:
    async with db() as session:
        result = await session.execute(select(User).where(User.username == username))
        return result.scalar_one_or_none()


async def test_migrate_builds_a_fresh_database_and_can_run_again(
    fresh_database: str, tmp_path: Path
) -> None:
    first = await paless(tmp_path, "migrate", PALESS_DATABASE_URL=fresh_database)

    assert first.returncode == 0, first.stderr
    assert "migrated to head" in first.stdout
    assert "bucket paless-test: exists" in first.stdout
    assert await schema(fresh_database) == (TABLES, ENUMS, head())

    second = await paless(tmp_path, "migrate", PALESS_DATABASE_URL=fresh_database)

    assert second.returncode == 0, second.stderr
    assert await schema(fresh_database) == (TABLES, ENUMS, head())


async def test_create_user_refuses_a_taken_name_unless_told_to_update_it(
    db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    created = await paless(tmp_path, "create-user", "bob", "--password", "first-secret")
    assert created.returncode == 0, created.stderr
    assert "user bob: ready" in created.stdout
    row = await user_row(db, "bob")
    assert row is not None and not row.is_admin
    assert verify_password("first-secret", row.password_hash)

    again = await paless(tmp_path, "create-user", "bob", "--password", "other")

    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    unchanged = await user_row(db, "bob")
    assert unchanged is not None and unchanged.password_hash == row.password_hash

    updated = await paless(
        tmp_path, "create-user", "bob", "--password", "second-secret", "--exist-ok", "--admin"
    )

    assert updated.returncode == 0, updated.stderr
    assert "(admin)" in updated.stdout
    row = await user_row(db, "bob")
    assert row is not None and row.is_admin
    assert verify_password("second-secret", row.password_hash)
    assert not verify_password("first-secret", row.password_hash)


async def test_cli_without_database_url_exits_naming_it(tmp_path: Path) -> None:
    finished = await paless(
        tmp_path, "create-user", "carol", "--password", "x", PALESS_DATABASE_URL=""
    )

    assert finished.returncode == 1
    assert "PALESS_DATABASE_URL" in finished.stderr
