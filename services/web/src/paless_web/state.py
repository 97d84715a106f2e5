"""Clients and settings a web process creates once, in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from paless_shared.platform.database import create_engine, create_sessionmaker
from paless_shared.platform.jobs import create_queue
from paless_shared.platform.settings import (
    AuthSettings,
    CdnSettings,
    DatabaseSettings,
    DeliverySettings,
    RedisSettings,
    S3Settings,
    SearchSettings,
    load,
)
from paless_shared.platform.storage import Storage
from paless_shared.search.service import session_info
from paless_web.delivery import Delivery, create_delivery


@dataclass(frozen=True)
class WebConfig:
    database: DatabaseSettings
    redis: RedisSettings
    s3: S3Settings
    delivery: DeliverySettings
    auth: AuthSettings
    cdn: CdnSettings
    search: SearchSettings = field(default_factory=SearchSettings)

    @classmethod
    def from_env(cls) -> WebConfig:
        return cls(
            database=load(DatabaseSettings),
            redis=load(RedisSettings),
            s3=load(S3Settings),
            delivery=load(DeliverySettings),
            auth=load(AuthSettings),
            cdn=load(CdnSettings),
            search=load(SearchSettings),
        )


@dataclass(frozen=True)
class WebState:
    config: WebConfig
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    queue: ArqRedis
    storage: Storage
    delivery: Delivery


@asynccontextmanager
async def open_state(config: WebConfig) -> AsyncIterator[WebState]:
    engine = create_engine(config.database)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(engine.dispose)
        queue = await create_queue(config.redis)
        stack.push_async_callback(queue.aclose)
        storage = await stack.enter_async_context(Storage.open(config.s3))
        yield WebState(
            config=config,
            engine=engine,
            # The search settings ride on every session (search reads them there).
            sessionmaker=create_sessionmaker(engine, info=session_info(config.search)),
            queue=queue,
            storage=storage,
            delivery=create_delivery(storage, config.cdn),
        )
