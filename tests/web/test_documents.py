"""Reading, listing and deleting documents: each owner sees only their own."""

from __future__ import annotations

import base64
import re
import uuid

import httpx
import pytest
from sqlalchemy import select

from paless_shared.tables import Document
from paless_web.app import create_app
from tests.conftest import upload
from tests.pdfs import text_pdf
from tests.web.support import assert_problem, object_keys


async def uploaded(client: httpx.AsyncClient, account, text: str = "page") -> str:
    response = await upload(client, account, text_pdf(text), f"{text}.pdf")
    assert response.status_code == 202, response.text
    document_id: str = response.json()["id"]
    return document_id


async def row_exists(db, document_id: str) -> bool:
    async with db() as session:
        found = await session.scalar(
            select(Document.id).where(Document.id == uuid.UUID(document_id))
        )
    return found is not None


async def listed_ids(client: httpx.AsyncClient, account, **params: object) -> list[str]:
    response = await client.get("/api/v1/documents", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


# Reading -----------------------------------------------------------------------------


async def test_owner_reads_a_document_with_its_details(client: httpx.AsyncClient, account) -> None:
    document_id = await uploaded(client, account, "mine")

    response = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)

    assert response.status_code == 200
    document = response.json()
    assert document["id"] == document_id
    assert document["title"] == "mine"
    assert document["original_filename"] == "mine.pdf"
    assert document["status"] == "pending"
    assert document["content"] is None


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("GET", "/download"), ("GET", "/thumbnail"), ("DELETE", "")],
    ids=["get", "download", "thumbnail", "delete"],
)
async def test_another_users_document_is_404_exactly_like_a_missing_one(
    client: httpx.AsyncClient, make_account, db, method: str, suffix: str
) -> None:
    owner, intruder = await make_account(), await make_account()
    document_id = await uploaded(client, owner)
    missing_id = str(uuid.uuid4())

    theirs = await client.request(
        method, f"/api/v1/documents/{document_id}{suffix}", headers=intruder.headers
    )
    missing = await client.request(
        method, f"/api/v1/documents/{missing_id}{suffix}", headers=intruder.headers
    )

    problem = assert_problem(theirs, 404)
    assert "location" not in theirs.headers
    # Nothing tells "exists but not yours" apart from "does not exist".
    assert problem["detail"].replace(document_id, "ID") == missing.json()["detail"].replace(
        missing_id, "ID"
    )
    assert await row_exists(db, document_id)
    owners_view = await client.get(f"/api/v1/documents/{document_id}", headers=owner.headers)
    assert owners_view.status_code == 200


async def test_another_users_processed_thumbnail_is_404(
    client: httpx.AsyncClient, make_account, run_worker
) -> None:
    owner, intruder = await make_account(), await make_account()
    document_id = await uploaded(client, owner)
    await run_worker()
    path = f"/api/v1/documents/{document_id}/thumbnail"
    assert (await client.get(path, headers=owner.headers)).status_code == 307

    response = await client.get(path, headers=intruder.headers)

    assert_problem(response, 404)


# Every operation that declares bearer security, read from the OpenAPI document so a
# new route is covered as soon as it exists.
SECURED = sorted(
    (method.upper(), path)
    for path, item in create_app().openapi()["paths"].items()
    for method, op in item.items()
    if isinstance(op, dict) and op.get("security")
)


def test_every_document_and_upload_route_is_among_the_secured_ones() -> None:
    assert {
        ("POST", "/api/v1/documents"),
        ("GET", "/api/v1/documents"),
        ("GET", "/api/v1/documents/{document_id}"),
        ("DELETE", "/api/v1/documents/{document_id}"),
        ("GET", "/api/v1/documents/{document_id}/download"),
        ("GET", "/api/v1/documents/{document_id}/thumbnail"),
        ("POST", "/api/v1/uploads"),
        ("POST", "/api/v1/uploads/{upload_id}/complete"),
    } <= set(SECURED)


@pytest.mark.parametrize(("method", "path"), SECURED, ids=[f"{m} {p}" for m, p in SECURED])
async def test_every_api_route_needs_a_token(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, re.sub(r"\{\w+\}", str(uuid.uuid4()), path))

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_delete_without_a_token_leaves_the_document_in_place(
    client: httpx.AsyncClient, account, db
) -> None:
    document_id = await uploaded(client, account)

    response = await client.delete(f"/api/v1/documents/{document_id}")

    assert_problem(response, 401)
    assert await row_exists(db, document_id)


# Listing -----------------------------------------------------------------------------


async def test_list_shows_own_documents_newest_first(
    client: httpx.AsyncClient, make_account
) -> None:
    account, other = await make_account(), await make_account()
    oldest = await uploaded(client, account, "one")
    await uploaded(client, other, "not mine")
    middle = await uploaded(client, account, "two")
    newest = await uploaded(client, account, "three")

    response = await client.get("/api/v1/documents", headers=account.headers)

    assert response.status_code == 200
    page = response.json()
    assert [item["id"] for item in page["items"]] == [newest, middle, oldest]
    assert page["next_cursor"] is None
    assert "content" not in page["items"][0]  # summaries, not the extracted text


async def test_cursor_pagination_walks_every_document_once(
    client: httpx.AsyncClient, account
) -> None:
    uploaded_ids = [await uploaded(client, account, f"doc {n}") for n in range(5)]
    pages: list[list[str]] = []
    cursor = None

    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/v1/documents", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 10, "pagination does not end"

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [id_ for page in pages for id_ in page] == list(reversed(uploaded_ids))


async def test_document_added_between_pages_does_not_shift_the_next_page(
    client: httpx.AsyncClient, account
) -> None:
    d1, d2, d3, d4 = [await uploaded(client, account, f"doc {n}") for n in range(4)]
    first = await client.get("/api/v1/documents", params={"limit": 2}, headers=account.headers)
    assert [item["id"] for item in first.json()["items"]] == [d4, d3]

    newcomer = await uploaded(client, account, "newcomer")
    second = await client.get(
        "/api/v1/documents",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=account.headers,
    )

    assert second.status_code == 200
    assert [item["id"] for item in second.json()["items"]] == [d2, d1]
    assert second.json()["next_cursor"] is None
    assert (await listed_ids(client, account, limit=1)) == [newcomer]


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["yesterday", "not-a-uuid"]').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00+00:00"]').decode(),
    ],
    ids=["not-base64", "not-json", "object", "bad-values", "one-value"],
)
async def test_invalid_cursor_is_a_422_problem(
    client: httpx.AsyncClient, account, cursor: str
) -> None:
    response = await client.get(
        "/api/v1/documents", params={"cursor": cursor}, headers=account.headers
    )

    problem = assert_problem(response, 422)
    assert "cursor" in problem["detail"]


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten"])
async def test_limit_outside_1_to_200_is_a_422_problem_naming_the_field(
    client: httpx.AsyncClient, account, limit: str
) -> None:
    response = await client.get(
        "/api/v1/documents", params={"limit": limit}, headers=account.headers
    )

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["query.limit"]
    assert problem["errors"][0]["message"]


@pytest.mark.parametrize("limit", [1, 200])
async def test_limits_at_the_bounds_are_accepted(
    client: httpx.AsyncClient, account, limit: int
) -> None:
    await uploaded(client, account)
    await uploaded(client, account)

    assert len(await listed_ids(client, account, limit=limit)) == min(limit, 2)


# Deleting ----------------------------------------------------------------------------


async def test_delete_moves_the_document_to_the_trash_keeping_its_files(
    client: httpx.AsyncClient, account, run_worker, storage, db
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()

    response = await client.delete(f"/api/v1/documents/{document_id}", headers=account.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert await row_exists(db, document_id)
    gone = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert_problem(gone, 404)
    listed = await client.get("/api/v1/documents", headers=account.headers)
    assert document_id not in {item["id"] for item in listed.json()["items"]}
    trash = await client.get("/api/v1/trash", headers=account.headers)
    assert [item["id"] for item in trash.json()["items"]] == [document_id]
    assert trash.json()["items"][0]["deleted_at"] is not None
    assert await object_keys(storage, f"originals/{document_id}") == {
        f"originals/{document_id}.pdf"
    }


async def test_purging_from_the_trash_removes_the_row_at_once_and_the_files_after(
    client: httpx.AsyncClient, account, run_worker, storage, db
) -> None:
    document_id = await uploaded(client, account)
    await run_worker()
    renditions = await object_keys(storage, f"renditions/{document_id}/")
    assert [key.rsplit("/", 1)[-1] for key in renditions] == ["thumbnail.webp"]
    assert await object_keys(storage, f"originals/{document_id}") == {
        f"originals/{document_id}.pdf"
    }
    await client.delete(f"/api/v1/documents/{document_id}", headers=account.headers)

    response = await client.delete(f"/api/v1/trash/{document_id}", headers=account.headers)

    assert response.status_code == 204
    assert not await row_exists(db, document_id)
    await run_worker()
    assert await object_keys(storage, f"originals/{document_id}") == set()
    assert await object_keys(storage, f"renditions/{document_id}/") == set()


async def test_a_trashed_document_can_be_restored(client: httpx.AsyncClient, account) -> None:
    document_id = await uploaded(client, account)
    await client.delete(f"/api/v1/documents/{document_id}", headers=account.headers)

    response = await client.post(f"/api/v1/trash/{document_id}/restore", headers=account.headers)

    assert response.status_code == 200
    assert response.json()["deleted_at"] is None
    again = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert again.status_code == 200
    assert (await client.get("/api/v1/trash", headers=account.headers)).json()["items"] == []


async def test_emptying_the_trash_purges_only_your_trashed_documents(
    client: httpx.AsyncClient, make_account, run_worker, storage, db
) -> None:
    alice, bob = await make_account(), await make_account()
    trashed = [await uploaded(client, alice) for _ in range(2)]
    kept = await uploaded(client, alice)
    bobs = await uploaded(client, bob)
    for document_id in [*trashed]:
        await client.delete(f"/api/v1/documents/{document_id}", headers=alice.headers)
    await client.delete(f"/api/v1/documents/{bobs}", headers=bob.headers)

    response = await client.delete("/api/v1/trash", headers=alice.headers)

    assert response.status_code == 200
    assert response.json() == {"purged": 2}
    assert [await row_exists(db, d) for d in trashed] == [False, False]
    assert await row_exists(db, kept) and await row_exists(db, bobs)
    await run_worker()
    for document_id in trashed:
        assert await object_keys(storage, f"originals/{document_id}") == set()
    assert await object_keys(storage, f"originals/{bobs}") == {f"originals/{bobs}.pdf"}


async def test_another_users_trash_is_out_of_reach(client: httpx.AsyncClient, make_account) -> None:
    alice, mallory = await make_account(), await make_account()
    document_id = await uploaded(client, alice)
    await client.delete(f"/api/v1/documents/{document_id}", headers=alice.headers)

    restore = await client.post(f"/api/v1/trash/{document_id}/restore", headers=mallory.headers)
    purge = await client.delete(f"/api/v1/trash/{document_id}", headers=mallory.headers)

    assert_problem(restore, 404)
    assert_problem(purge, 404)
    listing = await client.get("/api/v1/trash", headers=mallory.headers)
    assert listing.json()["items"] == []


async def test_deleting_twice_is_404_the_second_time(client: httpx.AsyncClient, account) -> None:
    document_id = await uploaded(client, account)
    path = f"/api/v1/documents/{document_id}"
    assert (await client.delete(path, headers=account.headers)).status_code == 204

    response = await client.delete(path, headers=account.headers)

    assert_problem(response, 404)
