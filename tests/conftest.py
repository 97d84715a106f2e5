"""Test session: real Postgres, Redis and SeaweedFS, and helpers to drive paless.

Postgres and Redis are the ones on 127.0.0.1 when they answer (else embedded ones);
SeaweedFS is always started fresh, with signature checking on.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_devstack import (
    RunningService,
    create_database,
    ensure_postgres,
    ensure_redis,
    free_port,
    start_seaweedfs,
)
from paless_devstack.s3 import PORT_SPAN

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".test"
# Tests flush their Redis database, so each session claims one of databases 1-15 (0 is
# the dev stack's) with SET NX in database 0, and frees it at the end.
REDIS_CLAIM_PREFIX = "paless:test-session:db:"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_redis_database(server_url: str) -> tuple[int, Callable[[], None]]:
    import redis as redis_client

    client = redis_client.Redis.from_url(server_url.rsplit("/", 1)[0] + "/0")
    owner = f"{os.getpid()}:{secrets.token_hex(4)}"
    for number in range(1, 16):
        key = f"{REDIS_CLAIM_PREFIX}{number}"
        holder = client.get(key)
        if holder is not None and not _process_alive(int(holder.split(b":")[0])):
            client.delete(key)  # left by a session that was killed
        if client.set(key, owner, nx=True, ex=3 * 3600):

            def release(key: str = key) -> None:
                if client.get(key) == owner.encode():
                    client.delete(key)
                client.close()

            return number, release
    client.close()
    raise RuntimeError("all Redis databases 1-15 are claimed by other test sessions")


@dataclass(frozen=True)
class Servers:
    database_url: str  # postgresql+asyncpg://
    redis_url: str
    s3_endpoint_url: str
    s3_access_key: str
    s3_secret_key: str
    bucket: str


def _environment(servers: Servers) -> dict[str, str]:
    return {
        "PALESS_ENVIRONMENT": "test",
        "PALESS_DATABASE_URL": servers.database_url,
        "PALESS_REDIS_URL": servers.redis_url,
        "PALESS_S3_ENDPOINT_URL": servers.s3_endpoint_url,
        "PALESS_S3_BUCKET": servers.bucket,
        "PALESS_S3_ACCESS_KEY_ID": servers.s3_access_key,
        "PALESS_S3_SECRET_ACCESS_KEY": servers.s3_secret_key,
        "PALESS_S3_REGION": "us-east-1",
        "PALESS_WORKER_PDF_PROCESSES": "1",
        "PALESS_WORKER_POLL_DELAY_SECONDS": "0.05",
        "PALESS_WORKER_METRICS_PORT": "0",
        "PALESS_SCHEDULER_METRICS_PORT": "0",
        "PALESS_LOG_FORMAT": "text",
    }


POSTGRES_URL_VARIABLE = "PALESS_TEST_POSTGRES_URL"
REDIS_URL_VARIABLE = "PALESS_TEST_REDIS_URL"
_STARTED = pytest.StashKey[list[RunningService]]()


def pytest_configure(config: pytest.Config) -> None:
    """Postgres and Redis once per run, before any xdist worker starts: the ones on
    127.0.0.1 when they answer, else embedded ones started here. Workers inherit the URLs
    through the environment (and each makes its own database, Redis database and S3)."""
    if hasattr(config, "workerinput") or config.option.help or config.option.version:
        return  # an xdist worker: the controller has already seen to the servers
    started: list[RunningService] = []
    postgres = ensure_postgres(
        STATE_DIR,
        os.environ.get(POSTGRES_URL_VARIABLE, "postgresql://postgres@127.0.0.1:5432/postgres"),
        port=free_port(),
    )
    started.append(postgres)
    redis = ensure_redis(
        STATE_DIR,
        os.environ.get(REDIS_URL_VARIABLE, "redis://127.0.0.1:6379/0"),
        port=free_port(),
    )
    started.append(redis)
    os.environ[POSTGRES_URL_VARIABLE] = postgres.url
    os.environ[REDIS_URL_VARIABLE] = redis.url
    config.stash[_STARTED] = started


# How long each module's tests took (seconds, setup and teardown included) in a quiet
# run on 2 CPUs (`--durations=0`), longest first.
MODULE_SECONDS = json.loads((Path(__file__).parent / "module_seconds.json").read_text())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first: xdist hands modules out in this order (`make test`
    turns its own reordering off), so that the last ones to finish are short ones
    rather than a long one started late with the other processes idle. Modules not
    measured yet come after, in collection order."""
    position = {module: n for n, module in enumerate(MODULE_SECONDS)}
    items.sort(key=lambda item: position.get(item.nodeid.split("::", 1)[0], len(position)))


def pytest_unconfigure(config: pytest.Config) -> None:
    for service in reversed(config.stash.get(_STARTED, [])):
        service.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    started: list[RunningService] = []
    releases: list[Callable[[], None]] = []
    try:
        postgres_url = os.environ[POSTGRES_URL_VARIABLE]
        redis_url = os.environ[REDIS_URL_VARIABLE]
        redis_db, release_redis_db = claim_redis_database(redis_url)
        releases.append(release_redis_db)
        access_key, secret_key = "palesstest", secrets.token_hex(16)
        s3 = start_seaweedfs(
            tmp_path_factory.mktemp("s3"),
            s3_port=free_port(span=PORT_SPAN),
            access_key=access_key,
            secret_key=secret_key,
            bucket="paless-test",
        )
        started.append(s3)
        database = f"paless_test_{os.getpid()}"
        plain_url = asyncio.run(create_database(postgres_url, database, drop_existing=True))
        servers = Servers(
            database_url=plain_url.replace("postgresql://", "postgresql+asyncpg://", 1),
            redis_url=redis_url.rsplit("/", 1)[0] + f"/{redis_db}",
            s3_endpoint_url=s3.url,
            s3_access_key=access_key,
            s3_secret_key=secret_key,
            bucket="paless-test",
        )
        os.environ.update(_environment(servers))

        from paless_shared.migrate import upgrade

        upgrade(servers.database_url)
        yield servers
    finally:
        for release in releases:
            release()
        for service in reversed(started):
            service.stop()


@pytest.fixture(scope="session")
async def db(servers: Servers) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    from paless_shared.platform.database import create_engine, create_sessionmaker
    from paless_shared.platform.settings import DatabaseSettings

    engine = create_engine(DatabaseSettings(database_url=servers.database_url))  # type: ignore[arg-type]
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
async def queue(servers: Servers) -> AsyncIterator[ArqRedis]:
    from paless_shared.platform.jobs import create_queue
    from paless_shared.platform.settings import RedisSettings, load

    pool = await create_queue(load(RedisSettings))
    yield pool
    await pool.aclose()


@pytest.fixture(scope="session")
async def storage(servers: Servers) -> AsyncIterator[Any]:
    from paless_shared.platform.settings import S3Settings, load
    from paless_shared.platform.storage import Storage

    async with Storage.open(load(S3Settings)) as opened:
        yield opened


@pytest.fixture(autouse=True)
async def clean_state(
    servers: Servers, db: async_sessionmaker[AsyncSession], queue: ArqRedis
) -> None:
    """Every test starts with empty tables and an empty queue (S3 objects use UUID
    keys, so leftovers from other tests cannot be mistaken for a test's own)."""
    async with db() as session:
        await session.execute(
            text(
                "TRUNCATE users, api_tokens, documents, uploads, tasks, groups,"
                " search_terms, search_corpus CASCADE"
            )
        )
        await session.commit()
    await queue.flushdb()


@pytest.fixture
async def client(servers: Servers) -> AsyncIterator[httpx.AsyncClient]:
    """The web app in-process (lifespan included), over ASGI."""
    from paless_web.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://paless.test") as c:
            yield c


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    username: str
    password: str
    headers: dict[str, str]


@pytest.fixture(scope="session")
def account_password() -> tuple[str, str]:
    """One password (and its Argon2 hash, computed once) for every test account: hashing
    is slow on purpose, and only the auth tests need to exercise it."""
    from paless_shared.platform.security import hash_password

    password = secrets.token_urlsafe(12)
    return password, hash_password(password)


@pytest.fixture
async def make_account(
    servers: Servers, db: async_sessionmaker[AsyncSession], account_password: tuple[str, str]
) -> Any:
    """Create a user with a token; returns an Account with auth headers. (Logging in
    over HTTP is covered by tests/web/test_auth.py.)"""
    from paless_shared.accounts.tokens import issue_token
    from paless_shared.platform.database import unit_of_work
    from paless_shared.platform.principal import Principal
    from paless_shared.tables import User

    password, password_hash = account_password

    async def make(username: str | None = None, *, admin: bool = False) -> Account:
        username = username or f"user-{secrets.token_hex(4)}"
        async with unit_of_work(db) as session:
            user = User(username=username, password_hash=password_hash, is_admin=admin)
            session.add(user)
            await session.flush()
            token = await issue_token(session, Principal(user.id), name="test", ttl_seconds=3600)
        return Account(user.id, username, password, {"Authorization": f"Bearer {token.secret}"})

    return make


@pytest.fixture
async def account(make_account: Any) -> Account:
    account: Account = await make_account()
    return account


@pytest.fixture
def run_worker(servers: Servers) -> Any:
    """Run the real arq worker in burst mode until the queue is empty."""
    from paless_worker.main import create_worker

    async def run(**overrides: Any) -> Any:
        worker = create_worker(burst=True, **overrides)
        try:
            await worker.async_run()
        finally:
            await worker.close()
        return worker

    return run


@pytest.fixture
def run_pipeline(run_worker: Any) -> Any:
    """Run the default and the OCR queue's workers in turn (burst mode) until neither
    queue has work: what a deployment with both kinds of worker does."""

    async def run(rounds: int = 6) -> list[Any]:
        workers = []
        for _ in range(rounds):
            default = await run_worker(queue="default")
            ocr = await run_worker(queue="ocr")
            workers += [default, ocr]
            if default.jobs_complete + ocr.jobs_complete + ocr.jobs_retried == 0:
                break
        return workers

    return run


async def upload(
    client: httpx.AsyncClient,
    account: Account,
    content: bytes,
    filename: str = "document.pdf",
    **fields: str,
) -> httpx.Response:
    return await client.post(
        "/api/v1/documents",
        headers=account.headers,
        files={"file": (filename, content, "application/pdf")},
        data=fields,
    )


async def waiting_for_a_lock(
    db: async_sessionmaker[AsyncSession], request: asyncio.Task[Any]
) -> None:
    """Until a transaction of this database waits for a lock (the request's), while the
    request is still running; at most 30 s."""
    for _ in range(300):
        assert not request.done(), request.result()
        async with db() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("no transaction came to wait for a lock in 30 s")
