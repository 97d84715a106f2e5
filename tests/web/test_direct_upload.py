"""Direct uploads: a presigned POST straight to S3, then `complete` turns the object
into a document. S3 (SeaweedFS here) enforces the POST policy itself."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, update

from paless_shared.tables import Document, Upload
from tests.pdfs import text_pdf
from tests.web.support import (
    assert_problem,
    complete,
    direct_upload,
    fetch,
    object_keys,
    send_to_storage,
    signed_url,
    start_direct_upload,
)


async def documents_of(db, owner_id: uuid.UUID) -> list[uuid.UUID]:
    async with db() as session:
        return list(
            (await session.scalars(select(Document.id).where(Document.owner_id == owner_id))).all()
        )


async def test_starting_an_upload_hands_out_a_post_form_for_a_staging_key(
    client: httpx.AsyncClient, account, servers, db
) -> None:
    before = datetime.now(UTC)

    response = await client.post(
        "/api/v1/uploads",
        headers=account.headers,
        json={"filename": "big scan.pdf", "title": "Big scan"},
    )

    assert response.status_code == 201, response.text
    started = response.json()
    upload_id = started["upload_id"]
    assert started["url"] == f"{servers.s3_endpoint_url}/{servers.bucket}"
    # Not the document's key: no form can write there (see the tests on completion).
    assert started["fields"]["key"] == f"uploads/{upload_id}.pdf"
    assert started["fields"]["Content-Type"] == "application/pdf"
    assert {"policy", "x-amz-signature", "x-amz-credential"} <= started["fields"].keys()
    assert started["max_bytes"] == 200 * 1024 * 1024
    expires_at = datetime.fromisoformat(started["expires_at"])
    assert before + timedelta(hours=1) <= expires_at <= datetime.now(UTC) + timedelta(hours=1)
    async with db() as session:
        row = await session.get(Upload, uuid.UUID(upload_id))
    assert row is not None
    assert (row.owner_id, row.filename, row.title) == (account.id, "big scan.pdf", "Big scan")
    assert row.status == "pending"


async def test_uploaded_file_becomes_a_document_once_completed(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    content = text_pdf("sent straight to storage")
    started = await start_direct_upload(client, account, "direct.pdf", title="Direct")

    sent = await send_to_storage(started, content)
    assert sent.status_code == 204, sent.text
    response = await complete(client, account, started["upload_id"])

    assert response.status_code == 202, response.text
    document = response.json()
    assert document["id"] == started["upload_id"]
    assert document["status"] == "pending"
    assert document["title"] == "Direct"
    assert document["original_filename"] == "direct.pdf"
    assert document["size_bytes"] == len(content)

    await run_worker()

    ready = (
        await client.get(f"/api/v1/documents/{document['id']}", headers=account.headers)
    ).json()
    assert ready["status"] == "ready", ready["failure_reason"]
    assert ready["sha256"] == hashlib.sha256(content).hexdigest()
    assert ready["content"] == "sent straight to storage"
    fetched = await fetch(await signed_url(client, account, document["id"]))
    assert fetched.content == content


async def test_completing_moves_the_file_from_staging_to_the_documents_key(
    client: httpx.AsyncClient, account, storage
) -> None:
    content = text_pdf("staged")
    started = await start_direct_upload(client, account)
    staging = started["fields"]["key"]
    original = f"originals/{started['upload_id']}.pdf"
    await send_to_storage(started, content)

    response = await complete(client, account, started["upload_id"])

    assert response.status_code == 202, response.text
    assert await object_keys(storage, staging) == set()
    assert await object_keys(storage, original) == {original}
    assert (await storage.head(original)).size == len(content)


async def test_posting_the_form_again_after_completion_cannot_change_the_document(
    client: httpx.AsyncClient, account, storage, run_worker
) -> None:
    first, second = text_pdf("the file that was checked"), text_pdf("a file sent later")
    started = await start_direct_upload(client, account)
    await send_to_storage(started, first)
    assert (await complete(client, account, started["upload_id"])).status_code == 202

    # The form is valid until expires_at, and S3 takes the second file...
    again = await send_to_storage(started, second)
    assert again.status_code == 204, again.text
    await run_worker()

    # ...but not as the document's original: served bytes and recorded SHA-256 agree.
    document_id = started["upload_id"]
    ready = (await client.get(f"/api/v1/documents/{document_id}", headers=account.headers)).json()
    assert ready["status"] == "ready", ready["failure_reason"]
    assert ready["content"] == "the file that was checked"
    assert ready["sha256"] == hashlib.sha256(first).hexdigest()
    fetched = await fetch(await signed_url(client, account, document_id))
    assert fetched.content == first
    completed_again = await complete(client, account, document_id)
    assert completed_again.json()["sha256"] == hashlib.sha256(first).hexdigest()


async def test_a_purged_documents_original_cannot_be_recreated_by_its_old_form(
    client: httpx.AsyncClient, account, storage, run_worker
) -> None:
    started = await start_direct_upload(client, account)
    await send_to_storage(started, text_pdf("soon gone"))
    document_id = started["upload_id"]
    original = f"originals/{document_id}.pdf"
    assert (await complete(client, account, document_id)).status_code == 202
    await run_worker()
    headers = account.headers
    assert (await client.delete(f"/api/v1/documents/{document_id}", headers=headers)).is_success
    purged = await client.delete(f"/api/v1/trash/{document_id}", headers=headers)
    assert purged.status_code == 204, purged.text
    await run_worker()
    assert await object_keys(storage, original) == set()

    again = await send_to_storage(started, text_pdf("resurrected"))

    assert again.status_code == 204, again.text
    assert await object_keys(storage, original) == set()
    assert_problem(await complete(client, account, document_id), 404)


async def test_a_completion_that_copied_but_did_not_commit_is_finished_by_the_next(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    # What a completion leaves when Postgres fails after the copy: the object at the
    # document's key, the staging object gone, the upload still pending.
    content = text_pdf("copied once")
    started = await start_direct_upload(client, account)
    original = f"originals/{started['upload_id']}.pdf"
    await storage.put_bytes(original, content, "application/pdf")

    response = await complete(client, account, started["upload_id"])

    assert response.status_code == 202, response.text
    assert response.json()["size_bytes"] == len(content)
    assert await documents_of(db, account.id) == [uuid.UUID(started["upload_id"])]


async def test_completing_before_the_file_reached_storage_is_a_409(
    client: httpx.AsyncClient, account, db
) -> None:
    started = await start_direct_upload(client, account)

    response = await complete(client, account, started["upload_id"])

    problem = assert_problem(response, 409)
    assert "not been uploaded" in problem["detail"]
    assert await documents_of(db, account.id) == []


async def test_completing_an_expired_upload_without_a_file_says_it_expired(
    client: httpx.AsyncClient, account, db
) -> None:
    started = await start_direct_upload(client, account)
    async with db() as session:
        await session.execute(
            update(Upload)
            .where(Upload.id == uuid.UUID(started["upload_id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()

    response = await complete(client, account, started["upload_id"])

    problem = assert_problem(response, 409)
    assert "expired" in problem["detail"]


async def test_completing_twice_returns_the_same_document(
    client: httpx.AsyncClient, account, db
) -> None:
    started = await start_direct_upload(client, account)
    await send_to_storage(started, text_pdf("twice"))

    first = await complete(client, account, started["upload_id"])
    second = await complete(client, account, started["upload_id"])

    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"] == started["upload_id"]
    assert await documents_of(db, account.id) == [uuid.UUID(started["upload_id"])]


async def test_another_user_cannot_complete_someone_elses_upload(
    client: httpx.AsyncClient, make_account, db
) -> None:
    owner, intruder = await make_account(), await make_account()
    started = await start_direct_upload(client, owner)
    await send_to_storage(started, text_pdf("mine"))

    response = await complete(client, intruder, started["upload_id"])

    assert_problem(response, 404)
    assert await documents_of(db, intruder.id) == []
    assert (await complete(client, owner, started["upload_id"])).status_code == 202


async def test_completing_an_unknown_upload_is_404(client: httpx.AsyncClient, account) -> None:
    response = await complete(client, account, uuid.uuid4())

    assert_problem(response, 404)


async def test_file_that_is_not_a_pdf_is_refused_on_completion_and_removed(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    started = await start_direct_upload(client, account)
    key = started["fields"]["key"]
    await send_to_storage(started, b"MZ\x90\x00 this is an executable" * 50)
    assert await object_keys(storage, key) == {key}

    response = await complete(client, account, started["upload_id"])

    assert_problem(response, 415)
    assert await object_keys(storage, key) == set()
    assert await documents_of(db, account.id) == []


async def test_storage_refuses_a_file_over_the_limit(app_client, account, storage, db) -> None:
    client = await app_client(max_upload_bytes=1000)
    started = await start_direct_upload(client, account)
    assert started["max_bytes"] == 1000

    sent = await send_to_storage(started, text_pdf("x") + b"%" + b"0" * 2000)

    # SeaweedFS enforces the policy's content-length-range, as S3 does.
    assert sent.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in sent.text
    assert await object_keys(storage, started["fields"]["key"]) == set()
    assert_problem(await complete(client, account, started["upload_id"]), 409)
    assert await documents_of(db, account.id) == []


async def test_object_over_the_limit_that_reached_storage_anyway_is_refused_and_removed(
    app_client, account, storage, db
) -> None:
    # An S3 that does not enforce content-length-range: complete() checks the size too.
    client = await app_client(max_upload_bytes=1000)
    started = await start_direct_upload(client, account)
    key = started["fields"]["key"]
    await storage.put_bytes(key, text_pdf("x") + b"%" + b"0" * 2000, "application/pdf")

    response = await complete(client, account, started["upload_id"])

    assert_problem(response, 413)
    assert await object_keys(storage, key) == set()
    assert await documents_of(db, account.id) == []


async def test_empty_object_is_refused_on_completion_and_removed(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    started = await start_direct_upload(client, account)
    key = started["fields"]["key"]
    await storage.put_bytes(key, b"", "application/pdf")

    response = await complete(client, account, started["upload_id"])

    assert_problem(response, 422)
    assert await object_keys(storage, key) == set()
    assert await documents_of(db, account.id) == []


async def test_post_form_cannot_be_used_to_write_another_key(
    client: httpx.AsyncClient, account, storage
) -> None:
    started = await start_direct_upload(client, account)
    elsewhere = f"originals/{uuid.uuid4()}.pdf"

    sent = await send_to_storage(
        {**started, "fields": {**started["fields"], "key": elsewhere}}, text_pdf("x")
    )

    assert sent.status_code == 403
    assert await object_keys(storage, elsewhere) == set()


async def test_post_form_only_accepts_the_pdf_content_type(
    client: httpx.AsyncClient, account, storage
) -> None:
    started = await start_direct_upload(client, account)
    fields = {**started["fields"], "Content-Type": "text/html"}

    sent = await send_to_storage({**started, "fields": fields}, b"<html></html>", "text/html")

    assert sent.status_code == 403
    assert await object_keys(storage, started["fields"]["key"]) == set()


async def test_starting_an_upload_without_a_filename_is_a_422_naming_the_field(
    client: httpx.AsyncClient, account, db
) -> None:
    response = await client.post("/api/v1/uploads", headers=account.headers, json={})

    problem = assert_problem(response, 422)
    assert [error["field"] for error in problem["errors"]] == ["body.filename"]
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Upload)) == 0


async def test_direct_upload_filename_is_reduced_to_its_last_component(
    client: httpx.AsyncClient, account
) -> None:
    document = await direct_upload(client, account, text_pdf("x"), "..\\..\\boot.ini.pdf")

    assert document["original_filename"] == "boot.ini.pdf"
    assert document["title"] == "boot.ini"
