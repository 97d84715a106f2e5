"""paless-scheduler: enqueues periodic jobs; safe to run twice by accident."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

from redis.exceptions import RedisError

from paless_scheduler.schedule import periodic_jobs, tick
from paless_shared.jobs import create_queue
from paless_shared.settings import AppSettings, RedisSettings, SchedulerSettings, load

log = logging.getLogger("paless_scheduler")


async def run(stop: asyncio.Event) -> None:
    settings = load(SchedulerSettings)
    queue = await create_queue(load(RedisSettings))
    periodic = periodic_jobs(settings)
    log.info(
        "scheduler.started jobs=%s",
        ", ".join(f"{job.function}/{job.interval_seconds}s" for job in periodic),
    )
    try:
        while not stop.is_set():
            try:
                await tick(queue, periodic, time.time())
            except (RedisError, OSError) as exc:
                # Redis away: keep going, the next tick tries again.
                log.warning("scheduler.tick.failed error=%s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.scheduler_tick_seconds)
    finally:
        await queue.aclose()
        log.info("scheduler.stopped")


def main() -> None:
    app = load(AppSettings)
    logging.basicConfig(
        level=app.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(stop)

    asyncio.run(_main())
