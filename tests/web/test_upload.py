"""Uploading a PDF through the API: what is accepted, what is refused, and that a
refused file leaves nothing behind in Postgres or S3."""

from __future__ import annotations

import hashlib
import os
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from paless_shared.tables import Document
from tests.conftest import upload
from tests.pdfs import text_pdf
from tests.web.support import (
    assert_problem,
    fetch,
    in_chunks,
    multipart,
    multipart_uploads_in_progress,
    object_keys,
    post_document,
    signed_url,
)

MiB = 1024 * 1024


async def document_count(db, owner_id: uuid.UUID) -> int:
    async with db() as session:
        count: int = await session.scalar(
            select(func.count()).select_from(Document).where(Document.owner_id == owner_id)
        )
    return count


def padded_pdf(size: int) -> bytes:
    """A valid PDF followed by random bytes up to `size` (readers ignore what follows
    %%EOF); random so that a misplaced or repeated chunk cannot go unnoticed."""
    head = text_pdf("large file")
    return head + os.urandom(size - len(head))


async def test_uploaded_pdf_is_stored_in_s3_under_its_document_id(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    content = text_pdf("hello")

    response = await upload(client, account, content, "hello.pdf")

    assert response.status_code == 202, response.text
    document = response.json()
    assert document["status"] == "pending"
    assert document["original_filename"] == "hello.pdf"
    assert document["mime_type"] == "application/pdf"
    assert document["size_bytes"] == len(content)
    key = f"originals/{document['id']}.pdf"
    assert await object_keys(storage, key) == {key}
    async with db() as session:
        row = await session.get(Document, uuid.UUID(document["id"]))
    assert row is not None
    assert row.owner_id == account.id
    assert row.original_key == key


async def test_file_that_is_not_a_pdf_is_refused_with_415_and_leaves_nothing(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    before = await object_keys(storage, "originals/")

    response = await upload(client, account, b"<html>not a pdf</html>" * 100, "page.pdf")

    problem = assert_problem(response, 415)
    assert "PDF" in problem["detail"]
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_a_file_whose_document_cannot_be_recorded_leaves_nothing_in_storage(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    # The file is stored whole before the row is written; Postgres then refuses the
    # row (a title with NUL, which it cannot store) and the object must go with it.
    before = await object_keys(storage, "originals/")

    response = await upload(client, account, text_pdf("never recorded"), title="a\x00b")

    assert_problem(response, 422)
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_pdf_header_within_the_first_kilobyte_is_accepted(
    client: httpx.AsyncClient, account
) -> None:
    # PDF readers accept some junk before the header; so does paless.
    response = await upload(client, account, b"\x00" * 500 + text_pdf("late header"))

    assert response.status_code == 202, response.text


async def test_empty_file_is_refused_with_422(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    before = await object_keys(storage, "originals/")

    response = await upload(client, account, b"", "empty.pdf")

    problem = assert_problem(response, 422)
    assert "empty" in problem["detail"]
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_form_without_a_file_field_is_refused_with_422(
    client: httpx.AsyncClient, account, db
) -> None:
    response = await post_document(client, account, multipart([("title", None, b"No file")]))

    problem = assert_problem(response, 422)
    assert "'file'" in problem["detail"]
    assert await document_count(db, account.id) == 0


async def test_file_sent_under_another_field_name_is_refused_with_422(
    client: httpx.AsyncClient, account, db
) -> None:
    body = multipart([("document", "a.pdf", text_pdf("wrong field"))])

    response = await post_document(client, account, body)

    problem = assert_problem(response, 422)
    assert "'file'" in problem["detail"]
    assert await document_count(db, account.id) == 0


async def test_body_that_is_not_multipart_is_refused_with_422(
    client: httpx.AsyncClient, account
) -> None:
    response = await client.post(
        "/api/v1/documents", headers=account.headers, json={"file": "a.pdf"}
    )

    assert_problem(response, 422)


async def test_file_over_the_limit_with_an_honest_length_is_refused_with_413_and_not_stored(
    app_client, account, storage, db
) -> None:
    client = await app_client(max_upload_bytes=1000)
    before = await object_keys(storage, "originals/")

    # Content-Length says it all: far over the limit plus room for the form.
    response = await upload(client, account, padded_pdf(200 * 1024))

    problem = assert_problem(response, 413)
    assert "1000 bytes" in problem["detail"]
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_file_over_the_limit_streamed_without_a_length_is_refused_with_413(
    app_client, account, storage, db
) -> None:
    client = await app_client(max_upload_bytes=1000)
    before = await object_keys(storage, "originals/")
    body = multipart([("file", "big.pdf", padded_pdf(5000))])

    response = await post_document(client, account, in_chunks(body, 512))

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_body_larger_than_its_declared_length_is_still_held_to_the_limit(
    app_client, account, storage, db
) -> None:
    client = await app_client(max_upload_bytes=1000)
    before = await object_keys(storage, "originals/")
    body = multipart([("file", "big.pdf", padded_pdf(5000))])

    response = await post_document(
        client, account, in_chunks(body, 512), **{"Content-Length": "600"}
    )

    assert response.request.headers["content-length"] == "600"
    assert_problem(response, 413)
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_file_over_the_limit_after_a_part_reached_s3_aborts_the_multipart_upload(
    app_client, account, storage, db
) -> None:
    client = await app_client(max_upload_bytes=9 * MiB)
    before = await object_keys(storage, "originals/")
    body = multipart([("file", "huge.pdf", padded_pdf(10 * MiB))])

    # 1 MiB chunks: the first 8 MiB go to S3 as a part before the limit is reached.
    response = await post_document(client, account, in_chunks(body, MiB))

    assert_problem(response, 413)
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before
    assert await multipart_uploads_in_progress(storage, "originals/") == []


async def test_file_of_several_s3_parts_downloads_byte_identical(
    client: httpx.AsyncClient, account, storage
) -> None:
    content = padded_pdf(9 * MiB + 12345)
    body = multipart([("file", "large.pdf", content)])

    response = await post_document(client, account, in_chunks(body, MiB))

    assert response.status_code == 202, response.text
    document = response.json()
    assert document["size_bytes"] == len(content)
    head = await storage._client.head_object(
        Bucket=storage.bucket, Key=f"originals/{document['id']}.pdf"
    )
    assert head["ETag"].strip('"').endswith("-2")  # stored as a two-part multipart upload
    fetched = await fetch(await signed_url(client, account, document["id"]))
    assert fetched.status_code == 200
    assert len(fetched.content) == len(content)
    assert hashlib.sha256(fetched.content).digest() == hashlib.sha256(content).digest()


async def test_title_defaults_to_the_filename_without_its_extension(
    client: httpx.AsyncClient, account
) -> None:
    response = await upload(client, account, text_pdf("x"), "Quarterly report.2026.pdf")

    assert response.status_code == 202, response.text
    assert response.json()["title"] == "Quarterly report.2026"


async def test_blank_title_falls_back_to_the_filename(client: httpx.AsyncClient, account) -> None:
    response = await upload(client, account, text_pdf("x"), "scan.pdf", title="   ")

    assert response.status_code == 202, response.text
    assert response.json()["title"] == "scan"


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/absolute/path/z.pdf", "z.pdf"),
    ],
    ids=["posix-traversal", "windows-path", "absolute"],
)
async def test_path_in_the_filename_is_reduced_to_its_last_component(
    client: httpx.AsyncClient, account, db, filename: str, kept: str
) -> None:
    response = await post_document(client, account, multipart([("file", filename, text_pdf("x"))]))

    assert response.status_code == 202, response.text
    assert response.json()["original_filename"] == kept
    async with db() as session:
        row = await session.get(Document, uuid.UUID(response.json()["id"]))
    assert row is not None
    assert row.original_filename == kept
    assert row.original_key == f"originals/{row.id}.pdf"


async def test_utf8_filename_is_kept_as_sent(client: httpx.AsyncClient, account) -> None:
    response = await upload(client, account, text_pdf("x"), "résumé 2026 – Ω.pdf")

    assert response.status_code == 202, response.text
    assert response.json()["original_filename"] == "résumé 2026 – Ω.pdf"
    assert response.json()["title"] == "résumé 2026 – Ω"


async def test_form_with_two_file_parts_is_refused_not_concatenated(
    client: httpx.AsyncClient, account, db
) -> None:
    body = multipart([("file", "a.pdf", text_pdf("first")), ("file", "b.pdf", text_pdf("second"))])

    response = await post_document(client, account, body)

    assert_problem(response, 422)
    assert await document_count(db, account.id) == 0


async def test_body_cut_off_before_the_closing_boundary_is_refused(
    client: httpx.AsyncClient, account, db
) -> None:
    content = text_pdf("cut short")
    cut = multipart([("file", "cut.pdf", content)], close=False)[: -len(content) // 2]

    response = await post_document(client, account, cut)

    assert_problem(response, 422)
    assert await document_count(db, account.id) == 0


async def test_form_with_many_text_fields_is_refused_with_422(
    client: httpx.AsyncClient, account, storage, db
) -> None:
    before = await object_keys(storage, "originals/")
    fields = [(f"field{n}", None, b"x") for n in range(200)]
    body = multipart([("file", "a.pdf", text_pdf("many fields")), *fields])

    response = await post_document(client, account, in_chunks(body, 4096))

    problem = assert_problem(response, 422)
    assert "parts" in problem["detail"]
    assert await document_count(db, account.id) == 0
    assert await object_keys(storage, "originals/") == before


async def test_chunked_form_of_text_fields_over_the_body_limit_is_refused_with_413(
    app_client, account, db
) -> None:
    """Each field is under its own cap and the file under the file limit, but the
    whole body, sent without a length, is far over what the route accepts."""
    client = await app_client(max_upload_bytes=100_000)
    fields = [(f"note{n}", None, b"n" * 60_000) for n in range(10)]
    body = multipart([("file", "a.pdf", text_pdf("small file")), *fields])

    response = await post_document(client, account, in_chunks(body, 16_384))

    assert response.request.headers.get("transfer-encoding") == "chunked"
    problem = assert_problem(response, 413)
    assert "form is larger" in problem["detail"]
    assert await document_count(db, account.id) == 0
