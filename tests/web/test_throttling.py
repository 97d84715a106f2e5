"""Login throttling: failed logins per username and per client address are counted in
Redis, so a lockout holds across web replicas, and a locked-out attempt is refused
before its password is even checked."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest

from paless_shared.platform.settings import AuthSettings
from paless_web.app import create_app
from paless_web.state import WebConfig
from tests.web.support import assert_problem, with_cheap_password

MAX_FAILURES = 3
MAX_FAILURES_PER_ADDRESS = 5
LOCKOUT_SECONDS = 60

Replica = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
def make_account(make_account, db):
    """Accounts with a cheap password hash, so a test can fail many logins quickly."""

    async def make(**kwargs):
        return await with_cheap_password(db, await make_account(**kwargs))

    return make


@pytest.fixture
async def account(make_account):
    return await make_account()


@pytest.fixture
async def replica(servers) -> AsyncIterator[Replica]:
    """`await replica(address)`: a separate web app (its own process state, the shared
    Postgres and Redis), seen from a client at `address`."""
    config = dataclasses.replace(
        WebConfig.from_env(),
        auth=AuthSettings(
            login_max_failures=MAX_FAILURES,
            login_max_failures_per_address=MAX_FAILURES_PER_ADDRESS,
            login_lockout_seconds=LOCKOUT_SECONDS,
        ),
    )
    async with AsyncExitStack() as stack:

        async def start(address: str = "192.0.2.1") -> httpx.AsyncClient:
            app = create_app(config)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://paless.test")
            )

        yield start


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )


async def test_failures_on_one_replica_lock_the_username_on_another(
    replica: Replica, account, queue
) -> None:
    first, second = await replica(), await replica()

    for _ in range(MAX_FAILURES):
        assert_problem(await login(first, account.username, "wrong"), 401)
    refused = await login(second, account.username, account.password)

    problem = assert_problem(refused, 429)
    assert "too many failed logins" in problem["detail"]
    assert 0 < int(refused.headers["retry-after"]) <= LOCKOUT_SECONDS
    assert "access_token" not in refused.text
    # The state is in Redis, keyed by a hash of the username, not the name itself.
    keys = [key.decode() for key in await queue.keys("paless:login:*")]
    assert any(key.startswith("paless:login:user:") and key.endswith(":locked") for key in keys)
    assert not any(account.username in key for key in keys)


async def test_a_success_clears_the_usernames_count(replica: Replica, account) -> None:
    client = await replica()
    for _ in range(MAX_FAILURES - 1):
        assert_problem(await login(client, account.username, "wrong"), 401)

    assert (await login(client, account.username, account.password)).status_code == 200

    # Counting starts again: as many failures as before are still not a lockout.
    for _ in range(MAX_FAILURES - 1):
        assert_problem(await login(client, account.username, "wrong"), 401)
    assert (await login(client, account.username, account.password)).status_code == 200


async def test_a_lockout_ends_after_its_time(replica: Replica, account, queue) -> None:
    client = await replica()
    for _ in range(MAX_FAILURES):
        assert_problem(await login(client, account.username, "wrong"), 401)
    assert_problem(await login(client, account.username, account.password), 429)

    for key in await queue.keys("paless:login:*"):
        await queue.expire(key, 0)  # what the passing of the lockout time does

    assert (await login(client, account.username, account.password)).status_code == 200


async def test_an_address_guessing_at_many_usernames_is_locked_out(
    replica: Replica, account, make_account
) -> None:
    spraying, elsewhere = await replica("198.51.100.7"), await replica("203.0.113.9")
    others = [await make_account() for _ in range(MAX_FAILURES_PER_ADDRESS)]

    for other in others:
        assert_problem(await login(spraying, other.username, "wrong"), 401)
    from_spraying = await login(spraying, account.username, account.password)
    from_elsewhere = await login(elsewhere, account.username, account.password)

    assert_problem(from_spraying, 429)
    assert from_elsewhere.status_code == 200, from_elsewhere.text


async def test_unknown_usernames_lock_out_like_known_ones(replica: Replica) -> None:
    client = await replica()

    answers = [(await login(client, "nobody", "wrong")).status_code for _ in range(4)]

    assert answers == [401, 401, 401, 429]


async def test_guessing_the_current_password_on_a_change_counts_too(
    replica: Replica, account
) -> None:
    client = await replica()

    answers = []
    for _ in range(MAX_FAILURES + 1):
        response = await client.post(
            "/api/v1/users/me/password",
            headers=account.headers,
            json={"current_password": "guess", "new_password": "a brand new passphrase"},
        )
        answers.append(response.status_code)

    assert answers == [403] * MAX_FAILURES + [429]
    assert_problem(await login(client, account.username, account.password), 429)
