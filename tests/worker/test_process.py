"""`paless-worker` as a process, twice on one host with the same settings: a metrics
port already taken stops the second with one line naming the setting (no traceback),
and each worker keeps a heartbeat file of its own."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paless_devstack import free_port
from tests.e2e.processes import Service, Services, service_env, services_fixture


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    yield from services_fixture(tmp_path)


def mtime(path: Path) -> float:
    return os.stat(path).st_mtime


async def until(condition, service: Service, within: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not condition():
        service.assert_running()
        assert time.monotonic() < deadline, f"{service.name}: not yet after {within}s"
        await asyncio.sleep(0.1)


async def test_a_second_worker_on_a_taken_metrics_port_stops_with_one_clear_line(
    services: Services, tmp_path: Path
) -> None:
    env = service_env(tmp_path, PALESS_WORKER_METRICS_PORT=str(free_port()))
    first = services.start("paless-worker", env=env)
    await until(lambda: "worker.metrics.serving" in first.log(), first)

    second = services.start("paless-worker", env=env)
    code = await asyncio.to_thread(second.process.wait, 60)

    output = second.log().strip()
    assert code == 2, output
    assert "Traceback" not in output
    assert "PALESS_WORKER_METRICS_PORT" in output.splitlines()[-1]
    first.assert_running()


async def test_two_workers_on_one_host_keep_a_heartbeat_file_each(
    services: Services, tmp_path: Path
) -> None:
    # Metrics off, one heartbeat file configured for both.
    env = service_env(tmp_path, PALESS_WORKER_HEARTBEAT_SECONDS="0.5")
    configured = Path(env["PALESS_WORKER_HEARTBEAT_FILE"])
    first = services.start("paless-worker", env=env)
    await until(configured.exists, first)

    second = services.start("paless-worker", env=env)
    own = configured.with_name(f"{configured.name}.{second.process.pid}")
    await until(own.exists, second)

    # Each file is kept fresh by its own process: stop one, and only its file ages.
    second.process.kill()
    second.process.wait()
    stopped_at = mtime(own)
    touched = mtime(configured)
    await asyncio.sleep(2)
    assert mtime(own) == stopped_at
    assert mtime(configured) > touched
    first.assert_running()
