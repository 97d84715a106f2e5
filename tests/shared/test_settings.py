"""A missing or bad setting fails at once, naming the environment variable; each
service refuses to start on one instead of failing later."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from paless_shared.settings import (
    ConfigurationError,
    DatabaseSettings,
    RedisSettings,
    S3Settings,
    WorkerSettings,
    load,
)
from tests.e2e.processes import script, service_env


def test_missing_database_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PALESS_DATABASE_URL", raising=False)

    with pytest.raises(ConfigurationError) as raised:
        load(DatabaseSettings)

    assert "PALESS_DATABASE_URL" in str(raised.value)
    assert "required" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    ["postgresql://paless@127.0.0.1/paless", "postgresql+psycopg://paless@127.0.0.1/paless"],
)
def test_database_url_without_asyncpg_is_named(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("PALESS_DATABASE_URL", url)

    with pytest.raises(ConfigurationError, match="PALESS_DATABASE_URL") as raised:
        load(DatabaseSettings)

    assert "asyncpg" in str(raised.value)


def test_database_url_that_is_not_postgres_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALESS_DATABASE_URL", "mysql://root@127.0.0.1/paless")

    with pytest.raises(ConfigurationError, match="PALESS_DATABASE_URL"):
        load(DatabaseSettings)


@pytest.mark.parametrize(("value", "reason"), [("abc", "integer"), ("0", "greater than")])
def test_bad_integer_is_named(monkeypatch: pytest.MonkeyPatch, value: str, reason: str) -> None:
    monkeypatch.setenv("PALESS_WORKER_MAX_TRIES", value)

    with pytest.raises(ConfigurationError) as raised:
        load(WorkerSettings)

    assert "PALESS_WORKER_MAX_TRIES" in str(raised.value)
    assert reason in str(raised.value)


def test_every_problem_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PALESS_S3_BUCKET", "PALESS_S3_ACCESS_KEY_ID", "PALESS_S3_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(ConfigurationError) as raised:
        load(S3Settings)

    for name in ("PALESS_S3_BUCKET", "PALESS_S3_ACCESS_KEY_ID", "PALESS_S3_SECRET_ACCESS_KEY"):
        assert name in str(raised.value)


def test_valid_environment_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALESS_WORKER_MAX_TRIES", "7")

    assert load(WorkerSettings).worker_max_tries == 7
    assert str(load(RedisSettings).redis_url) == os.environ["PALESS_REDIS_URL"]


@pytest.mark.parametrize("service", ["paless-web", "paless-worker", "paless-scheduler"])
async def test_service_without_redis_url_exits_naming_it(service: str, tmp_path: Path) -> None:
    env = service_env(tmp_path)
    del env["PALESS_REDIS_URL"]

    finished = await asyncio.to_thread(
        subprocess.run,
        [script(service)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode != 0
    assert "PALESS_REDIS_URL" in finished.stderr
    assert "Traceback" not in finished.stderr, finished.stderr
