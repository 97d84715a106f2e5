"""What a worker process holds for its lifetime: created once at startup."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from paless_shared.db import create_engine, create_sessionmaker
from paless_shared.settings import (
    DatabaseSettings,
    S3Settings,
    SchedulerSettings,
    WorkerSettings,
    load,
)
from paless_shared.storage import Storage
from paless_worker import pdf


@dataclass
class WorkerContext:
    settings: WorkerSettings
    scheduler_settings: SchedulerSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    storage: Storage
    pdf_pool: PdfPool
    exit_stack: AsyncExitStack


class PdfPool:
    """Processes that parse PDFs. A separate process gives real parallelism (pypdf is
    pure Python), keeps pdfium (not thread-safe) to one thread per process, and keeps
    a file that crashes the parser from taking the worker down with it."""

    def __init__(self, processes: int) -> None:
        self._processes = processes
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=100,
        )

    async def warm_up(self) -> None:
        """Start every process and load the PDF libraries in it now, so the first
        documents do not wait for interpreters to spawn."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self.executor, pdf.ready) for _ in range(self._processes))
        )

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
    pdf_pool = PdfPool(settings.pdf_processes)
    await pdf_pool.warm_up()
    return WorkerContext(
        settings=settings,
        scheduler_settings=scheduler_settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        storage=storage,
        pdf_pool=pdf_pool,
        exit_stack=stack,
    )


async def close_context(context: WorkerContext) -> None:
    context.pdf_pool.shutdown()
    await context.exit_stack.aclose()
    await context.engine.dispose()
