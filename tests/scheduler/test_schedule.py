"""Cron schedules and `tick()`: each periodic job is enqueued once per slot (its latest
fire time), however many schedulers tick during that slot."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from arq import ArqRedis, create_pool
from arq.connections import RedisSettings as ArqRedisSettings
from arq.constants import job_key_prefix
from redis.exceptions import RedisError

from paless_scheduler.schedule import SLOT_KEY_PREFIX, PeriodicJob, periodic_jobs, tick
from paless_shared.platform import jobs
from paless_shared.platform.settings import ConfigurationError, SchedulerSettings, load

RECONCILE_EVERY_MINUTE = [PeriodicJob(jobs.RECONCILE, "* * * * *")]
# Some moment inside the minute that starts at 1_800_000_000 (a multiple of 60).
NOW = 1_800_000_000 + 17.5
CRON_VARIABLES = [
    "PALESS_RECONCILE_CRON",
    "PALESS_SANITY_CHECK_CRON",
    "PALESS_EMPTY_TRASH_CRON",
    "PALESS_EXPIRE_UPLOADS_CRON",
    "PALESS_PRUNE_TASKS_CRON",
    "PALESS_SEARCH_STATISTICS_CRON",
]


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


def test_slot_is_the_latest_fire_time_at_or_before_now() -> None:
    every_quarter = PeriodicJob(jobs.EXPIRE_UPLOADS, "*/15 * * * *")

    assert every_quarter.slot(utc(2027, 3, 1, 10, 7, 30)) == utc(2027, 3, 1, 10, 0, 0)
    assert every_quarter.slot(utc(2027, 3, 1, 10, 15, 0)) == utc(2027, 3, 1, 10, 15, 0)
    assert every_quarter.slot(utc(2027, 3, 1, 10, 14, 59) + 0.999) == utc(2027, 3, 1, 10, 0, 0)
    assert every_quarter.slot(utc(2027, 2, 28, 23, 59, 59)) == utc(2027, 2, 28, 23, 45, 0)
    assert every_quarter.period(every_quarter.slot(utc(2027, 3, 1, 10, 7, 30))) == 15 * 60


def test_cron_times_are_utc_and_a_sixth_field_counts_seconds() -> None:
    nightly = PeriodicJob(jobs.EMPTY_TRASH, "0 1 * * *")
    assert nightly.slot(utc(2027, 7, 1, 0, 59, 59)) == utc(2027, 6, 30, 1, 0, 0)
    assert nightly.period(int(utc(2027, 7, 1, 1, 0, 0))) == 24 * 3600

    every_two_seconds = PeriodicJob(jobs.RECONCILE, "* * * * * */2")
    assert every_two_seconds.slot(1_800_000_001.5) == 1_800_000_000
    assert every_two_seconds.slot(1_800_000_002) == 1_800_000_002
    assert every_two_seconds.period(1_800_000_002) == 2
    assert every_two_seconds.job_id(1_800_000_002) == "reconcile:1800000002"


async def test_same_slot_is_enqueued_once_with_a_deterministic_id(queue: ArqRedis) -> None:
    queue_name = queue.default_queue_name

    first = await tick(queue, RECONCILE_EVERY_MINUTE, NOW)
    second = await tick(queue, RECONCILE_EVERY_MINUTE, NOW + 30)

    assert first == ["reconcile:1800000000"]
    assert second == []
    assert await queue.zrange(queue_name, 0, -1) == [b"reconcile:1800000000"]
    payload = json.loads(await queue.get(job_key_prefix + "reconcile:1800000000"))
    assert payload["f"] == "reconcile"
    assert payload["a"] == ["1800000000"]


async def test_slot_claim_outlives_the_slot_by_a_period_and_a_minute(queue: ArqRedis) -> None:
    """So a scheduler restarted late in a slot cannot enqueue it a second time."""
    every_quarter = [PeriodicJob(jobs.EXPIRE_UPLOADS, "*/15 * * * *")]

    [job_id] = await tick(queue, every_quarter, utc(2027, 3, 1, 10, 7, 30))

    assert job_id == f"expire_uploads:{int(utc(2027, 3, 1, 10, 0, 0))}"
    ttl = await queue.ttl(SLOT_KEY_PREFIX + job_id)
    assert 2 * 15 * 60 + 60 - 5 <= ttl <= 2 * 15 * 60 + 60


async def test_two_schedulers_with_their_own_connections_enqueue_a_slot_once(
    queue: ArqRedis, second_queue: ArqRedis
) -> None:
    mine = await tick(queue, RECONCILE_EVERY_MINUTE, NOW)
    theirs = await tick(second_queue, RECONCILE_EVERY_MINUTE, NOW + 1)

    assert mine + theirs == ["reconcile:1800000000"]
    assert await queue.zcard(queue.default_queue_name) == 1


async def test_next_slot_is_enqueued_again(queue: ArqRedis) -> None:
    await tick(queue, RECONCILE_EVERY_MINUTE, NOW)

    later = await tick(queue, RECONCILE_EVERY_MINUTE, NOW + 60)

    assert later == ["reconcile:1800000060"]
    assert sorted(await queue.zrange(queue.default_queue_name, 0, -1)) == [
        b"reconcile:1800000000",
        b"reconcile:1800000060",
    ]


async def test_each_job_has_its_own_slots(queue: ArqRedis) -> None:
    schedule = [
        PeriodicJob(jobs.RECONCILE, "* * * * *"),
        PeriodicJob(jobs.EXPIRE_UPLOADS, "*/15 * * * *"),
    ]
    now = utc(2027, 3, 1, 10, 7, 30)

    first = await tick(queue, schedule, now)
    a_minute_later = await tick(queue, schedule, now + 60)

    quarter = int(utc(2027, 3, 1, 10, 0, 0))
    minute = int(utc(2027, 3, 1, 10, 7, 0))
    assert first == [f"reconcile:{minute}", f"expire_uploads:{quarter}"]
    assert a_minute_later == [f"reconcile:{minute + 60}"]


async def test_slot_already_run_is_not_enqueued_again_after_its_claim_expires(
    queue: ArqRedis, run_worker
) -> None:
    """arq keeps the result under the job id, so even a lost claim cannot make the same
    slot run twice while that result lives."""
    await tick(queue, RECONCILE_EVERY_MINUTE, NOW)
    worker = await run_worker()
    assert worker.jobs_complete == 1
    await queue.delete(SLOT_KEY_PREFIX + "reconcile:1800000000")

    again = await tick(queue, RECONCILE_EVERY_MINUTE, NOW)

    assert again == []
    assert await queue.zcard(queue.default_queue_name) == 0


def test_every_periodic_job_has_a_default_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in CRON_VARIABLES:
        monkeypatch.delenv(variable, raising=False)

    schedule = {job.function: job.cron for job in periodic_jobs(load(SchedulerSettings))}

    assert schedule == {
        jobs.RECONCILE: "* * * * *",
        jobs.SANITY_CHECK: "30 3 * * *",
        jobs.EMPTY_TRASH: "0 1 * * *",
        jobs.EXPIRE_UPLOADS: "*/15 * * * *",
        jobs.PRUNE_TASKS: "45 2 * * *",
        jobs.SEARCH_STATISTICS: "20 * * * *",
    }


async def test_disabled_jobs_are_never_enqueued(
    queue: ArqRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in CRON_VARIABLES:
        monkeypatch.setenv(variable, "disable")
    monkeypatch.setenv("PALESS_EXPIRE_UPLOADS_CRON", "*/15 * * * *")
    monkeypatch.setenv("PALESS_PRUNE_TASKS_CRON", " Disable ")
    periodic = periodic_jobs(load(SchedulerSettings))

    enqueued = [
        job_id
        for minute in range(0, 24 * 60, 7)
        for job_id in await tick(queue, periodic, NOW + 60 * minute)
    ]

    assert [job.function for job in periodic] == [jobs.EXPIRE_UPLOADS]
    assert enqueued
    assert {job_id.split(":")[0] for job_id in enqueued} == {jobs.EXPIRE_UPLOADS}
    claimed = {key.decode() async for key in queue.scan_iter(match=SLOT_KEY_PREFIX + "*")}
    assert claimed == {SLOT_KEY_PREFIX + job_id for job_id in enqueued}


@pytest.mark.parametrize(
    "expression",
    [
        "every minute",
        "61 * * * *",
        "* * * *",
        "0 0 31 2 *",  # never comes
        "* * * * * * 2030",  # a year field
        "",
    ],
)
def test_invalid_cron_fails_at_startup_naming_the_variable(
    expression: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALESS_SANITY_CHECK_CRON", expression)

    with pytest.raises(ConfigurationError, match=r"PALESS_SANITY_CHECK_CRON: .*cron expression"):
        load(SchedulerSettings)


@pytest.mark.parametrize("expression", ["*/5 * * * *", "* * * * * */2", "@daily", "0 3 * * mon"])
def test_valid_cron_is_accepted(expression: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALESS_RECONCILE_CRON", expression)

    assert load(SchedulerSettings).reconcile_cron == expression


def test_lease_must_outlast_two_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALESS_SCHEDULER_TICK_SECONDS", "5")
    monkeypatch.setenv("PALESS_SCHEDULER_LEASE_SECONDS", "10")

    with pytest.raises(ConfigurationError, match="PALESS_SCHEDULER_LEASE_SECONDS"):
        load(SchedulerSettings)


@pytest.fixture
async def queue_refusing_jobs(servers: Any, queue: ArqRedis) -> AsyncIterator[ArqRedis]:
    """A connection as a Redis user that may write the scheduler's keys but not arq's
    (a real refusal from the server, as a full or failing Redis would give)."""
    user, password = f"paless-test-{secrets.token_hex(4)}", secrets.token_hex(16)
    await queue.execute_command(
        "ACL", "SETUSER", user, "on", f">{password}", "resetkeys",
        f"~{SLOT_KEY_PREFIX}*", "%R~*", "+@all",
    )  # fmt: skip
    url = urlsplit(servers.redis_url)
    restricted = url._replace(netloc=f"{user}:{password}@{url.hostname}:{url.port}").geturl()
    pool = await create_pool(
        ArqRedisSettings.from_dsn(restricted),
        default_queue_name=queue.default_queue_name,
        job_serializer=jobs.serialize,
        job_deserializer=jobs.deserialize,
    )
    try:
        yield pool
    finally:
        await pool.aclose()
        await queue.execute_command("ACL", "DELUSER", user)


async def test_a_slot_whose_enqueue_failed_is_enqueued_at_the_next_tick(
    queue: ArqRedis, queue_refusing_jobs: ArqRedis
) -> None:
    with pytest.raises(RedisError):
        await tick(queue_refusing_jobs, RECONCILE_EVERY_MINUTE, NOW)
    assert await queue.zcard(queue.default_queue_name) == 0

    retried = await tick(queue, RECONCILE_EVERY_MINUTE, NOW + 5)

    assert retried == ["reconcile:1800000000"]
    assert await queue.zrange(queue.default_queue_name, 0, -1) == [b"reconcile:1800000000"]
    assert await queue.exists(SLOT_KEY_PREFIX + "reconcile:1800000000")
