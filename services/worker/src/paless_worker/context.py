"""What a worker process holds for its lifetime: created once at startup."""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from paless_shared.platform.database import create_engine, create_sessionmaker
from paless_shared.platform.settings import (
    DatabaseSettings,
    MaintenanceSettings,
    S3Settings,
    SchedulerSettings,
    SearchSettings,
    WorkerSettings,
    load,
)
from paless_shared.platform.storage import Storage
from paless_shared.search.service import session_info
from paless_worker import pdf

T = TypeVar("T")


@dataclass
class WorkerContext:
    settings: WorkerSettings
    scheduler_settings: SchedulerSettings
    maintenance_settings: MaintenanceSettings
    search_settings: SearchSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    storage: Storage
    pdf_pool: PdfPool
    exit_stack: AsyncExitStack


class PdfTimeout(Exception):
    """Parsing a file took longer than PALESS_WORKER_PDF_TIMEOUT_SECONDS."""


class PdfPool:
    """Processes that parse PDFs. A separate process gives real parallelism (pypdf is
    pure Python), keeps pdfium (not thread-safe) to one thread per process, bounds the
    memory a hostile file can take (each process has an address-space limit), and keeps
    a file that crashes the parser from taking the worker down with it.

    One pool per process and configuration, shared by the worker contexts a process
    opens (a worker process opens one; the test suite opens many).
    """

    _shared: ClassVar[dict[tuple[int, int], PdfPool]] = {}

    def __init__(self, processes: int, memory_mb: int) -> None:
        self._processes = processes
        self._memory_mb = memory_mb
        self.executor = self._new()
        # At most one file per process in the executor at a time. This also keeps
        # Python 3.11's executor from deadlocking when a process retires
        # (max_tasks_per_child) while work is queued behind it (CPython gh-115634),
        # and a file's time limit counts from when a process takes it.
        self._slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    @classmethod
    async def shared(cls, processes: int, memory_mb: int) -> PdfPool:
        pool = cls._shared.get((processes, memory_mb))
        if pool is None:
            pool = cls(processes, memory_mb)
            await pool.warm_up()
            cls._shared[(processes, memory_mb)] = pool
            atexit.register(pool.shutdown)
        return pool

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=100,
            initializer=pdf.limit_memory,
            initargs=(self._memory_mb,),
        )

    async def warm_up(self) -> None:
        """Start every process and load the PDF libraries in it now, so the first
        documents do not wait for interpreters to spawn."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self.executor, pdf.ready) for _ in range(self._processes))
        )

    async def run(self, function: Callable[..., T], *args: Any, time_limit: float) -> T:
        loop = asyncio.get_running_loop()
        slots = self._slots.setdefault(loop, asyncio.Semaphore(self._processes))
        async with slots:
            future = loop.run_in_executor(self.executor, function, *args)
            try:
                return await asyncio.wait_for(future, time_limit)
            except TimeoutError:
                # The parser cannot be interrupted from outside its process: stop them
                # all (other jobs in the pool see a broken pool and are retried).
                self.kill()
                raise PdfTimeout from None

    def kill(self) -> None:
        # ProcessPoolExecutor has no public way to stop a running task (3.14 adds one).
        for process in list(getattr(self.executor, "_processes", {}).values()):
            process.kill()
        self.replace_broken()

    def replace_broken(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


async def open_context() -> WorkerContext:
    settings = load(WorkerSettings)
    scheduler_settings = load(SchedulerSettings)
    s3_settings = load(S3Settings)
    engine = create_engine(load(DatabaseSettings))
    stack = AsyncExitStack()
    storage = await stack.enter_async_context(Storage.open(s3_settings))
    pdf_pool = await PdfPool.shared(settings.pdf_processes, settings.worker_pdf_memory_mb)
    search_settings = load(SearchSettings)
    return WorkerContext(
        settings=settings,
        scheduler_settings=scheduler_settings,
        maintenance_settings=load(MaintenanceSettings),
        search_settings=search_settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine, info=session_info(search_settings)),
        storage=storage,
        pdf_pool=pdf_pool,
        exit_stack=stack,
    )


async def close_context(context: WorkerContext) -> None:
    await context.exit_stack.aclose()
    await context.engine.dispose()
