"""`paless-scheduler` as a process: of two copies running at once, one leads and
enqueues each slot's reconcile exactly once; when it is killed the other takes over
within a lease, and SIGTERM stops a scheduler cleanly, giving its lease up."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from arq import ArqRedis
from arq.constants import job_key_prefix

from paless_scheduler.leader import LEADER_KEY
from paless_scheduler.schedule import SLOT_KEY_PREFIX
from tests.e2e.processes import Service, Services, service_env

LEASE_SECONDS = 2.0
TICK_SECONDS = 0.2
T = TypeVar("T")


def scheduler_env(folder: Path) -> dict[str, str]:
    folder.mkdir()
    return service_env(
        folder,
        PALESS_RECONCILE_CRON="* * * * * */1",
        PALESS_SANITY_CHECK_CRON="disable",
        PALESS_EMPTY_TRASH_CRON="disable",
        PALESS_EXPIRE_UPLOADS_CRON="disable",
        PALESS_PRUNE_TASKS_CRON="disable",
        PALESS_SEARCH_STATISTICS_CRON="disable",
        PALESS_SCHEDULER_TICK_SECONDS=str(TICK_SECONDS),
        PALESS_SCHEDULER_LEASE_SECONDS=str(LEASE_SECONDS),
    )


async def poll(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], within: float, *running: Service
) -> T:
    """Probe until `done`; fail after `within` seconds or when a process has died."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if done(value):
            return value
        for service in running:
            service.assert_running()
        logs = "\n".join(f"--- {s.name}\n{s.log()[-3000:]}" for s in running)
        assert time.monotonic() < deadline, f"still {value!r} after {within}s\n{logs}"
        await asyncio.sleep(0.05)


async def claimed(queue: ArqRedis) -> set[str]:
    """Job ids whose slot has been claimed, of any periodic job."""
    return {
        key.decode().removeprefix(SLOT_KEY_PREFIX)
        async for key in queue.scan_iter(match=SLOT_KEY_PREFIX + "*")
    }


async def queued(queue: ArqRedis) -> set[str]:
    return {member.decode() for member in await queue.zrange(queue.default_queue_name, 0, -1)}


def enqueued(*schedulers: Service) -> Counter[str]:
    """How often each job id was enqueued, by the schedulers' own logs."""
    return Counter(
        entry["job_id"]
        for scheduler in schedulers
        for entry in scheduler.events("scheduler.job.enqueued")
    )


def slot(job_id: str) -> int:
    return int(job_id.removeprefix("reconcile:"))


async def test_one_of_two_schedulers_leads_and_the_other_takes_over_when_it_dies(
    services: Services, queue: ArqRedis, tmp_path: Path
) -> None:
    first, second = (
        services.start("paless-scheduler", env=scheduler_env(tmp_path / name))
        for name in ("first", "second")
    )

    # Both run for about four slots of one second each.
    await poll(lambda: claimed(queue), lambda ids: len(ids) >= 4, 15, first, second)
    assert first.events("scheduler.started") and second.events("scheduler.started")

    async def consistent() -> tuple[set[str], set[str], Counter[str]]:
        return await claimed(queue), await queued(queue), enqueued(first, second)

    # Every claimed slot is queued and was logged as enqueued (a tick may be halfway).
    ids, _, counts = await poll(
        consistent, lambda found: found[0] == found[1] == set(found[2]), 3, first, second
    )
    assert all(job_id.startswith("reconcile:") for job_id in ids), ids
    assert set(counts.values()) == {1}, counts
    # Only one of them ever led, and it enqueued everything.
    leaders = [s for s in (first, second) if s.events("scheduler.leader.acquired")]
    assert len(leaders) == 1, [s.log() for s in (first, second)]
    [leader] = leaders
    follower = second if leader is first else first
    assert set(enqueued(leader)) == ids
    assert not follower.events("scheduler.job.enqueued")
    some = min(ids)
    payload = json.loads(await queue.get(job_key_prefix + some))
    assert (payload["f"], payload["a"]) == ("reconcile", [str(slot(some))])

    leader.process.kill()
    leader.process.wait()
    killed_at, killed_wall = time.monotonic(), time.time()

    async def leads() -> bool:
        return bool(follower.events("scheduler.leader.acquired"))

    # The lease lapses LEASE_SECONDS after the last renewal; the deadline leaves room
    # for a busy machine, and the figure is printed rather than asserted.
    await poll(leads, bool, 3 * (LEASE_SECONDS + TICK_SECONDS), follower)
    print(f"standby took over {time.monotonic() - killed_at:.1f}s after the leader died")

    # The new leader keeps going: new slots, each enqueued once, by it.
    async def new_slots() -> set[str]:
        return {job_id for job_id in enqueued(follower) if slot(job_id) > killed_wall}

    await poll(new_slots, lambda ids: len(ids) >= 2, 5, follower)

    assert follower.stop(timeout=5) == 0, follower.log()
    assert follower.events("scheduler.leader.released"), follower.log()
    assert follower.events("scheduler.stopped"), follower.log()
    assert await queue.get(LEADER_KEY) is None

    counts = enqueued(first, second)
    assert set(counts.values()) == {1}, counts
    ids, jobs = await claimed(queue), await queued(queue)
    assert set(counts) <= jobs <= ids
    # The killed leader may have claimed a slot and died before enqueueing it.
    assert len(ids - jobs) <= 1, ids - jobs
