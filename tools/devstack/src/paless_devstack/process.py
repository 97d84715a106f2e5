"""Child processes for the embedded servers: start, wait for readiness, stop."""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")

# From <linux/prctl.h>; ctypes has no constant for it.
_PR_SET_PDEATHSIG = 1


class ServiceStartError(RuntimeError):
    """An embedded server did not come up; the message carries the tail of its log."""


@dataclass(eq=False)
class RunningService:
    """A server the stack uses: either found already running (`process` is None) or started by us.

    `stop()` only ever touches processes we started, so it is safe to call on every service.
    """

    url: str
    process: subprocess.Popen[bytes] | None
    name: str
    # Postgres wants SIGINT (fast shutdown); SeaweedFS only stops promptly on SIGKILL.
    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout: float = 10.0
    log_path: Path | None = None
    # Files the process leaves behind when killed (e.g. unix sockets in /tmp), removed by stop().
    leftovers: tuple[Path, ...] = ()

    @property
    def embedded(self) -> bool:
        return self.process is not None

    def stop(self) -> None:
        process = self.process
        _live_services.discard(self)
        if process is None or process.poll() is not None:
            return
        process.send_signal(self.stop_signal)
        try:
            process.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for path in self.leftovers:
            path.unlink(missing_ok=True)


# Everything we started and have not stopped yet, so an interpreter exit does not leak servers.
_live_services: set[RunningService] = set()


@atexit.register
def _stop_leftovers() -> None:
    for service in list(_live_services):
        service.stop()


def track(service: RunningService) -> RunningService:
    """Register an embedded service for the atexit safety net and return it."""
    if service.process is not None:
        _live_services.add(service)
    return service


def _bindable(port: int) -> bool:
    # SO_REUSEADDR like the servers themselves, so ports in TIME_WAIT count as free.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def ports_free(first: int, count: int = 1) -> bool:
    """True if `first`..`first + count - 1` can all be bound on 127.0.0.1 right now."""
    last = first + count - 1
    return last <= 65535 and all(_bindable(port) for port in range(first, last + 1))


def free_port(span: int = 1) -> int:
    """A port (the first of `span` consecutive ones) that is free on 127.0.0.1 right now.

    SeaweedFS needs a block of ports derived from its S3 port, hence `span`.
    """
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        if ports_free(port, span):
            return port
    raise RuntimeError(f"no block of {span} free ports found on 127.0.0.1")


def run_sync(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync code, even when called inside a running loop.

    The ensure_* helpers are sync but probe servers with async clients; tests may call them
    from async fixtures, where asyncio.run() would refuse to nest, so use a helper thread then.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, make_coroutine()).result()


def _die_with_parent(sig: signal.Signals) -> Callable[[], None] | None:
    """A preexec hook asking Linux to signal the child when we die, so a killed runner or test
    session does not leave servers behind.

    Linux delivers it when the creating *thread* exits, so only use it from the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig))

    return hook


def popen_detached(
    argv: Sequence[str],
    *,
    stdout: int | IO[bytes],
    parent_death_signal: signal.Signals,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    user: int | None = None,
    group: int | None = None,
) -> subprocess.Popen[bytes]:
    """Start a child in its own session, stderr merged into stdout.

    Its own session so a Ctrl-C in the terminal reaches only the runner, which then stops
    things in order (services first, servers last) instead of everything at once.
    """
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        user=user,
        group=group,
        extra_groups=[] if user is not None else None,
        start_new_session=True,
        preexec_fn=_die_with_parent(parent_death_signal),
    )


def spawn(
    argv: Sequence[str],
    *,
    log_path: Path,
    parent_death_signal: signal.Signals,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    user: int | None = None,
    group: int | None = None,
) -> subprocess.Popen[bytes]:
    """Start a server (see popen_detached) with its output appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return popen_detached(
            argv,
            stdout=log,
            parent_death_signal=parent_death_signal,
            env=env,
            cwd=cwd,
            user=user,
            group=group,
        )


def log_tail(path: Path | None, lines: int = 25) -> str:
    if path is None or not path.exists():
        return "(no log)"
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


def wait_until_ready(
    check: Callable[[], bool],
    *,
    process: subprocess.Popen[bytes],
    name: str,
    log_path: Path,
    timeout: float,
    interval: float = 0.1,
) -> float:
    """Poll `check` until it passes; returns the seconds it took.

    Fails fast, with the log tail, if the process exits first, and kills it on timeout so a
    half-started server is not left behind.
    """
    started = time.monotonic()
    deadline = started + timeout
    while True:
        if check():
            return time.monotonic() - started
        if process.poll() is not None:
            raise ServiceStartError(
                f"{name} exited with code {process.returncode} while starting; "
                f"log {log_path}:\n{log_tail(log_path)}"
            )
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise ServiceStartError(
                f"{name} did not become ready within {timeout:.0f}s; "
                f"log {log_path}:\n{log_tail(log_path)}"
            )
        time.sleep(interval)


def tool_env(drop_prefixes: Sequence[str] = ()) -> dict[str, str]:
    """Our environment minus variables a server would otherwise pick up as configuration."""
    return {
        key: value
        for key, value in os.environ.items()
        if not any(key.startswith(prefix) for prefix in drop_prefixes)
    }
