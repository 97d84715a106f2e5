"""API tokens a user manages: named, optionally expiring, listed without their secret,
revoked at once."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, text, update

from paless_shared.tables import ApiToken
from tests.web.support import assert_problem


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def create_token(client: httpx.AsyncClient, account, **body) -> dict:
    response = await client.post("/api/v1/tokens", headers=account.headers, json=body)
    assert response.status_code == 201, response.text
    created: dict = response.json()
    return created


async def test_a_new_token_shows_its_secret_once_and_authenticates(
    client: httpx.AsyncClient, account, db
) -> None:
    before = datetime.now(UTC)

    created = await create_token(client, account, name="backup script", expires_in_days=90)

    assert created["name"] == "backup script"
    expires_at = datetime.fromisoformat(created["expires_at"])
    assert before + timedelta(days=90) <= expires_at <= datetime.now(UTC) + timedelta(days=90)
    me = await client.get("/api/v1/users/me", headers=bearer(created["token"]))
    assert me.status_code == 200, me.text
    assert me.json()["username"] == account.username
    async with db() as session:
        row = await session.get(ApiToken, created["id"])
        stored = (await session.execute(text("SELECT t::text FROM api_tokens AS t"))).scalars()
        everything = "\n".join(stored)
    assert row is not None and row.user_id == account.id
    assert row.token_hash == hashlib.sha256(created["token"].encode()).hexdigest()
    assert created["token"] not in everything


async def test_listing_shows_names_and_times_but_never_a_secret(
    client: httpx.AsyncClient, account
) -> None:
    created = await create_token(client, account, name="scanner")

    response = await client.get("/api/v1/tokens", headers=account.headers)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["name"] for item in items] == ["scanner", "test"]
    for item in items:
        assert set(item) == {"id", "name", "created_at", "last_used_at", "expires_at", "current"}
    assert created["token"] not in response.text
    assert account.headers["Authorization"].removeprefix("Bearer ") not in response.text
    # The token this request came with is marked; one without expiry has none.
    assert [item["current"] for item in items] == [False, True]
    assert items[0]["expires_at"] is None

    # A page at a time: next_cursor leads on, and is null on the last page.
    first = await client.get("/api/v1/tokens", params={"limit": 1}, headers=account.headers)
    cursor = first.json()["next_cursor"]
    second = await client.get(
        "/api/v1/tokens", params={"limit": 1, "cursor": cursor}, headers=account.headers
    )
    pages = [item["name"] for item in first.json()["items"] + second.json()["items"]]
    assert pages == ["scanner", "test"]
    assert second.json()["next_cursor"] is None


async def test_a_revoked_token_is_refused_on_the_very_next_request(
    client: httpx.AsyncClient, account, db
) -> None:
    created = await create_token(client, account, name="to revoke")
    assert (await client.get("/api/v1/tokens", headers=bearer(created["token"]))).status_code == 200

    revoked = await client.delete(f"/api/v1/tokens/{created['id']}", headers=account.headers)

    assert revoked.status_code == 204
    refused = await client.get("/api/v1/tokens", headers=bearer(created["token"]))
    assert_problem(refused, 401)
    async with db() as session:
        assert await session.get(ApiToken, created["id"]) is None
    # The token used to revoke it keeps working.
    assert (await client.get("/api/v1/tokens", headers=account.headers)).status_code == 200


async def test_revoking_the_token_in_use_logs_out(client: httpx.AsyncClient, account) -> None:
    listed = await client.get("/api/v1/tokens", headers=account.headers)
    (current,) = [item for item in listed.json()["items"] if item["current"]]

    revoked = await client.delete(f"/api/v1/tokens/{current['id']}", headers=account.headers)

    assert revoked.status_code == 204
    assert_problem(await client.get("/api/v1/tokens", headers=account.headers), 401)


async def test_another_users_token_is_not_found_and_keeps_working(
    client: httpx.AsyncClient, make_account
) -> None:
    alice, bob = await make_account(), await make_account()
    bobs = await create_token(client, bob, name="bob's")

    response = await client.delete(f"/api/v1/tokens/{bobs['id']}", headers=alice.headers)

    assert_problem(response, 404)
    assert (await client.get("/api/v1/tokens", headers=bearer(bobs["token"]))).status_code == 200
    listed = await client.get("/api/v1/tokens", headers=alice.headers)
    assert bobs["id"] not in {item["id"] for item in listed.json()["items"]}


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, account, db) -> None:
    created = await create_token(client, account, name="short-lived", expires_in_days=1)
    async with db() as session:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == created["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    response = await client.get("/api/v1/users/me", headers=bearer(created["token"]))

    problem = assert_problem(response, 401)
    assert "expired" in problem["detail"]


INVALID_REQUESTS = [
    {"name": "past", "expires_at": "2020-01-01T00:00:00Z"},
    {"name": "past, without an offset", "expires_at": "2020-01-01T00:00:00"},
    {"name": "both", "expires_at": "2030-01-01T00:00:00Z", "expires_in_days": 3},
    {"name": "zero days", "expires_in_days": 0},
    {"name": ""},
    {"name": "unknown field", "scopes": ["all"]},
]


async def test_expiry_is_a_future_time_or_a_number_of_days(
    client: httpx.AsyncClient, account, db
) -> None:
    for body in INVALID_REQUESTS:
        response = await client.post("/api/v1/tokens", headers=account.headers, json=body)

        assert_problem(response, 422)
    async with db() as session:
        names = (await session.scalars(select(ApiToken.name))).all()
    assert names == ["test"]

    until = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    created = await create_token(client, account, name="until", expires_at=until.isoformat())
    assert datetime.fromisoformat(created["expires_at"]) == until
    # Without an offset, the time is read as UTC (as every date-time the API takes).
    naive = until.replace(tzinfo=None).isoformat()
    created = await create_token(client, account, name="naive", expires_at=naive)
    assert datetime.fromisoformat(created["expires_at"]) == until


async def test_using_a_token_records_when(client: httpx.AsyncClient, account) -> None:
    created = await create_token(client, account, name="used")
    assert created["last_used_at"] is None

    await client.get("/api/v1/users/me", headers=bearer(created["token"]))

    listed = await client.get("/api/v1/tokens", headers=account.headers)
    (used,) = [item for item in listed.json()["items"] if item["id"] == created["id"]]
    assert used["last_used_at"] is not None
