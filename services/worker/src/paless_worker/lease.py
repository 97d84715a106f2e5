"""Short, renewed claims on running jobs, so a dead worker's jobs run again in seconds.

arq marks a job it starts with `arq:in-progress:<job id>`; while that key lives, no
other worker starts the job. arq gives the key the job timeout plus 10 s and never
renews it, so the jobs of a worker killed without warning (SIGKILL, OOM, a lost node)
wait that long (minutes) before anyone takes them up again, and a job that runs past
that time could be started a second time beside itself.

Here the key is a lease instead: PALESS_WORKER_LEASE_SECONDS long, renewed every third
of that while the job runs, by a task of the worker's own. A live worker keeps its
jobs however long they run; a dead one stops renewing, its keys lapse within one
lease, and the next worker to poll the queue starts them again (arq counts the try,
as for any retry). Only a worker whose event loop or Redis connection stalls for a
whole lease can lose a job it is still running; that is logged (`job.lease.lost`),
and jobs are idempotent.

A job is also claimed in one round trip to Redis (a script, atomic there) where arq's
`start_jobs` takes five (WATCH, EXISTS, ZSCORE, then MULTI/PSETEX/EXEC): the same
checks, with the same outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq.constants import in_progress_key_prefix
from arq.utils import timestamp_ms
from arq.worker import Worker
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# KEYS: the job's in-progress key, the queue; ARGV: job id, now (ms), lease (ms).
# Not started elsewhere (no in-progress key) and still due on the queue: mark it in
# progress for a lease and return its score; else nothing.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return false end
redis.call('PSETEX', KEYS[1], ARGV[3], '1')
return score
"""


class LeasedWorker(Worker):
    def __init__(self, *args: Any, lease_seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lease_seconds = lease_seconds
        # What arq sets the in-progress key to when it starts a job.
        self.in_progress_timeout_s = lease_seconds
        self._renewing: asyncio.Task[None] | None = None
        self._claim: AsyncScript | None = None

    async def main(self) -> None:
        # A task of its own, not part of the poll loop: it keeps renewing while a
        # SIGTERM's grace lets running jobs finish after polling has stopped.
        self._renewing = asyncio.create_task(self._renew_leases())
        await super().main()

    async def close(self) -> None:
        # By now running jobs have ended or been cancelled (and hand their jobs back).
        if self._renewing is not None:
            self._renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
        await super().close()

    async def _renew_leases(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await self.renew_leases()
            except (RedisError, OSError) as exc:
                log.warning("job.lease.renew_failed", extra={"error": str(exc)})

    async def renew_leases(self) -> None:
        """Extend the claim on every job this worker is running."""
        if self._pool is None:
            return
        job_ids = [job_id for job_id, task in self.tasks.items() if not task.done()]
        if not job_ids:
            return
        milliseconds = int(self.lease_seconds * 1000)
        async with self._pool.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.pexpire(in_progress_key_prefix + job_id, milliseconds)
            renewed = await pipe.execute()
        for job_id, kept in zip(job_ids, renewed, strict=True):
            # A job still in its function whose key is gone: the lease lapsed under it.
            if not kept and job_id in self.job_tasks:
                log.warning("job.lease.lost", extra={"job_id": job_id})

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq's `start_jobs`, each job claimed by one script call (see _CLAIM): for
        each id, wait for a free slot, claim the job unless another worker has it or
        it is no longer due, and start it."""
        if self._claim is None:
            self._claim = self.pool.register_script(_CLAIM)
        lease_ms = int(self.in_progress_timeout_s * 1000)
        for job_id_b in job_ids:
            await self.sem.acquire()
            if self.job_counter >= self.max_jobs:
                self.sem.release()
                return
            self.job_counter += 1
            job_id = job_id_b.decode()
            keys = [in_progress_key_prefix + job_id, self.queue_name]
            try:
                score = await self._claim(keys=keys, args=[job_id, timestamp_ms(), lease_ms])
            except BaseException:
                self._release_sem_dec_counter_on_complete()
                raise
            if score is None:
                # Started elsewhere, or finished and off the queue, or deferred again.
                self._release_sem_dec_counter_on_complete()
                log.debug("job.claim.skipped", extra={"job_id": job_id})
                continue
            task = self.loop.create_task(self.run_job(job_id, int(float(score))))
            task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
            self.tasks[job_id] = task
