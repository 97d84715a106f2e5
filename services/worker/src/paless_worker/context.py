"""What a worker process holds for its lifetime: created once at startup."""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from paless_shared.platform.database import create_engine, create_sessionmaker
from paless_shared.platform.ocr import OcrSettings
from paless_shared.platform.settings import (
    DatabaseSettings,
    MaintenanceSettings,
    RedisSettings,
    S3Settings,
    SchedulerSettings,
    SearchSettings,
    WorkerSettings,
    load,
)
from paless_shared.platform.storage import Storage
from paless_shared.search.service import session_info
from paless_worker import pdf
from paless_worker.ocr.pool import OcrPool

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
    # Matching rules run here, not in the event loop's default executor: a thread arq's
    # timeout cannot stop must not hold up what else uses that executor (DNS lookups).
    matching_executor: ThreadPoolExecutor
    exit_stack: AsyncExitStack
    ocr_settings: OcrSettings
    redis_settings: RedisSettings

    def ocr_pool(self) -> OcrPool:
        """This process's OCR processes (started on first use, shared by contexts)."""
        return shared_ocr_pool(self.ocr_settings)


class PdfTimeout(Exception):
    """Parsing a file took longer than PALESS_WORKER_PDF_TIMEOUT_SECONDS."""


class _Lane:
    """One parser process (an executor of one), so that a file can be stopped by
    killing the one process that reads it, and nothing else."""

    def __init__(self, memory_mb: int) -> None:
        self._memory_mb = memory_mb
        self.busy = False
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            # A new process after this many files (what a parser leaks goes with the
            # old one). Starting one (spawn, then the parser's imports) holds the lane
            # for most of a second: once every 100 files that cost a quarter of ingest's
            # throughput (bench/ingest.py --documents 360: 29 vs 39 documents a second).
            max_tasks_per_child=1000,
            initializer=pdf.limit_memory,
            initargs=(self._memory_mb,),
        )

    def kill(self) -> None:
        # ProcessPoolExecutor has no public way to stop a running task (3.14 adds one).
        for process in list(getattr(self.executor, "_processes", {}).values()):
            process.kill()
        self.replace()

    def replace(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class PdfPool:
    """Processes that parse PDFs. A separate process gives real parallelism (pypdf is
    pure Python), keeps pdfium (not thread-safe) to one thread per process, bounds the
    memory a hostile file can take (each process has an address-space limit), and keeps
    a file that crashes the parser from taking the worker down with it.

    Each process is a lane of its own that reads one file at a time: a file that takes
    too long, or crashes its process, costs that one process (it is killed and
    replaced); the files other jobs are reading in the other lanes go on undisturbed.

    One pool per process and configuration, shared by the worker contexts a process
    opens (a worker process opens one; the test suite opens many).
    """

    _shared: ClassVar[dict[tuple[int, int], PdfPool]] = {}

    def __init__(self, processes: int, memory_mb: int) -> None:
        self._lanes = [_Lane(memory_mb) for _ in range(processes)]
        # At most one file per lane at a time. This also keeps Python 3.11's executor
        # from deadlocking when a process retires (max_tasks_per_child) while work is
        # queued behind it (CPython gh-115634), and a file's time limit counts from when
        # a process takes it.
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

    async def warm_up(self) -> None:
        """Start every process and load the PDF libraries in it now, so the first
        documents do not wait for interpreters to spawn."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(lane.executor, pdf.ready) for lane in self._lanes)
        )

    async def run(self, function: Callable[..., T], *args: Any, time_limit: float) -> T:
        """Run `function(*args)` in a parser process. Over `time_limit` seconds, that
        process is killed and PdfTimeout raised; if the process dies under the file
        (a crash), BrokenProcessPool is raised and the process replaced."""
        loop = asyncio.get_running_loop()
        slots = self._slots.setdefault(loop, asyncio.Semaphore(len(self._lanes)))
        async with slots:
            # The semaphore leaves at least one lane free, and nothing awaits between
            # looking and taking it.
            lane = next(lane for lane in self._lanes if not lane.busy)
            lane.busy = True
            try:
                future = loop.run_in_executor(lane.executor, function, *args)
                try:
                    return await asyncio.wait_for(future, time_limit)
                except TimeoutError:
                    # The parser cannot be interrupted from outside its process.
                    lane.kill()
                    raise PdfTimeout from None
                except BrokenProcessPool:
                    lane.replace()
                    raise
                except asyncio.CancelledError:
                    # The job was stopped (its timeout, a shutdown): so is its file, or
                    # the next file sent to this lane would wait behind it.
                    lane.kill()
                    raise
            finally:
                lane.busy = False

    def shutdown(self) -> None:
        for lane in self._lanes:
            lane.shutdown()


_ocr_pools: dict[tuple[int, int], OcrPool] = {}


def ocr_processes(settings: OcrSettings) -> int:
    return settings.ocr_processes or max(1, os.cpu_count() or 1)


def shared_ocr_pool(settings: OcrSettings) -> OcrPool:
    key = (ocr_processes(settings), settings.ocr_memory_mb)
    pool = _ocr_pools.get(key)
    if pool is None:
        pool = OcrPool(*key)
        _ocr_pools[key] = pool
        atexit.register(pool.close)
    return pool


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
        matching_executor=ThreadPoolExecutor(
            max_workers=settings.worker_concurrency, thread_name_prefix="paless-matching"
        ),
        exit_stack=stack,
        ocr_settings=load(OcrSettings),
        redis_settings=load(RedisSettings),
    )


async def close_context(context: WorkerContext) -> None:
    context.matching_executor.shutdown(wait=False, cancel_futures=True)
    await context.exit_stack.aclose()
    await context.engine.dispose()
