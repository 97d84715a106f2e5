"""Logging in for a bearer token, and what the API does with bad or stale tokens."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, text, update

from paless_shared.tables import ApiToken, User
from tests.web.support import assert_problem


async def test_login_with_a_form_returns_a_bearer_token_that_authenticates(
    client: httpx.AsyncClient, account
) -> None:
    response = await client.post(
        "/api/v1/auth/token",
        data={"username": account.username, "password": account.password},
    )

    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer"
    listed = await client.get(
        "/api/v1/documents", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert listed.status_code == 200


async def test_login_with_json_returns_a_token_valid_for_the_configured_lifetime(
    client: httpx.AsyncClient, account
) -> None:
    before = datetime.now(UTC)

    response = await client.post(
        "/api/v1/auth/token",
        json={"username": account.username, "password": account.password},
    )

    assert response.status_code == 200, response.text
    token = response.json()
    expires_at = datetime.fromisoformat(token["expires_at"])
    # The default lifetime is 30 days (PALESS_TOKEN_TTL_SECONDS).
    assert before + timedelta(days=30) <= expires_at <= datetime.now(UTC) + timedelta(days=30)
    listed = await client.get(
        "/api/v1/documents", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert listed.status_code == 200


async def test_wrong_password_is_a_401_problem_asking_for_a_bearer_token(
    client: httpx.AsyncClient, account
) -> None:
    response = await client.post(
        "/api/v1/auth/token",
        data={"username": account.username, "password": account.password + "x"},
    )

    problem = assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert problem["detail"] == "incorrect username or password"
    assert "access_token" not in problem


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: httpx.AsyncClient, account
) -> None:
    wrong_password = await client.post(
        "/api/v1/auth/token",
        json={"username": account.username, "password": "not-the-password"},
    )
    unknown_user = await client.post(
        "/api/v1/auth/token",
        json={"username": "nobody-" + account.username, "password": "not-the-password"},
    )

    assert_problem(unknown_user, 401)
    assert unknown_user.json() == wrong_password.json()
    assert unknown_user.headers["www-authenticate"] == wrong_password.headers["www-authenticate"]


@pytest.mark.parametrize(
    "body",
    [{"username": "someone"}, {"password": "secret"}, {"username": "", "password": "x"}],
    ids=["no-password", "no-username", "empty-username"],
)
async def test_login_without_both_credentials_is_a_422_problem(
    client: httpx.AsyncClient, body: dict[str, str]
) -> None:
    response = await client.post("/api/v1/auth/token", json=body)

    assert_problem(response, 422)


async def test_login_with_a_body_that_is_not_json_is_a_422_problem(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/auth/token",
        content=b"username=x&password",
        headers={"Content-Type": "application/json"},
    )

    assert_problem(response, 422)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "not-a-scheme"],
    ids=["no-header", "garbage-token", "empty-token", "basic-auth", "no-scheme"],
)
async def test_request_without_a_valid_token_is_a_401_problem(
    client: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = await client.get("/api/v1/documents", headers=headers)

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_token_is_refused(client: httpx.AsyncClient, account, db) -> None:
    async with db() as session:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == account.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    response = await client.get("/api/v1/documents", headers=account.headers)

    problem = assert_problem(response, 401)
    assert "expired" in problem["detail"]


async def test_token_of_a_deactivated_user_is_refused(
    client: httpx.AsyncClient, account, db
) -> None:
    async with db() as session:
        await session.execute(update(User).where(User.id == account.id).values(is_active=False))
        await session.commit()

    response = await client.get("/api/v1/documents", headers=account.headers)

    assert_problem(response, 401)


async def test_a_token_is_stored_only_as_its_sha256(client: httpx.AsyncClient, account, db) -> None:
    secret = account.headers["Authorization"].removeprefix("Bearer ")

    async with db() as session:
        hashes = (
            await session.scalars(select(ApiToken.token_hash).where(ApiToken.user_id == account.id))
        ).all()
        # Every column of every token row, as text: the secret is in none of them.
        rows = (await session.execute(text("SELECT t::text FROM api_tokens AS t"))).scalars()
        stored = "\n".join(rows)

    assert hashes == [hashlib.sha256(secret.encode()).hexdigest()]
    assert secret not in stored


async def test_using_a_token_records_when_it_was_last_used(
    client: httpx.AsyncClient, account, db
) -> None:
    async with db() as session:
        before = await session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.user_id == account.id)
        )

    response = await client.get("/api/v1/documents", headers=account.headers)

    assert response.status_code == 200
    async with db() as session:
        after = await session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.user_id == account.id)
        )
    assert before is None
    assert after is not None


async def test_a_token_used_again_within_a_minute_is_not_written_again(
    client: httpx.AsyncClient, account, db
) -> None:
    async def last_used() -> datetime | None:
        async with db() as session:
            return await session.scalar(
                select(ApiToken.last_used_at).where(ApiToken.user_id == account.id)
            )

    first = await client.get("/api/v1/users/me", headers=account.headers)
    recorded = await last_used()
    again = await client.get("/api/v1/users/me", headers=account.headers)
    listed = await client.get("/api/v1/tokens", headers=account.headers)

    assert first.status_code == again.status_code == listed.status_code == 200
    assert recorded is not None
    assert await last_used() == recorded  # the second use wrote nothing
    # What the API reports is that first use (it is at most a minute old).
    [token] = listed.json()["items"]
    assert datetime.fromisoformat(token["last_used_at"]) == recorded

    # Once the last record is older than a minute, the next use writes again.
    async with db() as session:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == account.id)
            .values(last_used_at=recorded - timedelta(minutes=2))
        )
        await session.commit()
    later = await client.get("/api/v1/users/me", headers=account.headers)

    assert later.status_code == 200
    refreshed = await last_used()
    assert refreshed is not None and refreshed > recorded
