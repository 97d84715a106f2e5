from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import asyncpg
import pytest

from paless_devstack import create_database
from paless_devstack.postgres import asyncpg_url, plain_url
from tests.conftest import Servers


@pytest.fixture
async def fresh_database(servers: Servers) -> AsyncIterator[str]:
    """An empty database on the test server (asyncpg URL), dropped afterwards."""
    name = f"paless_fresh_{secrets.token_hex(4)}"
    url = await create_database(plain_url(servers.database_url), name)
    try:
        yield asyncpg_url(url)
    finally:
        connection = await asyncpg.connect(plain_url(servers.database_url))
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()
