from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import Account, Servers
from tests.e2e.processes import Services, services_fixture
from tests.worker.support import DocumentRows, uploader


@pytest.fixture
def documents(db: async_sessionmaker[AsyncSession]) -> DocumentRows:
    return DocumentRows(db)


@pytest.fixture
def uploaded(client: httpx.AsyncClient, account: Account) -> Any:
    return uploader(client, account)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    yield from services_fixture(tmp_path)


@pytest.fixture
async def second_queue(servers: Servers) -> AsyncIterator[ArqRedis]:
    """A connection pool of its own, as a second scheduler process would have."""
    from paless_shared.platform.jobs import create_queue
    from paless_shared.platform.settings import RedisSettings, load

    pool = await create_queue(load(RedisSettings))
    yield pool
    await pool.aclose()
