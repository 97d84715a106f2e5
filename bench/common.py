"""What the benchmarks share: their own servers, paless's services as real processes,
peak memory of a process tree, and the results file.

Not a test helper: nothing here asserts a timing. Each benchmark prints its figures
and writes bench/results/<name>.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BIN = Path(sys.executable).parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from paless_devstack import (  # noqa: E402
    create_database,
    ensure_postgres,
    ensure_redis,
    free_port,
    start_seaweedfs,
)
from paless_devstack.s3 import PORT_SPAN  # noqa: E402


@contextmanager
def bench_servers(name: str) -> Iterator[dict[str, str]]:
    """Postgres and Redis (the ones on 127.0.0.1 when they answer, else embedded ones),
    a fresh SeaweedFS with signature checks, a migrated database of our own and a Redis
    database claimed like a test session's. Yields the PALESS_* environment, also put
    in os.environ so in-process settings see it."""
    from tests.conftest import claim_redis_database

    state = Path(tempfile.mkdtemp(prefix=f"paless-bench-{name}-"))
    started = []
    release = None
    try:
        postgres = ensure_postgres(
            REPO / ".test", "postgresql://postgres@127.0.0.1:5432/postgres", free_port()
        )
        started.append(postgres)
        redis = ensure_redis(REPO / ".test", "redis://127.0.0.1:6379/0", free_port())
        started.append(redis)
        redis_db, release = claim_redis_database(redis.url)
        secret = secrets.token_hex(16)
        s3 = start_seaweedfs(
            state, s3_port=free_port(span=PORT_SPAN), access_key="bench", secret_key=secret,
            bucket="bench",
        )  # fmt: skip
        started.append(s3)
        database = asyncio.run(
            create_database(postgres.url, f"paless_bench_{name}", drop_existing=True)
        )
        env = {
            "PALESS_DATABASE_URL": database.replace("postgresql://", "postgresql+asyncpg://", 1),
            "PALESS_REDIS_URL": redis.url.rsplit("/", 1)[0] + f"/{redis_db}",
            "PALESS_S3_ENDPOINT_URL": s3.url,
            "PALESS_S3_BUCKET": "bench",
            "PALESS_S3_ACCESS_KEY_ID": "bench",
            "PALESS_S3_SECRET_ACCESS_KEY": secret,
            "PALESS_LOG_LEVEL": "WARNING",
            "PALESS_LOG_FORMAT": "json",
            "PALESS_WORKER_METRICS_PORT": "0",
            "PALESS_SCHEDULER_METRICS_PORT": "0",
            "PALESS_WORKER_HEARTBEAT_FILE": str(state / "worker.heartbeat"),
        }
        os.environ.update(env)
        from paless_shared.migrate import upgrade

        upgrade(env["PALESS_DATABASE_URL"])
        import redis as redis_client

        redis_client.Redis.from_url(env["PALESS_REDIS_URL"]).flushdb()
        yield {**os.environ, **env}
    finally:
        if release is not None:
            release()
        for server in reversed(started):
            server.stop()


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def print_table(results: dict[str, Any], prefix: str = "") -> None:
    for key, value in results.items():
        if isinstance(value, dict):
            print_table(value, prefix=f"{prefix}{key}.")
        elif isinstance(value, float):
            print(f"{prefix + key:<52}{value:>14.3f}")
        elif isinstance(value, int | str | bool):
            print(f"{prefix + key:<52}{value!s:>14}")


# Processes --------------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def stop(self, timeout: float = 30) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def log_tail(self, size: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-size:]


def start(argv: list[str], env: dict[str, str], name: str) -> Process:
    log_path = Path(tempfile.mkdtemp(prefix="paless-bench-log-")) / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Process(name, popen, log_path)


def start_web(env: dict[str, str]) -> tuple[Process, str]:
    """paless-web as deployed (its own console script), on a free port."""
    port = free_port()
    process = start([str(BIN / "paless-web")], {**env, "PALESS_WEB_PORT": str(port)}, "web")
    base_url = f"http://127.0.0.1:{port}"
    wait_http(base_url + "/readyz", process)
    return process, base_url


def wait_http(url: str, process: Process, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited:\n{process.log_tail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {within}s:\n{process.log_tail()}")


def create_account(env: dict[str, str], base_url: str) -> dict[str, str]:
    """A user (created like `paless create-user` does) and its bearer header."""
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    subprocess.run(
        [str(BIN / "paless"), "create-user", username, f"--password={password}"],
        env=env,
        check=True,
        capture_output=True,
    )
    token = httpx.post(
        base_url + "/api/v1/auth/token",
        data={"username": username, "password": password},
        timeout=30,
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


# Memory -----------------------------------------------------------------------------------


def _hwm_kb(process: psutil.Process) -> int:
    """The kernel's own peak RSS of the process (VmHWM), exact between samples."""
    try:
        with open(f"/proc/{process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peaks(*roots: int) -> None:
    """Start VmHWM afresh for these processes and their children (clear_refs 5)."""
    for root in roots:
        try:
            members = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for member in members:
            with contextlib.suppress(OSError):  # gone, or a kernel without it
                Path(f"/proc/{member.pid}/clear_refs").write_text("5")


@dataclass
class PeakMemory:
    """Peak RSS of process trees, sampled every `interval` seconds from another thread.

    Per process it keeps VmHWM (the kernel's exact peak); per tree, the largest sum of
    the members' RSS seen at one sample (children such as PDF pool processes come and
    go, so the tree's peak is sampled, not exact)."""

    roots: dict[str, int]
    interval: float = 0.02
    process_peak_kb: dict[str, int] = field(default_factory=dict)
    tree_peak_kb: dict[str, int] = field(default_factory=dict)
    _labels: dict[tuple[str, int], str] = field(default_factory=dict)
    _children: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _label(self, role: str, member: psutil.Process) -> str:
        """`worker`, then `worker.child1`, `worker.child2`… in the order first seen
        (multiprocessing's resource tracker is `worker.resource_tracker`)."""
        key = (role, member.pid)
        if key not in self._labels:
            try:
                command = " ".join(member.cmdline())
            except psutil.Error:
                command = ""
            if "resource_tracker" in command:
                self._labels[key] = f"{role}.resource_tracker"
            else:
                self._children[role] = self._children.get(role, 0) + 1
                self._labels[key] = f"{role}.child{self._children[role]}"
        return self._labels[key]

    def sample(self) -> None:
        for role, pid in self.roots.items():
            try:
                root = psutil.Process(pid)
                members = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            total = 0
            for index, member in enumerate(members):
                label = role if index == 0 else self._label(role, member)
                peak = _hwm_kb(member)
                self.process_peak_kb[label] = max(self.process_peak_kb.get(label, 0), peak)
                try:
                    total += member.memory_info().rss // 1024
                except psutil.NoSuchProcess:
                    continue
            self.tree_peak_kb[role] = max(self.tree_peak_kb.get(role, 0), total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def report_mib(self) -> dict[str, float]:
        found = {f"{label}_peak_rss_mib": kb / 1024 for label, kb in self.process_peak_kb.items()}
        found |= {f"{role}_tree_peak_rss_mib": kb / 1024 for role, kb in self.tree_peak_kb.items()}
        return found
