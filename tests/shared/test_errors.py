"""Which database errors are the caller's input (refused values) and which are outages:
real errors from the real Postgres, as asyncpg and SQLAlchemy raise them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import BigInteger, DateTime, literal, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.platform.database import create_engine, create_sessionmaker
from paless_shared.platform.errors import refused_value, unavailable_dependency
from paless_shared.platform.settings import DatabaseSettings
from tests.conftest import Servers

REFUSED: dict[str, Any] = {
    # asyncpg cannot encode these arguments (refused before anything is sent).
    "integer-over-int64": select(literal(2**70, BigInteger)),
    "date-time-out-of-range": select(
        literal(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), DateTime(timezone=True))
    ),
    # Postgres refuses these (SQLSTATE class 22).
    "numeric-overflow": text("SELECT CAST('1e200000' AS numeric)"),
    "bad-integer-text": text("SELECT CAST('twelve' AS bigint)"),
    "division-by-zero": text("SELECT 1 / 0"),
    "timestamp-out-of-range": text("SELECT timestamptz '294277-01-01'"),
}


@pytest.mark.parametrize("name", list(REFUSED))
async def test_a_value_the_database_refuses_is_input_not_an_outage(
    db: async_sessionmaker[AsyncSession], name: str
) -> None:
    async with db() as session:
        with pytest.raises(DBAPIError) as raised:
            await session.execute(REFUSED[name])

    assert refused_value(raised.value)
    assert unavailable_dependency(raised.value) is None


async def test_a_lost_connection_is_still_an_outage(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        pid = await session.scalar(text("SELECT pg_backend_pid()"))
        async with db() as killer:
            await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised:
            await session.execute(select(literal(datetime.now(UTC))))

    assert not refused_value(raised.value)
    assert unavailable_dependency(raised.value) == "database"


async def test_a_pooled_connection_postgres_closed_is_replaced_when_checked_out(
    servers: Servers, db: async_sessionmaker[AsyncSession]
) -> None:
    # The pool pings a connection before handing it out (one round trip): one that
    # Postgres has closed meanwhile (a restart) is replaced, not handed to a statement.
    engine = create_engine(
        DatabaseSettings(database_url=servers.database_url, database_pool_size=1)
    )  # type: ignore[arg-type]
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            await session.commit()  # back to the pool, still open on this side
        async with db() as killer:
            await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        async with sessions() as session:
            again = await session.scalar(text("SELECT pg_backend_pid()"))
    finally:
        await engine.dispose()

    assert again is not None and again != pid
