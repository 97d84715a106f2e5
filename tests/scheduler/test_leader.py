"""The leader lease: of the schedulers sharing a Redis, exactly one leads; another takes
over when it gives the lease up or stops renewing it, and never loses it to a leader
that has already been replaced."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from arq import ArqRedis
from prometheus_client import REGISTRY

from paless_scheduler.leader import LEADER_KEY, LeaderLease

LEADER_LOGGER = "paless_scheduler.leader"


def events(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [
        (record.getMessage(), record.__dict__["instance_id"])
        for record in caplog.records
        if record.name == LEADER_LOGGER
    ]


async def holder(queue: ArqRedis) -> str | None:
    value = await queue.get(LEADER_KEY)
    return value.decode() if value is not None else None


async def test_of_two_schedulers_exactly_one_leads(
    queue: ArqRedis, second_queue: ArqRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LEADER_LOGGER)
    first, second = LeaderLease(queue, 30), LeaderLease(second_queue, 30)

    leading = await asyncio.gather(first.hold(), second.hold())

    assert sorted(leading) == [False, True]
    leader, follower = (first, second) if leading[0] else (second, first)
    assert await holder(queue) == leader.instance_id
    assert 29_000 < await queue.pttl(LEADER_KEY) <= 30_000
    assert events(caplog) == [("scheduler.leader.acquired", leader.instance_id)]
    assert REGISTRY.get_sample_value("paless_scheduler_is_leader") == 1
    # Ticking on changes nothing.
    assert (await leader.hold(), await follower.hold()) == (True, False)
    assert leader.instance_id != follower.instance_id


async def test_renewing_keeps_the_lease(queue: ArqRedis, second_queue: ArqRedis) -> None:
    leader, follower = LeaderLease(queue, 1), LeaderLease(second_queue, 1)
    assert await leader.hold()

    for _ in range(8):  # 1.6 s, longer than the lease
        await asyncio.sleep(0.2)
        assert await leader.hold()
        assert not await follower.hold()

    assert await holder(queue) == leader.instance_id


async def test_follower_takes_over_at_its_next_tick_after_the_leader_releases(
    queue: ArqRedis, second_queue: ArqRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LEADER_LOGGER)
    leader, follower = LeaderLease(queue, 30), LeaderLease(second_queue, 30)
    assert await leader.hold()
    assert not await follower.hold()

    await leader.release()

    assert not leader.is_leader
    assert await holder(queue) is None
    assert await follower.hold()
    assert await holder(queue) == follower.instance_id
    assert not await leader.hold()
    assert events(caplog) == [
        ("scheduler.leader.acquired", leader.instance_id),
        ("scheduler.leader.released", leader.instance_id),
        ("scheduler.leader.acquired", follower.instance_id),
    ]


async def test_follower_takes_over_within_a_lease_when_the_leader_stops_renewing(
    queue: ArqRedis, second_queue: ArqRedis, caplog: pytest.LogCaptureFixture
) -> None:
    """A leader that died (or hangs) renews no more; its lease runs out."""
    caplog.set_level(logging.INFO, logger=LEADER_LOGGER)
    lease_seconds, tick_seconds = 1.0, 0.05
    dead, follower = LeaderLease(queue, lease_seconds), LeaderLease(second_queue, lease_seconds)
    assert await dead.hold()
    last_renewed = time.monotonic()

    while not await follower.hold():
        assert time.monotonic() - last_renewed < lease_seconds + 1, "no takeover"
        await asyncio.sleep(tick_seconds)

    took = time.monotonic() - last_renewed
    assert lease_seconds - 0.1 < took < lease_seconds + 0.5
    assert await holder(queue) == follower.instance_id
    # The old leader, should it wake up, finds out at its next tick and stands down.
    assert not await dead.hold()
    assert await holder(queue) == follower.instance_id
    assert ("scheduler.leader.lost", dead.instance_id) in events(caplog)


async def test_replaced_leader_does_not_delete_its_successors_lease(
    queue: ArqRedis, second_queue: ArqRedis
) -> None:
    old, new = LeaderLease(queue, 0.3), LeaderLease(second_queue, 30)
    assert await old.hold()
    deadline = time.monotonic() + 2
    while not await new.hold():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert old.is_leader  # it has not ticked since, so it does not know yet

    await old.release()

    assert not old.is_leader
    assert await holder(queue) == new.instance_id
    assert await queue.pttl(LEADER_KEY) > 29_000


async def test_replaced_leader_cannot_renew_its_successors_lease(
    queue: ArqRedis, second_queue: ArqRedis
) -> None:
    old, new = LeaderLease(queue, 0.3), LeaderLease(second_queue, 5)
    assert await old.hold()
    deadline = time.monotonic() + 2
    while not await new.hold():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)

    assert not await old.hold()

    assert await holder(queue) == new.instance_id
    assert 4_000 < await queue.pttl(LEADER_KEY) <= 5_000


async def test_a_follower_has_nothing_to_release(queue: ArqRedis, second_queue: ArqRedis) -> None:
    leader, follower = LeaderLease(queue, 30), LeaderLease(second_queue, 30)
    assert await leader.hold()
    assert not await follower.hold()

    await follower.release()

    assert await holder(queue) == leader.instance_id
