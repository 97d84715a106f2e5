"""Login throttling: failed logins per username and per client address are counted in
Redis, so a lockout holds across web replicas, a locked-out attempt is refused before
its password is even checked, and parallel guesses cannot slip past the count."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest
import uvicorn

from paless_devstack import free_port
from paless_shared.platform.settings import AuthSettings, HttpSettings, WebSettings
from paless_web.app import create_app
from paless_web.main import server_options
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


def throttled_config() -> WebConfig:
    return dataclasses.replace(
        WebConfig.from_env(),
        auth=AuthSettings(
            login_max_failures=MAX_FAILURES,
            login_max_failures_per_address=MAX_FAILURES_PER_ADDRESS,
            login_lockout_seconds=LOCKOUT_SECONDS,
        ),
    )


@pytest.fixture
async def replica(servers) -> AsyncIterator[Replica]:
    """`await replica(address)`: a separate web app (its own process state, the shared
    Postgres and Redis), seen from a client at `address`."""
    config = throttled_config()
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


async def test_parallel_guesses_cannot_pass_the_check_before_one_is_counted(
    replica: Replica, account
) -> None:
    """20 wrong passwords at once, over two replicas: at most the limit of them reach
    the password check; the others are refused with 429."""
    first, second = await replica("192.0.2.10"), await replica("192.0.2.11")

    answers = await asyncio.gather(
        *(login((first, second)[n % 2], account.username, f"guess-{n}") for n in range(20))
    )

    statuses = Counter(answer.status_code for answer in answers)
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[401] <= MAX_FAILURES, statuses
    assert_problem(await login(first, account.username, account.password), 429)


async def test_parallel_guesses_from_one_address_stop_at_its_limit(
    replica: Replica, make_account
) -> None:
    client = await replica("198.51.100.20")
    accounts = [await make_account() for _ in range(4)]

    answers = await asyncio.gather(
        *(login(client, accounts[n % 4].username, "wrong") for n in range(20))
    )

    assert Counter(answer.status_code for answer in answers)[401] <= MAX_FAILURES_PER_ADDRESS


async def test_a_right_password_does_not_count_against_its_address(
    replica: Replica, account
) -> None:
    """Each attempt is counted before its password is checked; a success gives its
    count back, so many users behind one address can log in all day."""
    client = await replica("198.51.100.30")

    for _ in range(3 * MAX_FAILURES_PER_ADDRESS):
        assert (await login(client, account.username, account.password)).status_code == 200


@asynccontextmanager
async def served(forwarded_allow_ips: str) -> AsyncIterator[str]:
    """The app served as paless-web serves it (uvicorn, its options), on a free port."""
    port = free_port()
    web = WebSettings(web_port=port, web_forwarded_allow_ips=forwarded_allow_ips)
    options = server_options(web, HttpSettings(), "warning")
    server = uvicorn.Server(uvicorn.Config(create_app(throttled_config()), **options))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "the server did not start"
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 30)


async def spray_then_log_in(base_url: str, account, others) -> tuple[int, int]:
    """An attacker behind the proxy guesses at other accounts until its address is
    locked; then it, and another client behind the same proxy, log in to `account`."""
    async with httpx.AsyncClient(base_url=base_url) as client:

        async def via_proxy(client_address: str, username: str, password: str) -> int:
            response = await client.post(
                "/api/v1/auth/token",
                data={"username": username, "password": password},
                headers={"X-Forwarded-For": client_address},
            )
            return response.status_code

        for other in others:
            assert await via_proxy("198.51.100.7", other.username, "wrong") == 401
        attacker = await via_proxy("198.51.100.7", account.username, account.password)
        bystander = await via_proxy("203.0.113.9", account.username, account.password)
    return attacker, bystander


async def test_behind_a_trusted_proxy_each_client_has_its_own_address_count(
    servers, account, make_account
) -> None:
    others = [await make_account() for _ in range(MAX_FAILURES_PER_ADDRESS)]

    async with served(forwarded_allow_ips="127.0.0.1") as base_url:
        assert await spray_then_log_in(base_url, account, others) == (429, 200)


async def test_behind_an_untrusted_proxy_every_client_shares_its_address(
    servers, account, make_account
) -> None:
    """What PALESS_WEB_FORWARDED_ALLOW_IPS is for: without it (here it names another
    proxy), X-Forwarded-For is not believed and the proxy's address is everyone's."""
    others = [await make_account() for _ in range(MAX_FAILURES_PER_ADDRESS)]

    async with served(forwarded_allow_ips="192.0.2.99") as base_url:
        assert await spray_then_log_in(base_url, account, others) == (429, 429)
