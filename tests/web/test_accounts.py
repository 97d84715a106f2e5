"""Accounts: your own (profile, password change) and, for admins, everyone's: users
with admin and active flags, groups and their members."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select

from paless_shared.platform.security import verify_password
from paless_shared.tables import (
    ApiToken,
    Correspondent,
    Document,
    DocumentType,
    Group,
    GroupMember,
    Tag,
    User,
)
from tests.pdfs import text_pdf
from tests.web.stored import StoredDocuments
from tests.web.support import (
    assert_problem,
    object_keys,
    send_to_storage,
    start_direct_upload,
    with_cheap_password,
)

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def make_account(make_account, db):
    """Accounts with a cheap password hash: these tests log in a lot."""

    async def make(*args, **kwargs):
        return await with_cheap_password(db, await make_account(*args, **kwargs))

    return make


@pytest.fixture
async def account(make_account):
    return await make_account()


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}
    )


async def token_count(db, user_id: uuid.UUID) -> int:
    async with db() as session:
        count = await session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user_id)
        )
    return int(count or 0)


async def lexemes(db, document_id: str) -> set[str]:
    """The words of a document's stored search vector."""
    async with db() as session:
        words = await session.scalar(
            select(func.tsvector_to_array(Document.search_vector)).where(
                Document.id == uuid.UUID(document_id)
            )
        )
    return set(words or [])


# --- your own account -------------------------------------------------------------------


async def test_me_is_your_account_with_your_groups(client: httpx.AsyncClient, make_account) -> None:
    admin, user = await make_account(admin=True), await make_account()
    group = await client.post(
        "/api/v1/groups",
        headers=admin.headers,
        json={"name": "staff", "member_ids": [str(user.id)]},
    )
    assert group.status_code == 201, group.text

    response = await client.get("/api/v1/users/me", headers=user.headers)

    assert response.status_code == 200, response.text
    me = response.json()
    assert me["id"] == str(user.id)
    assert me["username"] == user.username
    assert (me["is_admin"], me["is_active"]) == (False, True)
    assert [g["name"] for g in me["groups"]] == ["staff"]
    assert "password" not in response.text and "password_hash" not in me


async def test_changing_your_password_revokes_your_other_tokens(
    client: httpx.AsyncClient, account, db
) -> None:
    other = (await login(client, account.username, account.password)).json()["access_token"]
    assert await token_count(db, account.id) == 2

    response = await client.post(
        "/api/v1/users/me/password",
        headers=account.headers,
        json={"current_password": account.password, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 204, response.text
    # The token the change was made with still works; the other one is gone.
    assert (await client.get("/api/v1/users/me", headers=account.headers)).status_code == 200
    refused = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {other}"})
    assert_problem(refused, 401)
    assert await token_count(db, account.id) == 1
    assert_problem(await login(client, account.username, account.password), 401)
    assert (await login(client, account.username, NEW_PASSWORD)).status_code == 200


async def test_a_wrong_current_password_is_a_403_and_changes_nothing(
    client: httpx.AsyncClient, account, db
) -> None:
    response = await client.post(
        "/api/v1/users/me/password",
        headers=account.headers,
        json={"current_password": "not it", "new_password": NEW_PASSWORD},
    )

    problem = assert_problem(response, 403)
    assert "current password" in problem["detail"]
    async with db() as session:
        user = await session.get(User, account.id)
    assert user is not None and verify_password(account.password, user.password_hash)


async def test_a_new_password_under_the_minimum_length_is_a_422(
    client: httpx.AsyncClient, account
) -> None:
    response = await client.post(
        "/api/v1/users/me/password",
        headers=account.headers,
        json={"current_password": account.password, "new_password": "short"},
    )

    problem = assert_problem(response, 422)
    assert "at least 12 characters" in problem["detail"]


# --- admins manage users ----------------------------------------------------------------

ADMIN_ONLY = [
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", {"username": "eve", "password": NEW_PASSWORD}),
    ("GET", "/api/v1/users/{self}", None),
    ("PATCH", "/api/v1/users/{self}", {"is_admin": True}),
    ("DELETE", "/api/v1/users/{self}", None),
    ("GET", "/api/v1/groups", None),
    ("POST", "/api/v1/groups", {"name": "mine"}),
    ("PUT", "/api/v1/groups/{group}/members/{self}", None),
]


async def test_admin_routes_are_403_for_other_users(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, user = await make_account(admin=True), await make_account()
    group = await client.post("/api/v1/groups", headers=admin.headers, json={"name": "g"})

    for method, template, body in ADMIN_ONLY:
        path = template.format(self=user.id, group=group.json()["id"])
        response = await client.request(method, path, headers=user.headers, json=body)

        assert_problem(response, 403)
    async with db() as session:
        me = await session.get(User, user.id)
        members = await session.scalar(select(func.count()).select_from(GroupMember))
    assert me is not None and not me.is_admin
    assert members == 0


async def test_admin_creates_a_user_who_can_log_in(client: httpx.AsyncClient, make_account) -> None:
    admin = await make_account(admin=True)

    response = await client.post(
        "/api/v1/users",
        headers=admin.headers,
        json={"username": "carol", "password": NEW_PASSWORD},
    )

    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["username"], created["is_admin"], created["is_active"]) == (
        "carol",
        False,
        True,
    )
    assert (await login(client, "carol", NEW_PASSWORD)).status_code == 200
    fetched = await client.get(f"/api/v1/users/{created['id']}", headers=admin.headers)
    assert fetched.json() == {**created, "groups": []}


async def test_a_user_that_cannot_be_created_is_a_problem(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin = await make_account(admin=True)
    refused = [
        ({"username": admin.username, "password": NEW_PASSWORD}, 409),
        ({"username": "dave", "password": "too short"}, 422),
        ({"username": "has space", "password": NEW_PASSWORD}, 422),
    ]

    for body, status in refused:
        response = await client.post("/api/v1/users", headers=admin.headers, json=body)

        assert_problem(response, status)
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_users_are_listed_a_page_at_a_time(client: httpx.AsyncClient, make_account) -> None:
    admin = await make_account("admin", admin=True)
    for name in ("u1", "u2", "u3"):
        await make_account(name)

    first = await client.get("/api/v1/users", params={"limit": 2}, headers=admin.headers)
    second = await client.get(
        "/api/v1/users",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=admin.headers,
    )

    assert first.status_code == second.status_code == 200
    names = [user["username"] for user in first.json()["items"] + second.json()["items"]]
    assert names == ["admin", "u1", "u2", "u3"]
    assert second.json()["next_cursor"] is None


async def test_deactivating_a_user_stops_their_tokens_and_logins(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, user = await make_account(admin=True), await make_account()

    response = await client.patch(
        f"/api/v1/users/{user.id}", headers=admin.headers, json={"is_active": False}
    )

    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    assert_problem(await client.get("/api/v1/users/me", headers=user.headers), 401)
    assert_problem(await login(client, user.username, user.password), 401)
    assert await token_count(db, user.id) == 0


async def test_an_admin_password_reset_revokes_the_users_tokens(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, user = await make_account(admin=True), await make_account()

    response = await client.patch(
        f"/api/v1/users/{user.id}", headers=admin.headers, json={"password": NEW_PASSWORD}
    )

    assert response.status_code == 200, response.text
    assert_problem(await client.get("/api/v1/users/me", headers=user.headers), 401)
    assert await token_count(db, user.id) == 0
    assert (await login(client, user.username, NEW_PASSWORD)).status_code == 200


async def test_promoting_a_user_to_admin(client: httpx.AsyncClient, make_account) -> None:
    admin, user = await make_account(admin=True), await make_account()

    response = await client.patch(
        f"/api/v1/users/{user.id}", headers=admin.headers, json={"is_admin": True}
    )

    assert response.json()["is_admin"] is True
    assert (await client.get("/api/v1/users", headers=user.headers)).status_code == 200


async def test_an_admin_cannot_demote_deactivate_or_delete_themselves(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin = await make_account(admin=True)

    for method, body in (
        ("PATCH", {"is_admin": False}),
        ("PATCH", {"is_active": False}),
        ("DELETE", None),
    ):
        response = await client.request(
            method, f"/api/v1/users/{admin.id}", headers=admin.headers, json=body
        )

        assert_problem(response, 409)
    async with db() as session:
        row = await session.get(User, admin.id)
    assert row is not None and row.is_admin and row.is_active


async def test_deleting_a_user_removes_their_tokens_and_memberships(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, user = await make_account(admin=True), await make_account()
    await client.post(
        "/api/v1/groups", headers=admin.headers, json={"name": "g", "member_ids": [str(user.id)]}
    )

    response = await client.delete(f"/api/v1/users/{user.id}", headers=admin.headers)

    assert response.status_code == 204, response.text
    assert_problem(await client.get(f"/api/v1/users/{user.id}", headers=admin.headers), 404)
    assert await token_count(db, user.id) == 0
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(GroupMember)) == 0


async def test_deleting_a_user_leaves_no_trace_of_their_names_in_search(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, owner, leaving = (
        await make_account(admin=True),
        await make_account(),
        await make_account(),
    )
    stored = StoredDocuments(db)
    tag = await stored.add_object(leaving, Tag, "zebracrossing")
    correspondent = await stored.add_object(leaving, Correspondent, "okapiholdings")
    kind = await stored.add_object(leaving, DocumentType, "quaggaform")
    for path in (f"tags/{tag}", f"correspondents/{correspondent}", f"document_types/{kind}"):
        shared = await client.put(
            f"/api/v1/{path}/permissions",
            headers=leaving.headers,
            json={"owner": str(leaving.id), "view": {"users": [str(owner.id)]}},
        )
        assert shared.status_code == 200, shared.text
    document_id = await stored.add(
        owner, "Scan", tags=[tag], correspondent=correspondent, document_type=kind
    )
    for name in ("zebracrossing", "okapiholdings", "quaggaform"):
        assert await found_by(client, owner, name) == [str(document_id)], name

    response = await client.delete(f"/api/v1/users/{leaving.id}", headers=admin.headers)

    assert response.status_code == 204, response.text
    for name in ("zebracrossing", "okapiholdings", "quaggaform"):
        assert await found_by(client, owner, name) == [], name
        assert name not in await lexemes(db, document_id)


async def found_by(client: httpx.AsyncClient, account, q: str) -> list[str]:
    response = await client.get("/api/v1/documents", headers=account.headers, params={"q": q})
    assert response.status_code == 200, response.text
    return [document["id"] for document in response.json()["items"]]


async def test_deleting_a_user_removes_the_objects_of_their_direct_uploads(
    client: httpx.AsyncClient, make_account, storage, run_worker
) -> None:
    admin, leaving = await make_account(admin=True), await make_account()
    sent = await start_direct_upload(client, leaving)
    await send_to_storage(sent, text_pdf("sent, never completed"))
    never_sent = await start_direct_upload(client, leaving)
    # What a completion that copied but never committed leaves at the document's key.
    copied = f"originals/{never_sent['upload_id']}.pdf"
    await storage.put_bytes(copied, text_pdf("copied"), "application/pdf")

    response = await client.delete(f"/api/v1/users/{leaving.id}", headers=admin.headers)
    assert response.status_code == 204, response.text
    await run_worker()

    for key in (sent["fields"]["key"], copied):
        assert await object_keys(storage, key) == set(), key


async def test_a_user_who_owns_documents_is_deactivated_not_deleted(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, user = await make_account(admin=True), await make_account()
    async with db() as session:
        session.add(
            Document(
                owner_id=user.id,
                title="kept",
                original_filename="kept.pdf",
                mime_type="application/pdf",
                size_bytes=1,
                original_key=f"originals/{uuid.uuid4()}",
            )
        )
        await session.commit()

    response = await client.delete(f"/api/v1/users/{user.id}", headers=admin.headers)

    problem = assert_problem(response, 409)
    assert "deactivate" in problem["detail"]
    async with db() as session:
        assert await session.get(User, user.id) is not None
        assert await session.scalar(select(func.count()).select_from(Document)) == 1


# --- groups -----------------------------------------------------------------------------


async def test_groups_and_their_members(client: httpx.AsyncClient, make_account, db) -> None:
    admin = await make_account(admin=True)
    alice, bob = await make_account("alice"), await make_account("bob")

    created = await client.post(
        "/api/v1/groups",
        headers=admin.headers,
        json={"name": "accounting", "member_ids": [str(alice.id)]},
    )
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    members = f"/api/v1/groups/{group_id}/members"

    for _ in range(2):  # adding twice is harmless
        added = await client.put(f"{members}/{bob.id}", headers=admin.headers)
        assert added.status_code == 204, added.text
    removed = await client.delete(f"{members}/{alice.id}", headers=admin.headers)
    assert removed.status_code == 204
    renamed = await client.patch(
        f"/api/v1/groups/{group_id}", headers=admin.headers, json={"name": "finance"}
    )

    assert renamed.status_code == 200, renamed.text
    group = (await client.get(f"/api/v1/groups/{group_id}", headers=admin.headers)).json()
    assert group["name"] == "finance"
    assert [member["username"] for member in group["members"]] == ["bob"]
    listed = await client.get("/api/v1/groups", headers=admin.headers)
    assert [g["name"] for g in listed.json()["items"]] == ["finance"]
    async with db() as session:
        rows = (await session.execute(select(GroupMember.user_id))).scalars().all()
    assert rows == [bob.id]


async def test_deleting_a_group_removes_its_memberships_not_its_members(
    client: httpx.AsyncClient, make_account, db
) -> None:
    admin, user = await make_account(admin=True), await make_account()
    created = await client.post(
        "/api/v1/groups", headers=admin.headers, json={"name": "g", "member_ids": [str(user.id)]}
    )

    response = await client.delete(f"/api/v1/groups/{created.json()['id']}", headers=admin.headers)

    assert response.status_code == 204
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Group)) == 0
        assert await session.scalar(select(func.count()).select_from(GroupMember)) == 0
        assert await session.get(User, user.id) is not None


async def test_name_conflicts_are_409_and_unknown_ids_404(
    client: httpx.AsyncClient, make_account
) -> None:
    admin = await make_account(admin=True)
    first = (await client.post("/api/v1/groups", headers=admin.headers, json={"name": "a"})).json()
    await client.post("/api/v1/groups", headers=admin.headers, json={"name": "b"})
    missing = uuid.uuid4()

    duplicate = await client.post("/api/v1/groups", headers=admin.headers, json={"name": "a"})
    rename_to_taken = await client.patch(
        f"/api/v1/groups/{first['id']}", headers=admin.headers, json={"name": "b"}
    )
    unknown_member = await client.put(
        f"/api/v1/groups/{first['id']}/members/{missing}", headers=admin.headers
    )
    unknown_group = await client.get(f"/api/v1/groups/{missing}", headers=admin.headers)
    unknown_initial_member = await client.post(
        "/api/v1/groups", headers=admin.headers, json={"name": "c", "member_ids": [str(missing)]}
    )

    assert_problem(duplicate, 409)
    assert_problem(rename_to_taken, 409)
    assert_problem(unknown_member, 404)
    assert_problem(unknown_group, 404)
    assert_problem(unknown_initial_member, 404)
    for method, body in (("GET", None), ("PATCH", {"is_admin": True}), ("DELETE", None)):
        response = await client.request(
            method, f"/api/v1/users/{missing}", headers=admin.headers, json=body
        )
        assert_problem(response, 404)
    listed = await client.get("/api/v1/groups", headers=admin.headers)
    assert [g["name"] for g in listed.json()["items"]] == ["a", "b"]
