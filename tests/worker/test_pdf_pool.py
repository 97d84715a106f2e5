"""The worker's PDF process pool: a file over its time limit, or one that crashes its
process, costs only the process reading it; files in the other processes go on."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from concurrent.futures.process import BrokenProcessPool

import pytest

from paless_worker.context import PdfPool, PdfTimeout


@pytest.fixture
async def pool() -> AsyncIterator[PdfPool]:
    started = PdfPool(processes=2, memory_mb=512)
    await started.warm_up()
    try:
        yield started
    finally:
        await asyncio.to_thread(started.shutdown)


async def test_a_file_over_its_time_limit_stops_only_its_own_process(pool: PdfPool) -> None:
    innocent = asyncio.create_task(pool.run(time.sleep, 3, time_limit=30))
    await asyncio.sleep(0.5)  # the innocent file is being read when the other one times out

    started = time.monotonic()
    with pytest.raises(PdfTimeout):
        await pool.run(time.sleep, 60, time_limit=1)

    assert time.monotonic() - started < 5
    assert await innocent is None  # finished, not a broken pool
    # Both processes take work again: the killed one was replaced.
    pids = await asyncio.gather(*(pool.run(os.getpid, time_limit=30) for _ in range(2)))
    assert len(set(pids)) == 2


async def test_a_process_that_dies_under_its_file_fails_only_that_file(pool: PdfPool) -> None:
    innocent = asyncio.create_task(pool.run(time.sleep, 3, time_limit=30))
    await asyncio.sleep(0.5)

    with pytest.raises(BrokenProcessPool):
        await pool.run(os.abort, time_limit=30)  # the parser process crashes

    assert await innocent is None
    assert await pool.run(pow, 2, 10, time_limit=30) == 1024
