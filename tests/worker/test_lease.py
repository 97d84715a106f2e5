"""A worker's claim on a running job is a short lease it renews: a job that runs many
times longer than the lease is still never started by another worker."""

from __future__ import annotations

import asyncio
from typing import Any

from arq import ArqRedis, func
from arq.constants import in_progress_key_prefix

from paless_worker.main import create_worker

LEASE_SECONDS = 1.0
JOB_SECONDS = 6.0


async def test_a_job_longer_than_its_lease_runs_once_beside_a_polling_worker(
    servers: Any, queue: ArqRedis
) -> None:
    started: list[tuple[int, int]] = []
    ttls: list[int] = []

    async def long_job(ctx: dict[str, Any]) -> None:
        started.append((id(ctx["redis"]), ctx["job_try"]))
        for _ in range(int(JOB_SECONDS)):
            await asyncio.sleep(1)
            ttls.append(await queue.pttl(in_progress_key_prefix + ctx["job_id"]))

    workers = [
        create_worker(
            burst=True, functions=[func(long_job, name="long_job")], lease_seconds=LEASE_SECONDS
        )
        for _ in range(2)
    ]
    await queue.enqueue_job("long_job", _job_id="long-job-1")
    try:
        await asyncio.wait_for(
            asyncio.gather(*(worker.async_run() for worker in workers)), JOB_SECONDS * 4
        )
    finally:
        for worker in workers:
            await worker.close()

    assert len(started) == 1, started
    assert started[0][1] == 1
    # The claim was short all along, and kept alive past its first lease.
    assert ttls and all(0 < ttl <= LEASE_SECONDS * 1000 for ttl in ttls), ttls
    assert sum(worker.jobs_complete for worker in workers) == 1


async def test_a_job_is_claimed_only_when_due_and_not_held_elsewhere(queue: ArqRedis) -> None:
    ran: list[str] = []
    leases: list[int] = []

    async def job(ctx: dict[str, Any]) -> None:
        ran.append(ctx["job_id"])
        leases.append(await queue.pttl(in_progress_key_prefix + ctx["job_id"]))

    worker = create_worker(
        functions=[func(job, name="claim_job")], lease_seconds=5.0, redis_pool=queue
    )
    await queue.enqueue_job("claim_job", _job_id="claim-due")
    await queue.enqueue_job("claim_job", _job_id="claim-held")
    await queue.enqueue_job("claim_job", _job_id="claim-later", _defer_by=60)
    # Another worker holds this one.
    await queue.psetex(in_progress_key_prefix + "claim-held", 5000, b"1")
    try:
        await worker.start_jobs([b"claim-due", b"claim-held", b"claim-later", b"claim-gone"])
        await asyncio.gather(*worker.tasks.values())

        assert ran == ["claim-due"]
        assert leases and 0 < leases[0] <= 5000, leases  # claimed for one lease
        assert worker.job_counter == 0  # every slot given back
        assert worker.jobs_complete == 1
        assert await queue.zscore(worker.queue_name, "claim-later") is not None
        assert await queue.zscore(worker.queue_name, "claim-held") is not None
    finally:
        await queue.delete(in_progress_key_prefix + "claim-held")
        await queue.zrem(worker.queue_name, "claim-held", "claim-later")
