from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import Account
from tests.e2e.processes import Services, services_fixture
from tests.worker.support import DocumentRows, TaskRows, uploader


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    yield from services_fixture(tmp_path)


@pytest.fixture
def documents(db: async_sessionmaker[AsyncSession]) -> DocumentRows:
    return DocumentRows(db)


@pytest.fixture
def uploaded(client: httpx.AsyncClient, account: Account) -> Any:
    return uploader(client, account)


@pytest.fixture
async def tasks(db: async_sessionmaker[AsyncSession]) -> TaskRows:
    rows = TaskRows(db)
    await rows.clear()  # task rows of periodic jobs belong to no user: not truncated
    return rows
