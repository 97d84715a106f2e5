"""A missing or bad setting fails at once, naming the environment variable; each
service refuses to start on one instead of failing later."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from paless_shared import cli
from paless_shared.platform.security import verify_password
from paless_shared.platform.settings import (
    ConfigurationError,
    DatabaseSettings,
    HttpSettings,
    RedisSettings,
    S3Settings,
    WorkerSettings,
    load,
)
from paless_shared.tables import User
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


# --- production refuses default and weak secrets ---------------------------------------


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("PALESS_ENVIRONMENT", "production")
    return monkeypatch


@pytest.mark.parametrize(
    ("secret", "reason"),
    [("minioadmin", "well-known"), ("paless-dev-secret", "well-known"), ("short1234", "16")],
)
def test_production_refuses_a_default_or_short_s3_secret(
    production: pytest.MonkeyPatch, secret: str, reason: str
) -> None:
    production.setenv("PALESS_S3_SECRET_ACCESS_KEY", secret)

    with pytest.raises(ConfigurationError, match="PALESS_S3_SECRET_ACCESS_KEY") as raised:
        load(S3Settings)

    assert reason in str(raised.value)
    assert secret not in str(raised.value)


def test_the_same_secret_is_fine_outside_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PALESS_ENVIRONMENT", "development")
    monkeypatch.setenv("PALESS_S3_SECRET_ACCESS_KEY", "minioadmin")

    assert load(S3Settings).s3_secret_access_key == "minioadmin"


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("PALESS_DATABASE_URL", "postgresql+asyncpg://paless:paless@db:5432/paless"),
        ("PALESS_DATABASE_URL", "postgresql+asyncpg://app:Change_Me@db:5432/paless"),
        ("PALESS_REDIS_URL", "redis://:redis@cache:6379/0"),
    ],
)
def test_production_refuses_a_well_known_password_in_a_url(
    production: pytest.MonkeyPatch, variable: str, url: str
) -> None:
    production.setenv(variable, url)

    with pytest.raises(ConfigurationError, match=variable):
        load(DatabaseSettings if "DATABASE" in variable else RedisSettings)


@pytest.mark.parametrize(
    ("variable", "value", "settings"),
    [
        (
            "PALESS_DATABASE_URL",
            "postgresql+asyncpg://paless:CHANGE-ME-random-password@db:5432/paless",
            DatabaseSettings,
        ),
        ("PALESS_REDIS_URL", "redis://:CHANGE-ME-random-password@cache:6379/0", RedisSettings),
        ("PALESS_S3_ACCESS_KEY_ID", "CHANGE-ME", S3Settings),
        ("PALESS_S3_SECRET_ACCESS_KEY", "CHANGE-ME-random-secret-key", S3Settings),
        ("PALESS_S3_SECRET_ACCESS_KEY", "change_me_before_going_live_please", S3Settings),
    ],
)
def test_production_refuses_a_placeholder_left_in(
    production: pytest.MonkeyPatch, variable: str, value: str, settings: type
) -> None:
    """The example deployment's CHANGE-ME values are long enough and not a known
    password, but were never filled in."""
    production.setenv(variable, value)

    with pytest.raises(ConfigurationError, match=f"{variable}: .*placeholder") as raised:
        load(settings)

    assert value not in str(raised.value).replace("(CHANGE-ME)", "")  # not echoed
    production.setenv("PALESS_ENVIRONMENT", "development")
    load(settings)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://paless:x7Hq2v9LmPz4tR8w@db:5432/paless",
        # No password: certificate, IAM or passfile authentication.
        "postgresql+asyncpg://paless@db:5432/paless?ssl=verify-full",
    ],
)
def test_production_accepts_a_random_or_no_database_password(
    production: pytest.MonkeyPatch, url: str
) -> None:
    production.setenv("PALESS_DATABASE_URL", url)

    assert str(load(DatabaseSettings).database_url) == url


def test_cors_origins_are_a_comma_separated_list_of_origins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load(HttpSettings).cors_origin_list == []

    monkeypatch.setenv("PALESS_CORS_ORIGINS", " https://a.example.com/, http://localhost:3000 ")
    assert load(HttpSettings).cors_origin_list == ["https://a.example.com", "http://localhost:3000"]

    monkeypatch.setenv("PALESS_CORS_ORIGINS", "https://a.example.com/app")
    with pytest.raises(ConfigurationError, match="PALESS_CORS_ORIGINS"):
        load(HttpSettings)


def create_admin(*args: str) -> int:
    """`paless create-user root --admin ...`, in this process: its exit code."""
    try:
        cli.main(["create-user", "root", "--admin", *args])
    except SystemExit as exit:
        return int(exit.code or 0)
    return 0


async def test_production_admin_needs_a_strong_password_from_the_environment(
    production: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db
) -> None:
    production.delenv("PALESS_ADMIN_PASSWORD", raising=False)
    missing = await asyncio.to_thread(create_admin)
    production.setenv("PALESS_ADMIN_PASSWORD", "changeme")
    weak = await asyncio.to_thread(create_admin)
    refused = capsys.readouterr().err
    production.setenv("PALESS_ADMIN_PASSWORD", "a long random admin passphrase")
    created = await asyncio.to_thread(create_admin)

    assert (missing, weak, created) == (1, 1, 0)
    assert "PALESS_ADMIN_PASSWORD: is required" in refused
    assert "PALESS_ADMIN_PASSWORD: is a well-known default" in refused
    assert "changeme" not in refused
    async with db() as session:
        user = (await session.execute(select(User).where(User.username == "root"))).scalar_one()
    assert user.is_admin
    assert verify_password("a long random admin passphrase", user.password_hash)
