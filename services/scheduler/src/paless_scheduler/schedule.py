"""Periodic jobs and the tick that enqueues them.

Each run of a periodic job belongs to a time slot (start of its interval). The slot
is claimed in Redis with SET NX and the job gets a deterministic arq id from it, so
however many schedulers tick during a slot, the job is enqueued once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from arq import ArqRedis
from prometheus_client import Gauge

from paless_shared import jobs
from paless_shared.settings import SchedulerSettings

log = logging.getLogger(__name__)

SLOT_KEY_PREFIX = "paless:scheduler:slot:"

LAST_ENQUEUED = Gauge(
    "paless_scheduler_last_enqueued_slot_timestamp_seconds",
    "Start of the latest slot this scheduler enqueued, per periodic job.",
    ["job"],
)


@dataclass(frozen=True)
class PeriodicJob:
    function: str
    interval_seconds: int

    def slot(self, now: float) -> int:
        """The start (epoch seconds) of the interval that `now` falls in."""
        return int(now // self.interval_seconds) * self.interval_seconds

    def job_id(self, slot: int) -> str:
        return f"{self.function}:{slot}"


def periodic_jobs(settings: SchedulerSettings) -> list[PeriodicJob]:
    return [PeriodicJob(jobs.RECONCILE, settings.reconcile_interval_seconds)]


async def tick(queue: ArqRedis, periodic: list[PeriodicJob], now: float) -> list[str]:
    """Enqueue every periodic job whose current slot has not been enqueued yet;
    returns the ids this call enqueued."""
    enqueued = []
    for job in periodic:
        slot = job.slot(now)
        job_id = job.job_id(slot)
        claimed = await queue.set(
            SLOT_KEY_PREFIX + job_id, "1", nx=True, ex=max(2 * job.interval_seconds, 60)
        )
        if not claimed:
            continue
        if await queue.enqueue_job(job.function, str(slot), _job_id=job_id) is not None:
            enqueued.append(job_id)
            LAST_ENQUEUED.labels(job.function).set(slot)
            log.info("scheduler.job.enqueued", extra={"job_id": job_id})
    return enqueued
