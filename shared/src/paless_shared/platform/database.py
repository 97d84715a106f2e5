"""Database engine, session factory, the declarative base and the unit of work.

The transaction rule: the entry point (the web's request dependency, a worker job,
a CLI command) opens a unit of work and commits or rolls it back; services and
queries only flush.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    DateTime,
    MetaData,
    Table,
    Uuid,
    bindparam,
    func,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.util.concurrency import await_

from paless_shared.platform.errors import DomainError
from paless_shared.platform.settings import DatabaseSettings

# Stable constraint names so Alembic migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def timestamp(**kwargs: Any) -> Mapped[datetime]:
    """A timezone-aware timestamp column that Postgres fills with now()."""
    return mapped_column(DateTime(timezone=True), server_default=func.now(), **kwargs)


def id_array(ids: Iterable[uuid.UUID]) -> BindParameter[Any]:
    """Any number of ids as one array parameter: `column == any_(id_array(ids))`, or
    `unnest(id_array(ids))` as rows. A statement binds at most 32,767 parameters and an
    IN list or a multi-row VALUES binds one per value, so statements over a set of
    documents the caller chose (a bulk edit takes 10,000) bind arrays instead."""
    values: Any = list(ids)
    return bindparam("ids", values, type_=ARRAY(Uuid()), unique=True)


def new_values(table: Table, columns: Iterable[str]) -> dict[str, BindParameter[Any]]:
    """For an UPDATE built once and run many times: each column's new value as the bind
    parameter `new_<column>`, typed as the column (values from `new_parameters`)."""
    return {column: bindparam(f"new_{column}", type_=table.c[column].type) for column in columns}


def new_parameters(values: Mapping[str, Any], **others: Any) -> dict[str, Any]:
    """The parameters of `new_values`' statement: `values` by column name, and the
    statement's other parameters."""
    return {**{f"new_{column}": value for column, value in values.items()}, **others}


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    engine = create_async_engine(
        str(settings.database_url),
        pool_size=settings.database_pool_size,
        pool_pre_ping=True,
        echo=settings.database_echo,
    )
    # Checked out, a pooled connection is pinged first, so that one Postgres closed
    # (a restart) is replaced instead of failing the statement. SQLAlchemy's asyncpg
    # ping takes three round trips (BEGIN, a prepared `;`, ROLLBACK: a worker's
    # document was six of its seventeen); this one is one.
    engine.sync_engine.dialect.do_ping = _ping  # type: ignore[method-assign]
    return engine


def _ping(dbapi_connection: Any) -> bool:
    """One round trip: `SELECT 1` in the simple query protocol (no prepared
    statement, no transaction left open). A failure is raised as SQLAlchemy's asyncpg
    adapter raises its own ping's, so the pool still tells a closed connection (it
    reconnects) from another error."""
    try:
        await_(dbapi_connection.driver_connection.execute("SELECT 1"))
    except Exception as error:
        dbapi_connection._handle_exception(error)
    return True


def create_sessionmaker(
    engine: AsyncEngine, *, info: Mapping[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions of one process. `info` rides on every session (`session.info`): the
    per-process settings queries need, such as the search language
    (`paless_shared.search.service.session_info`)."""
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, info=dict(info or {})
    )


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session that commits when the block succeeds and rolls back when it raises.

    Services and queries only flush; the entry point (request, job, command) owns
    the commit through this context manager.
    """
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


async def flush_unique(session: AsyncSession, conflict: DomainError) -> None:
    """Flush inside a savepoint; a unique constraint the flush breaks becomes
    `conflict` (usually a 409) and leaves the rest of the transaction usable."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise conflict from None


async def ping(engine: AsyncEngine) -> None:
    """Readiness: the database answers a trivial statement."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
