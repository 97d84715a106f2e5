from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import Account
from tests.worker.support import DocumentRows, uploader


@pytest.fixture
def documents(db: async_sessionmaker[AsyncSession]) -> DocumentRows:
    return DocumentRows(db)


@pytest.fixture
def uploaded(client: httpx.AsyncClient, account: Account) -> Any:
    return uploader(client, account)
