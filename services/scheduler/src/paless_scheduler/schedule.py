"""Periodic jobs and the tick that enqueues them.

Each periodic job has a cron schedule, in UTC. A run belongs to a slot: the job's latest
fire time at or before now. The job gets a deterministic arq id from its slot, and the
slot is claimed in Redis once the job is enqueued, so however many schedulers tick
during a slot, the job is enqueued once, and a failed enqueue is tried again. (The
leader lease means only one should tick; this is the second line of defence, for the
moment a lease changes hands.) Fire times missed while no scheduler ran are not made
up: the next tick enqueues the current slot only.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from arq import ArqRedis
from croniter import croniter
from prometheus_client import Gauge

from paless_shared.platform import jobs
from paless_shared.platform.settings import SchedulerSettings

log = logging.getLogger(__name__)

SLOT_KEY_PREFIX = "paless:scheduler:slot:"
# The value of a *_CRON setting that turns its job off.
DISABLED = "disable"

LAST_ENQUEUED = Gauge(
    "paless_scheduler_last_enqueued_slot_timestamp_seconds",
    "Start of the latest slot this scheduler enqueued, per periodic job.",
    ["job"],
)


@dataclass(frozen=True)
class PeriodicJob:
    function: str
    cron: str

    def slot(self, now: float) -> int:
        """The latest fire time (epoch seconds) at or before `now`."""
        # Fire times are whole seconds and get_prev looks strictly before its start.
        start = datetime.fromtimestamp(math.floor(now) + 1, UTC)
        return int(croniter(self.cron, start).get_prev(float))

    def period(self, slot: int) -> int:
        """Seconds from `slot` to the fire time after it."""
        after = croniter(self.cron, datetime.fromtimestamp(slot, UTC)).get_next(float)
        return int(after) - slot

    def job_id(self, slot: int) -> str:
        return f"{self.function}:{slot}"


def periodic_jobs(settings: SchedulerSettings) -> list[PeriodicJob]:
    """The jobs whose schedule is not `disable`."""
    schedules = {
        jobs.RECONCILE: settings.reconcile_cron,
        jobs.SANITY_CHECK: settings.sanity_check_cron,
        jobs.EMPTY_TRASH: settings.empty_trash_cron,
        jobs.EXPIRE_UPLOADS: settings.expire_uploads_cron,
        jobs.PRUNE_TASKS: settings.prune_tasks_cron,
        jobs.SEARCH_STATISTICS: settings.search_statistics_cron,
    }
    return [PeriodicJob(name, cron) for name, cron in schedules.items() if cron != DISABLED]


async def tick(queue: ArqRedis, periodic: list[PeriodicJob], now: float) -> list[str]:
    """Enqueue every periodic job whose current slot has not been enqueued yet;
    returns the ids this call enqueued.

    The slot is claimed only once its job is in the queue: an enqueue that fails
    (Redis away, a refused write) leaves the slot unclaimed, and the next tick tries
    again. Two schedulers that both find the slot unclaimed enqueue it once all the
    same: arq ignores a second enqueue of a job id it holds or keeps a result for.
    """
    enqueued = []
    for job in periodic:
        slot = job.slot(now)
        job_id = job.job_id(slot)
        claim = SLOT_KEY_PREFIX + job_id
        if await queue.exists(claim):
            continue
        if await queue.enqueue_job(job.function, str(slot), _job_id=job_id) is not None:
            enqueued.append(job_id)
            LAST_ENQUEUED.labels(job.function).set(slot)
            log.info("scheduler.job.enqueued", extra={"job_id": job_id})
        # The claim outlives the slot (which is current for one period), so a scheduler
        # restarted late in the slot, after arq has dropped the job's result, still
        # finds it taken.
        await queue.set(claim, "1", ex=2 * job.period(slot) + 60)
    return enqueued
