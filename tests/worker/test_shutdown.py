"""A worker told to stop (SIGTERM: a scale-down, a rollout, a node drain) takes no new
job and lets the running ones finish within PALESS_WORKER_SHUTDOWN_GRACE_SECONDS; what
is still running after that goes back on the queue for another worker."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

from arq import ArqRedis
from arq.constants import in_progress_key_prefix
from arq.jobs import Job, JobStatus

from paless_shared.platform.jobs import deserialize
from paless_shared.platform.settings import RedisSettings, load
from tests.e2e.processes import service_env

# The real worker process (settings, signal handling, shutdown), running one slow job
# in place of the document jobs.
WORKER = """
import asyncio
from arq import func
import logging
from paless_worker.main import create_worker

logging.basicConfig(level=logging.INFO)

async def slow(ctx, seconds):
    await asyncio.sleep(seconds)
    return "finished"

create_worker(functions=[func(slow, name="slow")]).run()
"""


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER], env=env, stdout=output, stderr=subprocess.STDOUT
        )


async def stop_while_running(
    queue: ArqRedis, tmp_path: Path, *, job_seconds: float, grace_seconds: int
) -> tuple[int, float, Job]:
    """Start a worker, let it start a `job_seconds` job, SIGTERM it: its exit code, how
    long it took to stop, and the job."""
    job = await queue.enqueue_job("slow", job_seconds, _job_id=f"slow-{job_seconds}")
    assert job is not None
    # Due a moment later, so the worker cannot take it before the slow one (jobs due at
    # the same millisecond are read in job-id order).
    await queue.enqueue_job("slow", 0, _job_id="queued-after", _defer_by=0.2)
    env = service_env(tmp_path, PALESS_WORKER_SHUTDOWN_GRACE_SECONDS=str(grace_seconds))
    env["PALESS_WORKER_CONCURRENCY"] = "1"
    log = tmp_path / "worker.log"
    process = start_worker(env, log)
    try:
        # Starting the process is not what is measured: allow a busy machine its imports.
        deadline = time.monotonic() + 120
        while not await queue.exists(in_progress_key_prefix + job.job_id):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker never started the job"
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        code = await asyncio.to_thread(process.wait, 60)
        return code, time.monotonic() - signalled, job
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def test_sigterm_lets_the_running_job_finish_and_starts_no_other(
    queue: ArqRedis, tmp_path: Path
) -> None:
    code, _, job = await stop_while_running(queue, tmp_path, job_seconds=2, grace_seconds=30)

    assert code == 0
    assert await job.status() == JobStatus.complete
    assert await job.result(timeout=1) == "finished"
    # The job queued behind it was left for another worker.
    queued_after = Job(
        "queued-after", queue, _queue_name=load(RedisSettings).queue_name, _deserializer=deserialize
    )
    assert await queued_after.status() == JobStatus.queued


async def test_a_job_outlasting_the_grace_goes_back_on_the_queue(
    queue: ArqRedis, tmp_path: Path
) -> None:
    code, took, job = await stop_while_running(queue, tmp_path, job_seconds=60, grace_seconds=1)

    assert code == 0
    assert took < 30
    assert await job.status() == JobStatus.queued
