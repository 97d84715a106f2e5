"""Share links against real SeaweedFS: a public, unguessable link that redirects to the
original until it expires, is revoked or its document goes to the trash; who may
create one; and what the audit log records of sharing and of permission changes."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.tables import Grant, Permission, ShareLink, User
from tests.conftest import Account
from tests.pdfs import text_pdf
from tests.web.stored import StoredDocuments, running_app
from tests.web.support import assert_problem, fetch


@pytest.fixture(scope="module")
async def client(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as shared:
        yield shared


@pytest.fixture
async def owner(make_account: Any) -> Account:
    account: Account = await make_account()
    return account


@pytest.fixture
async def original(
    owner: Account, db: async_sessionmaker[AsyncSession], storage: Any
) -> tuple[str, bytes]:
    """A document of the owner's whose original is in S3: (id, bytes)."""
    content = text_pdf("shared with the world")
    document_id = await StoredDocuments(db).add(owner, "Lease", filename="lease.pdf")
    await storage.put_bytes(f"originals/{document_id}.pdf", content, "application/pdf")
    return document_id, content


async def grant(
    db: async_sessionmaker[AsyncSession], document_id: str, user: Account, permission: Permission
) -> None:
    async with db() as session:
        await session.execute(
            insert(Grant).values(
                object_type="document",
                object_id=uuid.UUID(document_id),
                user_id=user.id,
                permission=permission,
            )
        )
        await session.commit()


async def share(
    client: httpx.AsyncClient, account: Account, document_id: str, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/documents/{document_id}/share_links", headers=account.headers, json=body
    )
    assert response.status_code == 201, response.text
    link: dict[str, Any] = response.json()
    return link


async def open_link(client: httpx.AsyncClient, link: dict[str, Any]) -> httpx.Response:
    """GET the link as someone without an account would."""
    return await client.get(link["url"])


async def history(
    client: httpx.AsyncClient, account: Account, document_id: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/documents/{document_id}/history",
        headers=account.headers,
        params={"limit": 200},
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["items"]
    return events


async def test_a_link_redirects_anyone_to_the_original_bytes(
    client: httpx.AsyncClient, owner: Account, original: tuple[str, bytes], servers: Any
) -> None:
    document_id, content = original
    link = await share(client, owner, document_id)

    response = await open_link(client, link)

    assert link["url"] == f"/share/{link['slug']}"
    assert link["document_id"] == document_id
    assert link["created_by"] == str(owner.id)
    assert response.status_code == 307
    location = response.headers["location"]
    assert location.startswith(f"{servers.s3_endpoint_url}/{servers.bucket}/originals/")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    fetched = await fetch(location)
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["content-disposition"].startswith("attachment;")
    assert "lease.pdf" in fetched.headers["content-disposition"]


async def test_slugs_are_url_safe_carry_at_least_128_random_bits_and_differ(
    client: httpx.AsyncClient, owner: Account, original: tuple[str, bytes]
) -> None:
    document_id, _ = original

    slugs = [(await share(client, owner, document_id))["slug"] for _ in range(3)]

    assert len(set(slugs)) == 3
    for slug in slugs:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", slug), slug
        assert len(base64.urlsafe_b64decode(slug + "=" * (-len(slug) % 4))) >= 16


async def test_an_unknown_slug_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/share/" + "A" * 43)

    assert_problem(response, 404)


async def test_a_link_works_until_it_expires(
    client: httpx.AsyncClient,
    owner: Account,
    original: tuple[str, bytes],
    db: async_sessionmaker[AsyncSession],
) -> None:
    document_id, _ = original
    expires_at = datetime.now(UTC) + timedelta(hours=1)
    link = await share(client, owner, document_id, expires_at=expires_at.isoformat())
    assert datetime.fromisoformat(link["expires_at"]) == expires_at
    assert (await open_link(client, link)).status_code == 307

    async with db() as session:
        await session.execute(
            update(ShareLink)
            .where(ShareLink.id == uuid.UUID(link["id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    assert_problem(await open_link(client, link), 404)


async def test_a_link_cannot_be_created_already_expired(
    client: httpx.AsyncClient, owner: Account, original: tuple[str, bytes]
) -> None:
    document_id, _ = original
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()

    response = await client.post(
        f"/api/v1/documents/{document_id}/share_links",
        headers=owner.headers,
        json={"expires_at": past},
    )

    assert_problem(response, 422)


async def test_a_revoked_link_is_404_from_the_very_next_request(
    client: httpx.AsyncClient, owner: Account, original: tuple[str, bytes]
) -> None:
    document_id, _ = original
    link = await share(client, owner, document_id)
    assert (await open_link(client, link)).status_code == 307

    revoked = await client.delete(f"/api/v1/share_links/{link['id']}", headers=owner.headers)
    opened = await open_link(client, link)

    assert revoked.status_code == 204
    assert_problem(opened, 404)
    listed = await client.get(f"/api/v1/documents/{document_id}/share_links", headers=owner.headers)
    assert listed.status_code == 200
    (entry,) = listed.json()["items"]
    assert entry["id"] == link["id"]
    assert entry["revoked_at"] is not None


async def test_a_link_to_a_trashed_document_is_404(
    client: httpx.AsyncClient, owner: Account, original: tuple[str, bytes]
) -> None:
    document_id, _ = original
    link = await share(client, owner, document_id)

    trashed = await client.delete(f"/api/v1/documents/{document_id}", headers=owner.headers)

    assert trashed.status_code == 204
    assert_problem(await open_link(client, link), 404)


async def test_a_viewer_may_share_and_revoke_their_own_link_but_not_the_owners(
    client: httpx.AsyncClient,
    owner: Account,
    make_account: Any,
    original: tuple[str, bytes],
    db: async_sessionmaker[AsyncSession],
) -> None:
    document_id, _ = original
    viewer = await make_account()
    await grant(db, document_id, viewer, Permission.view)
    owners_link = await share(client, owner, document_id)

    viewers_link = await share(client, viewer, document_id)
    own = await client.delete(f"/api/v1/share_links/{viewers_link['id']}", headers=viewer.headers)
    others = await client.delete(f"/api/v1/share_links/{owners_link['id']}", headers=viewer.headers)

    assert viewers_link["created_by"] == str(viewer.id)
    assert own.status_code == 204
    assert_problem(others, 403)
    assert (await open_link(client, owners_link)).status_code == 307


async def take_access_away(
    how: str,
    client: httpx.AsyncClient,
    db: async_sessionmaker[AsyncSession],
    owner: Account,
    viewer: Account,
    document_id: str,
) -> None:
    if how == "grant revoked":
        response = await client.put(
            f"/api/v1/documents/{document_id}/permissions",
            headers=owner.headers,
            json={
                "owner": str(owner.id),
                "view": {"users": [], "groups": []},
                "change": {"users": [], "groups": []},
            },
        )
        assert response.status_code == 200, response.text
        return
    async with db() as session:
        if how == "user deactivated":
            await session.execute(update(User).where(User.id == viewer.id).values(is_active=False))
        else:
            await session.execute(delete(User).where(User.id == viewer.id))
        await session.commit()


@pytest.mark.parametrize("how", ["grant revoked", "user deactivated", "user deleted"])
async def test_a_link_works_only_while_its_creator_may_view_the_document(
    client: httpx.AsyncClient,
    owner: Account,
    make_account: Any,
    original: tuple[str, bytes],
    db: async_sessionmaker[AsyncSession],
    how: str,
) -> None:
    document_id, _ = original
    viewer = await make_account()
    await grant(db, document_id, viewer, Permission.view)
    viewers_link = await share(client, viewer, document_id)
    owners_link = await share(client, owner, document_id)
    assert (await open_link(client, viewers_link)).status_code == 307

    await take_access_away(how, client, db, owner, viewer, document_id)

    assert_problem(await open_link(client, viewers_link), 404)
    assert (await open_link(client, owners_link)).status_code == 307


async def test_a_link_made_by_an_admin_works_while_the_admin_is_active(
    client: httpx.AsyncClient,
    make_account: Any,
    original: tuple[str, bytes],
    db: async_sessionmaker[AsyncSession],
) -> None:
    document_id, _ = original
    admin = await make_account(admin=True)
    link = await share(client, admin, document_id)
    assert (await open_link(client, link)).status_code == 307

    async with db() as session:
        await session.execute(update(User).where(User.id == admin.id).values(is_active=False))
        await session.commit()

    assert_problem(await open_link(client, link), 404)


async def test_a_viewer_lists_only_their_own_links_the_owner_and_a_changer_all(
    client: httpx.AsyncClient,
    owner: Account,
    make_account: Any,
    original: tuple[str, bytes],
    db: async_sessionmaker[AsyncSession],
) -> None:
    document_id, _ = original
    viewer, changer = await make_account(), await make_account()
    await grant(db, document_id, viewer, Permission.view)
    await grant(db, document_id, changer, Permission.change)
    owners = await share(client, owner, document_id)
    viewers = await share(client, viewer, document_id)
    path = f"/api/v1/documents/{document_id}/share_links"

    async def listed(account: Account) -> set[str]:
        response = await client.get(path, headers=account.headers)
        assert response.status_code == 200, response.text
        return {item["slug"] for item in response.json()["items"]}

    assert await listed(viewer) == {viewers["slug"]}
    assert await listed(owner) == {owners["slug"], viewers["slug"]}
    assert await listed(changer) == {owners["slug"], viewers["slug"]}


async def test_a_stranger_can_neither_share_nor_list_nor_revoke(
    client: httpx.AsyncClient,
    owner: Account,
    make_account: Any,
    original: tuple[str, bytes],
) -> None:
    document_id, _ = original
    stranger = await make_account()
    link = await share(client, owner, document_id)
    path = f"/api/v1/documents/{document_id}/share_links"

    assert_problem(await client.post(path, headers=stranger.headers, json={}), 404)
    assert_problem(await client.get(path, headers=stranger.headers), 404)
    assert_problem(
        await client.delete(f"/api/v1/share_links/{link['id']}", headers=stranger.headers), 404
    )
    listed = await client.get(path, headers=owner.headers)
    assert [item["id"] for item in listed.json()["items"]] == [link["id"]]


async def test_history_records_the_share_and_each_download_through_the_link(
    client: httpx.AsyncClient, owner: Account, original: tuple[str, bytes]
) -> None:
    document_id, _ = original
    link = await share(client, owner, document_id)
    for _ in range(2):
        assert (await open_link(client, link)).status_code == 307

    events = await history(client, owner, document_id)

    shared = [event for event in events if event["action"] == "document.shared"]
    downloads = [event for event in events if event["action"] == "document.downloaded"]
    assert len(shared) == 1
    assert shared[0]["actor"] == str(owner.id)
    assert shared[0]["object_type"] == "share_link"
    assert shared[0]["object_id"] == link["id"]
    assert len(downloads) == 2
    for download in downloads:
        assert download["actor"] is None  # no account: whoever had the link
        assert download["object_id"] == link["id"]
        assert download["details"] == {"via": "share_link"}
    assert events.index(shared[0]) > events.index(downloads[0])  # newest first


async def test_history_records_a_permission_change_with_before_and_after(
    client: httpx.AsyncClient,
    owner: Account,
    make_account: Any,
    original: tuple[str, bytes],
) -> None:
    document_id, _ = original
    viewer = await make_account()
    body = {
        "owner": str(owner.id),
        "view": {"users": [str(viewer.id)], "groups": []},
        "change": {"users": [], "groups": []},
    }

    response = await client.put(
        f"/api/v1/documents/{document_id}/permissions", headers=owner.headers, json=body
    )

    assert response.status_code == 200, response.text
    assert response.json() == body
    (changed,) = [
        event
        for event in await history(client, viewer, document_id)
        if event["action"] == "permissions.changed"
    ]
    assert changed["actor"] == str(owner.id)
    assert changed["details"]["before"]["view"]["users"] == []
    assert changed["details"]["after"]["view"]["users"] == [str(viewer.id)]


async def test_the_audit_log_is_for_admins_only(client: httpx.AsyncClient, owner: Account) -> None:
    assert_problem(await client.get("/api/v1/audit", headers=owner.headers), 403)
    assert_problem(await client.get("/api/v1/audit"), 401)


async def test_the_audit_log_pages_through_every_event_once_newest_first(
    client: httpx.AsyncClient,
    owner: Account,
    make_account: Any,
    original: tuple[str, bytes],
) -> None:
    document_id, _ = original
    admin = await make_account(admin=True)
    links = [await share(client, owner, document_id) for _ in range(5)]
    await open_link(client, links[0])
    # The audit log outlives the tables emptied between tests: look at this document's.
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(20):
        params: dict[str, Any] = {"document_id": document_id, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await client.get("/api/v1/audit", headers=admin.headers, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 2
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == len({event["id"] for event in seen}) == 6
    assert [event["action"] for event in seen] == ["document.downloaded"] + ["document.shared"] * 5
    assert [event["object_id"] for event in seen[1:]] == [link["id"] for link in reversed(links)]
    times = [datetime.fromisoformat(event["at"]) for event in seen]
    assert times == sorted(times, reverse=True)
    only_shares = await client.get(
        "/api/v1/audit",
        headers=admin.headers,
        params={"document_id": document_id, "action": "document.shared", "actor": str(owner.id)},
    )
    assert len(only_shares.json()["items"]) == 5
