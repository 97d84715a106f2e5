"""Running paless's console scripts as real processes, with the test servers' settings.

The `servers` fixture has already put every PALESS_* variable in os.environ, so a
child process sees the same Postgres, Redis and S3 as the test.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Console scripts live next to the interpreter running the tests (the uv venv).
BIN = Path(sys.executable).parent


def script(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"console script {name} is not installed in {BIN}"
    return str(path)


def service_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The test environment, with what must differ per process: no metrics ports (two
    schedulers would fight over one), heartbeat files of their own, JSON logs."""
    env = {
        **os.environ,
        "PALESS_LOG_FORMAT": "json",
        "PALESS_LOG_LEVEL": "INFO",
        "PALESS_WORKER_METRICS_PORT": "0",
        "PALESS_SCHEDULER_METRICS_PORT": "0",
        "PALESS_WORKER_HEARTBEAT_FILE": str(tmp_path / "worker.heartbeat"),
        "PALESS_SCHEDULER_HEARTBEAT_FILE": str(tmp_path / "scheduler.heartbeat"),
        "PALESS_WORKER_SHUTDOWN_GRACE_SECONDS": "5",
    }
    env.update(overrides)
    return env


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    terminated: bool = False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def events(self, event: str) -> list[dict[str, Any]]:
        """The JSON log entries of this process whose `event` is `event`."""
        found = []
        for line in self.log().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("event") == event:
                found.append(entry)
        return found

    def assert_running(self) -> None:
        code = self.process.poll()
        assert code is None, f"{self.name} exited with {code}:\n{self.log()[-4000:]}"

    def terminate(self) -> None:
        """Send SIGTERM, once: a second one may mean "stop now" to the service."""
        if not self.terminated and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.terminated = True

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then the exit code; a process that does not stop in time is killed
        and the test fails."""
        self.terminate()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(
                f"{self.name} did not stop within {timeout}s of SIGTERM:\n{self.log()[-4000:]}"
            ) from None


@dataclass
class Services:
    """Processes started by one test; whatever is still running at the end is killed."""

    folder: Path
    started: list[Service] = field(default_factory=list)

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> Service:
        log_path = self.folder / f"{name}-{len(self.started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [script(name), *args],
                env=env if env is not None else service_env(self.folder),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        service = Service(name, process, log_path)
        self.started.append(service)
        return service

    def start_workers(self, env: dict[str, str]) -> list[Service]:
        """A worker for the default queue and one for the OCR queue: what documents
        need to become ready (scans and images go through the OCR queue)."""
        return [
            self.start("paless-worker", env=env),
            self.start("paless-worker", "--queue", "ocr", env=env),
        ]

    def kill_all(self) -> None:
        for service in self.started:
            if service.process.poll() is None:
                service.process.kill()
                service.process.wait()


def services_fixture(tmp_path: Path) -> Iterator[Services]:
    running = Services(tmp_path)
    try:
        yield running
    finally:
        running.kill_all()


async def wait_until_ready(base_url: str, service: Service, within: float = 90) -> None:
    deadline = time.monotonic() + within
    last = "no answer"
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while time.monotonic() < deadline:
            service.assert_running()
            try:
                response = await http.get("/readyz")
            except httpx.TransportError as exc:
                last = repr(exc)
            else:
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text}"
            await asyncio.sleep(0.2)
    raise AssertionError(f"{base_url} not ready after {within}s ({last}):\n{service.log()}")
