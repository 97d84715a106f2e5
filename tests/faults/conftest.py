"""Fault injection: the real services as processes, killed or cut off from their
servers, and what they must still guarantee: no accepted upload is lost, and every
document ends `ready` or `failed`.

Processes started here get a process group of their own, so a test can `kill -9`
one service, and whatever it leaves behind (its PDF pool processes) is killed with
the group when the test (or the module fixture) ends.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_devstack import RunningService, free_port, start_seaweedfs
from paless_devstack.s3 import PORT_SPAN
from paless_shared.tables import Document, DocumentStatus, Task
from tests.conftest import Account
from tests.e2e.processes import Service, script, service_env
from tests.worker.support import DocumentRows, TaskRows, uploader

T = TypeVar("T")

FINAL = frozenset({DocumentStatus.ready, DocumentStatus.failed})


# Processes ---------------------------------------------------------------------------


@dataclass
class Processes:
    """Services started by one test, each the leader of its own process group."""

    folder: Path
    started: list[Service] = field(default_factory=list)

    def env(self, name: str, **overrides: str) -> dict[str, str]:
        """The test servers' settings, with a heartbeat file of this process's own."""
        folder = self.folder / f"{name}-{len(self.started)}"
        folder.mkdir(parents=True, exist_ok=True)
        return service_env(folder, **overrides)

    def start(self, name: str, env: dict[str, str]) -> Service:
        log_path = self.folder / f"{name}-{len(self.started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [script(name)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        service = Service(name, process, log_path)
        self.started.append(service)
        return service

    def start_ocr_worker(self, **overrides: str) -> Service:
        """A worker for the OCR queue, where scans' and images' pages are read."""
        env = self.env("ocr-worker", PALESS_WORKER_QUEUE="ocr", **overrides)
        return self.start("paless-worker", env)

    def kill_all(self) -> None:
        for service in self.started:
            with suppress(ProcessLookupError):
                os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        running.kill_all()


def children(pid: int) -> list[int]:
    """Every live descendant of `pid` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(kids)
        frontier.extend(kids)
    return found


def peak_rss_kb(pid: int) -> int | None:
    """The process's peak resident set size (VmHWM), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


class MemoryWatch:
    """Samples a process tree's peak RSS while a test runs: at each sample, the sum of
    VmHWM of the process and every live descendant (its PDF pool processes come and
    go), and the largest such sum seen. Summing peaks over-estimates the tree's real
    peak, which is what a bound wants."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_by_pid: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        total = 0
        for pid in [self.pid, *children(self.pid)]:
            rss = peak_rss_kb(pid)
            if rss is None:
                continue
            self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0), rss)
            total += rss
        self.peak_kb = max(self.peak_kb, total)

    async def _run(self) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        self.sample()


async def wait_for_file(path: Path, service: Service, within: float = 90) -> None:
    """Until the service has written `path` (a worker's heartbeat: it is up)."""
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(path.exists):
        service.assert_running()
        assert time.monotonic() < deadline, (
            f"{service.name} not up after {within}s\n{service.log()}"
        )
        await asyncio.sleep(0.05)


def heartbeat(env: dict[str, str]) -> Path:
    return Path(env["PALESS_WORKER_HEARTBEAT_FILE"])


# Polling -------------------------------------------------------------------------------


async def eventually(
    probe: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    within: float,
    watch: tuple[Service, ...] = (),
    interval: float = 0.05,
) -> T:
    """Poll `probe` until `done` says yes; fail after `within` seconds (with the logs of
    the services watched), or as soon as one of them has died."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if done(value):
            return value
        for service in watch:
            service.assert_running()
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {s.name}\n{s.log()[-4000:]}" for s in watch)
            raise AssertionError(f"still {value!r} after {within}s\n{logs}")
        await asyncio.sleep(interval)


# Rows ----------------------------------------------------------------------------------


@pytest.fixture
def documents(db: async_sessionmaker[AsyncSession]) -> DocumentRows:
    return DocumentRows(db)


@pytest.fixture
async def tasks(db: async_sessionmaker[AsyncSession]) -> TaskRows:
    rows = TaskRows(db)
    await rows.clear()  # rows of periodic jobs belong to no user or document
    return rows


@pytest.fixture
def uploaded(client: httpx.AsyncClient, account: Account) -> Any:
    return uploader(client, account)


async def statuses(
    db: async_sessionmaker[AsyncSession], ids: list[uuid.UUID]
) -> dict[uuid.UUID, DocumentStatus]:
    async with db() as session:
        rows = await session.execute(
            select(Document.id, Document.status).where(Document.id.in_(ids))
        )
        return {row.id: row.status for row in rows}


async def row_counts(db: async_sessionmaker[AsyncSession], owner_id: uuid.UUID) -> tuple[int, int]:
    """How many documents and tasks this owner has."""
    async with db() as session:
        documents = await session.scalar(
            select(func.count()).select_from(Document).where(Document.owner_id == owner_id)
        )
        tasks = await session.scalar(
            select(func.count()).select_from(Task).where(Task.owner_id == owner_id)
        )
    return int(documents or 0), int(tasks or 0)


# For module fixtures: what the function-scoped fixtures of tests/conftest.py give ------


async def fresh_state(db: async_sessionmaker[AsyncSession], queue: ArqRedis) -> None:
    """What the autouse `clean_state` does before each test; a module fixture runs
    before it, so it does this itself (a test before may have left jobs queued)."""
    async with db() as session:
        await session.execute(text("TRUNCATE users, api_tokens, documents, uploads, tasks CASCADE"))
        await session.commit()
    await queue.flushdb()


async def new_account(db: async_sessionmaker[AsyncSession]) -> Account:
    from paless_shared.accounts.tokens import issue_token
    from paless_shared.accounts.users import create_user, principal_of
    from paless_shared.platform.database import unit_of_work

    username, password = f"faults-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    async with unit_of_work(db) as session:
        user = await create_user(session, username, password)
        token = await issue_token(session, principal_of(user), name="faults", ttl_seconds=3600)
    return Account(user.id, username, password, {"Authorization": f"Bearer {token.secret}"})


@asynccontextmanager
async def in_process_web(config: Any = None) -> AsyncIterator[httpx.AsyncClient]:
    """The web app in-process over ASGI (settings from the environment unless given).
    Starlette re-raises an error after its handler has answered (so that a server can
    log it); the client gets the answer, as it would over a socket."""
    from paless_web.app import create_app

    app = create_app(config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://paless.test") as c:
            yield c


# A SeaweedFS of our own ---------------------------------------------------------------


@dataclass
class PrivateS3:
    """A SeaweedFS instance a test may stop and start again (same data, same ports):
    the session's S3 is shared by every test, so it is never the one taken down."""

    folder: Path
    port: int
    access_key: str
    secret_key: str
    bucket: str
    service: RunningService | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "PALESS_S3_ENDPOINT_URL": self.url,
            "PALESS_S3_BUCKET": self.bucket,
            "PALESS_S3_ACCESS_KEY_ID": self.access_key,
            "PALESS_S3_SECRET_ACCESS_KEY": self.secret_key,
        }

    @property
    def running(self) -> bool:
        return self.service is not None

    def start(self) -> None:
        if self.service is None:
            self.service = start_seaweedfs(
                self.folder,
                s3_port=self.port,
                access_key=self.access_key,
                secret_key=self.secret_key,
                bucket=self.bucket,
            )

    def stop(self) -> None:
        """SIGKILL, as a crashed node or a cut network: no goodbye to anyone."""
        if self.service is not None:
            self.service.stop()
            self.service = None


@pytest.fixture(scope="module")
def private_s3(servers: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateS3]:
    s3 = PrivateS3(
        folder=tmp_path_factory.mktemp("private-s3"),
        port=free_port(span=PORT_SPAN),
        access_key="palessfaults",
        secret_key=secrets.token_hex(16),
        bucket="paless-faults",
    )
    s3.start()
    try:
        yield s3
    finally:
        s3.stop()


@pytest.fixture
async def running_s3(private_s3: PrivateS3) -> AsyncIterator[PrivateS3]:
    """The private S3, up at the start of the test (a test before may have left it down)."""
    await asyncio.to_thread(private_s3.start)
    yield private_s3


# A crawling link to S3 -----------------------------------------------------------------


class CrawlingLink:
    """A TCP proxy in front of an S3 endpoint. Once `crawling` is set, it still passes
    requests on at once but answers at `bytes_per_second`: a congested link. A worker
    given its address then spends a minute downloading a 100 KB original, holding its
    jobs without loading the CPU. Requests are signed for the proxy's address, which S3
    sees unchanged in the Host header."""

    CHUNK = 512

    def __init__(self, endpoint_url: str, bytes_per_second: int) -> None:
        address = httpx.URL(endpoint_url)
        self._target = (address.host, address.port or 80)
        self._pause = self.CHUNK / bytes_per_second
        self.crawling = False
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def __aenter__(self) -> CrawlingLink:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await self._server.wait_closed()

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        for pipe in (
            self._pipe(reader, upstream_writer, answers=False),
            self._pipe(upstream_reader, writer, answers=True),
        ):
            task = asyncio.create_task(pipe)
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(
        self, source: asyncio.StreamReader, target: asyncio.StreamWriter, *, answers: bool
    ) -> None:
        try:
            while data := await source.read(65536):
                while data:
                    # Checked for every piece: a read may have begun before the crawl.
                    size = self.CHUNK if answers and self.crawling else len(data)
                    target.write(data[:size])
                    await target.drain()
                    data = data[size:]
                    if answers and self.crawling:
                        await asyncio.sleep(self._pause)
        except (ConnectionError, OSError):
            pass
        finally:
            target.close()
