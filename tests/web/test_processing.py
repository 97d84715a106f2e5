"""What an uploaded document becomes once the worker has read it, as the API shows it."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import undefer

from paless_shared.tables import Document
from tests.conftest import upload
from tests.pdfs import corrupt_pdf, encrypted_pdf, owner_only_encrypted_pdf, text_pdf
from tests.web.stored import StoredDocuments
from tests.web.support import object_keys

# Every column a re-run must leave as it was (modified_at may be touched).
# search_vector is recomputed (to the same value) and not loaded with the row.
STABLE_COLUMNS = [
    c.key for c in Document.__table__.columns if c.key not in ("modified_at", "search_vector")
]


async def uploaded(client: httpx.AsyncClient, account, content: bytes) -> str:
    response = await upload(client, account, content)
    assert response.status_code == 202, response.text
    document_id: str = response.json()["id"]
    return document_id


async def fetched(client: httpx.AsyncClient, account, document_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


async def row_values(db, document_id: str) -> dict[str, Any]:
    async with db() as session:
        row = await session.scalar(
            select(Document)
            .options(undefer(Document.tag_ids))
            .where(Document.id == uuid.UUID(document_id))
        )
    assert row is not None
    return {key: getattr(row, key) for key in STABLE_COLUMNS}


async def test_corrupt_pdf_fails_with_a_reason(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    document_id = await uploaded(client, account, corrupt_pdf())

    await run_worker()

    document = await fetched(client, account, document_id)
    assert document["status"] == "failed"
    assert document["failure_reason"].startswith("not a valid PDF")
    assert document["has_thumbnail"] is False


async def test_password_protected_pdf_fails_saying_it_is_encrypted(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    document_id = await uploaded(client, account, encrypted_pdf())

    await run_worker()

    document = await fetched(client, account, document_id)
    assert document["status"] == "failed"
    assert "encrypted" in document["failure_reason"]


async def test_pdf_encrypted_only_with_an_owner_password_becomes_ready(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    content = owner_only_encrypted_pdf()
    document_id = await uploaded(client, account, content)

    await run_worker()

    document = await fetched(client, account, document_id)
    assert document["status"] == "ready", document["failure_reason"]
    assert document["failure_reason"] is None
    assert document["content"] == "classified"
    assert document["sha256"] == hashlib.sha256(content).hexdigest()


async def test_same_file_uploaded_twice_by_one_owner_points_to_the_first(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    content = text_pdf("the same invoice")
    first = await uploaded(client, account, content)
    second = await uploaded(client, account, content)

    # Both ingests may run at the same time: they must still agree on the original.
    await run_worker()

    assert (await fetched(client, account, first))["duplicate_of"] is None
    duplicate = await fetched(client, account, second)
    assert duplicate["status"] == "ready"
    assert duplicate["duplicate_of"] == first


async def test_duplicate_points_to_the_earlier_upload_whichever_is_processed_first(
    client: httpx.AsyncClient, account, run_worker, queue
) -> None:
    content = text_pdf("the same invoice")
    first = await uploaded(client, account, content)
    second = await uploaded(client, account, content)
    # The later upload gets processed first (another worker was quicker, or the
    # first one's ingest was retried).
    await queue.flushdb()
    await queue.enqueue_job("ingest", second)
    await run_worker()
    await queue.enqueue_job("ingest", first)
    await run_worker()

    assert (await fetched(client, account, first))["duplicate_of"] is None
    assert (await fetched(client, account, second))["duplicate_of"] == first


async def test_same_file_uploaded_by_two_owners_is_not_a_duplicate(
    client: httpx.AsyncClient, make_account, run_worker
) -> None:
    alice, bob = await make_account(), await make_account()
    content = text_pdf("shared memo")
    alices = await uploaded(client, alice, content)
    bobs = await uploaded(client, bob, content)

    await run_worker()

    for account, document_id in ((alice, alices), (bob, bobs)):
        document = await fetched(client, account, document_id)
        assert document["status"] == "ready"
        assert document["duplicate_of"] is None


async def copies(client: httpx.AsyncClient, owner, count: int, run_worker) -> list[str]:
    """`count` uploads of the same file by `owner`, one after the other, ingested."""
    content = text_pdf("the same contract")
    ids = [await uploaded(client, owner, content) for _ in range(count)]
    await run_worker()
    return ids


async def duplicate_of(client: httpx.AsyncClient, account, ids: list[str]) -> list[str | None]:
    return [(await fetched(client, account, i))["duplicate_of"] for i in ids]


async def test_purging_the_earliest_copy_makes_the_next_one_the_original(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    first, second, third = await copies(client, account, 3, run_worker)
    assert await duplicate_of(client, account, [second, third]) == [first, first]

    for path in (f"/api/v1/documents/{first}", f"/api/v1/trash/{first}"):
        response = await client.delete(path, headers=account.headers)
        assert response.status_code == 204, response.text

    assert await duplicate_of(client, account, [second, third]) == [None, second]


async def test_a_trashed_copy_is_nobodys_original_and_is_again_once_restored(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    first, second, third = await copies(client, account, 3, run_worker)

    trashed = await client.delete(f"/api/v1/documents/{first}", headers=account.headers)
    assert trashed.status_code == 204
    assert await duplicate_of(client, account, [second, third]) == [None, second]

    restored = await client.post(f"/api/v1/trash/{first}/restore", headers=account.headers)
    assert restored.status_code == 200
    assert await duplicate_of(client, account, [first, second, third]) == [None, first, first]


async def test_a_copy_given_to_another_owner_leaves_both_owners_copies_right(
    client: httpx.AsyncClient, make_account, run_worker
) -> None:
    alice, bob = await make_account(), await make_account()
    (bobs,) = await copies(client, bob, 1, run_worker)  # earlier than all of alice's
    first, second, third = await copies(client, alice, 3, run_worker)

    response = await client.put(
        f"/api/v1/documents/{first}/permissions",
        headers=alice.headers,
        json={
            "owner": str(bob.id),
            "view": {"users": [], "groups": []},
            "change": {"users": [], "groups": []},
        },
    )

    assert response.status_code == 200, response.text
    assert await duplicate_of(client, alice, [second, third]) == [None, second]
    assert await duplicate_of(client, bob, [bobs, first]) == [None, bobs]


async def test_a_copy_the_reader_may_not_see_is_not_pointed_at(
    client: httpx.AsyncClient, make_account, db, run_worker
) -> None:
    owner, reader = await make_account(), await make_account()
    first, second, third = await copies(client, owner, 3, run_worker)
    await StoredDocuments(db).share((second, third), reader)

    assert await duplicate_of(client, reader, [second, third]) == [None, second]
    assert await duplicate_of(client, owner, [second, third]) == [first, first]


async def test_running_ingest_again_changes_nothing_and_keeps_one_thumbnail(
    client: httpx.AsyncClient, account, run_worker, queue, storage, db
) -> None:
    document_id = await uploaded(client, account, text_pdf("once is enough"))
    await run_worker()
    first = await row_values(db, document_id)
    assert first["status"] == "ready"

    await queue.enqueue_job("ingest", document_id, _job_id="again")
    await run_worker()

    assert await row_values(db, document_id) == first
    thumbnails = {
        key
        for key in await object_keys(storage, f"renditions/{document_id}/")
        if key.endswith("thumbnail.webp")
    }
    assert thumbnails == {first["thumbnail_key"]}


async def test_reprocessing_a_ready_document_queues_it_and_it_becomes_ready_again(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    document_id = await uploaded(client, account, text_pdf("once more"))
    await run_worker()

    response = await client.post(
        f"/api/v1/documents/{document_id}/reprocess", headers=account.headers
    )

    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    await run_worker()
    document = await fetched(client, account, document_id)
    assert document["status"] == "ready"
    assert document["content"] == "once more"
