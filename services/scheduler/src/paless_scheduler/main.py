"""paless-scheduler: enqueues periodic jobs on their cron schedules.

Any number may run: they elect a leader through a lease in Redis, only the leader
enqueues, and another one takes over when it stops or dies.

`paless-scheduler --check` exits 0 while the scheduler in this container is ticking
(leader or not, it touches a heartbeat file each tick), for use as a liveness probe.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import time

from prometheus_client import start_http_server
from redis.exceptions import RedisError

from paless_scheduler.leader import LeaderLease
from paless_scheduler.schedule import periodic_jobs, tick
from paless_shared.platform.jobs import create_queue
from paless_shared.platform.observability import configure_logging
from paless_shared.platform.settings import (
    AppSettings,
    RedisSettings,
    SchedulerSettings,
    exit_on_configuration_error,
    heartbeat_is_fresh,
    load,
)

log = logging.getLogger("paless_scheduler")


async def run(stop: asyncio.Event) -> None:
    settings = load(SchedulerSettings)
    queue = await create_queue(load(RedisSettings))
    periodic = periodic_jobs(settings)
    lease = LeaderLease(queue, settings.scheduler_lease_seconds)
    log.info(
        "scheduler.started",
        extra={
            "jobs": {job.function: job.cron for job in periodic},
            "instance_id": lease.instance_id,
        },
    )
    try:
        while not stop.is_set():
            # The heartbeat says this process's loop runs, whether or not it leads and
            # whether or not Redis answers.
            settings.scheduler_heartbeat_file.touch()
            try:
                if await lease.hold():
                    await tick(queue, periodic, time.time())
            except (RedisError, OSError) as exc:
                # Redis away: keep going, the next tick tries again.
                log.warning("scheduler.tick.failed", extra={"error": str(exc)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.scheduler_tick_seconds)
    finally:
        try:
            await lease.release()
        except (RedisError, OSError) as exc:
            # The lease runs out by itself; another scheduler takes over then.
            log.warning("scheduler.leader.release_failed", extra={"error": str(exc)})
        await queue.aclose()
        log.info("scheduler.stopped")


@exit_on_configuration_error
def main() -> None:
    parser = argparse.ArgumentParser(prog="paless-scheduler", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 0 if the scheduler is ticking")
    args = parser.parse_args()
    settings = load(SchedulerSettings)
    if args.check:
        fresh = heartbeat_is_fresh(
            settings.scheduler_heartbeat_file, max(30.0, 3 * settings.scheduler_tick_seconds)
        )
        raise SystemExit(0 if fresh else 1)
    app = load(AppSettings)
    configure_logging(app.log_level, app.log_format)
    if settings.scheduler_metrics_port:
        start_http_server(settings.scheduler_metrics_port)

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(stop)

    asyncio.run(_main())
