"""Fixtures for the web API tests: the app built with settings other than the defaults."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest

from paless_shared.platform.settings import (
    AuthSettings,
    CdnSettings,
    DatabaseSettings,
    DeliverySettings,
    RedisSettings,
    S3Settings,
    load,
)
from paless_web.app import create_app
from paless_web.state import WebConfig

AppClient = Callable[..., Awaitable[httpx.AsyncClient]]


@asynccontextmanager
async def _app_client(
    *, s3: S3Settings | None = None, **delivery: Any
) -> AsyncIterator[httpx.AsyncClient]:
    config = WebConfig(
        database=load(DatabaseSettings),
        redis=load(RedisSettings),
        s3=s3 or load(S3Settings),
        delivery=DeliverySettings(**delivery),
        auth=load(AuthSettings),
        cdn=CdnSettings(),
    )
    app = create_app(config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://paless.test") as c:
            yield c


@pytest.fixture
async def app_client(servers: Any) -> AsyncIterator[AppClient]:
    """`await app_client(max_upload_bytes=…)`: a client for an app with these delivery
    settings (and optionally other S3 settings), closed at the end of the test."""
    async with AsyncExitStack() as stack:

        async def build(**settings: Any) -> httpx.AsyncClient:
            return await stack.enter_async_context(_app_client(**settings))

        yield build
