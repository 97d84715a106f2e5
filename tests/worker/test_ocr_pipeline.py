"""Scans and images from upload to `ready`, through the OCR queue: real Tesseract,
small low-resolution pages (about a second each), the default and the OCR queue's
workers taking turns as a deployment's would."""

from __future__ import annotations

import hashlib
import io
import uuid
from typing import Any

import httpx
import pikepdf
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.platform import jobs
from paless_shared.tables import DocumentPage, DocumentStatus, DocumentVersion, ProcessingRun
from tests.conftest import Account, upload
from tests.pdfs import encrypted_pdf, text_pdf
from tests.web.support import assert_problem, object_keys
from tests.worker import scans
from tests.worker.support import DocumentRows


async def uploaded_ok(
    client: httpx.AsyncClient, account: Account, content: bytes, name: str, **fields: str
) -> uuid.UUID:
    response = await upload(client, account, content, name, **fields)
    assert response.status_code == 202, response.text
    return uuid.UUID(response.json()["id"])


async def fetch(client: httpx.AsyncClient, account: Account, path: str) -> bytes:
    response = await client.get(path, headers=account.headers)
    assert response.status_code == 307, response.text
    async with httpx.AsyncClient() as plain:
        fetched = await plain.get(response.headers["location"])
    assert fetched.status_code == 200
    return fetched.content


async def runs_of(db: async_sessionmaker[AsyncSession], document_id: uuid.UUID) -> list[Any]:
    async with db() as session:
        result = await session.execute(
            select(ProcessingRun)
            .join(DocumentVersion, DocumentVersion.id == ProcessingRun.version_id)
            .where(DocumentVersion.document_id == document_id)
            .order_by(ProcessingRun.created_at)
        )
        return list(result.scalars())


async def pages_of(db: async_sessionmaker[AsyncSession], run_id: uuid.UUID) -> list[DocumentPage]:
    async with db() as session:
        result = await session.execute(
            select(DocumentPage).where(DocumentPage.run_id == run_id).order_by(DocumentPage.number)
        )
        return list(result.scalars())


async def test_a_jpeg_becomes_a_ready_document_found_by_search_with_its_page(
    client: httpx.AsyncClient,
    account: Account,
    run_pipeline: Any,
    documents: DocumentRows,
    storage: Any,
) -> None:
    photo = scans.encoded(scans.page_image("Quarterly invoice 4711", "Acme Corporation"), "JPEG")
    document_id = await uploaded_ok(client, account, photo, "photo.jpg")

    await run_pipeline()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.mime_type == "image/jpeg"
    assert "4711" in (document.content or "")
    found = await client.get(
        "/api/v1/documents", params={"q": "quarterly"}, headers=account.headers
    )
    (hit,) = found.json()["items"]
    assert hit["id"] == str(document_id)
    assert hit["search"]["pages"] == [1]
    # The original stays as uploaded; the archive is a PDF with the text layer.
    assert (
        await fetch(client, account, f"/api/v1/documents/{document_id}/download?rendition=original")
        == photo
    )
    archive = await fetch(client, account, f"/api/v1/documents/{document_id}/download")
    with pikepdf.open(io.BytesIO(archive)) as pdf:
        assert len(pdf.pages) == 1
    versions = await client.get(
        f"/api/v1/documents/{document_id}/versions", headers=account.headers
    )
    (version,) = versions.json()["items"]
    assert version["number"] == 1 and version["current"] and version["has_archive"]
    assert version["mime_type"] == "image/jpeg"
    assert version["ocr_settings"]["mode"] == "auto"


async def test_a_three_page_scan_fans_out_into_three_page_jobs_and_one_archive(
    client: httpx.AsyncClient,
    account: Account,
    run_worker: Any,
    run_pipeline: Any,
    queue: Any,
    db: async_sessionmaker[AsyncSession],
    documents: DocumentRows,
    storage: Any,
) -> None:
    scan = scans.scanned_pdf(
        scans.page_image("First page apple"),
        scans.page_image("Second page banana"),
        scans.page_image("Third page cherry"),
    )
    document_id = await uploaded_ok(client, account, scan, "scan.pdf")

    await run_worker(queue="default")  # ingest: splits and sends the pages out

    (run,) = await runs_of(db, document_id)
    assert run.status == "ocr" and run.pages_total == 3
    ocr_queue = "paless:queue:ocr"
    assert await queue.zcard(ocr_queue) == 3
    for number in (1, 2, 3):
        assert await jobs.job_exists(queue, jobs.ocr_page_job_id(run.id, number))
    tasks = await client.get(f"/api/v1/tasks?document_id={document_id}", headers=account.headers)
    (task,) = tasks.json()["items"]
    assert (task["status"], task["pages_done"], task["pages_total"]) == ("running", 0, 3)

    ocr_worker = await run_worker(queue="ocr")
    assert ocr_worker.jobs_complete == 3
    await run_pipeline()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    pages = await pages_of(db, run.id)
    assert [(page.number, page.ocr) for page in pages] == [(1, True), (2, True), (3, True)]
    assert "banana" in pages[1].text.lower()
    prefix = storage.renditions_prefix(document_id)
    keys = await object_keys(storage, prefix)
    names = sorted(key.removeprefix(prefix).split("/", 2)[-1] for key in keys)
    assert names == [
        "archive.pdf",
        "pages/00001.pdf",
        "pages/00002.pdf",
        "pages/00003.pdf",
        "thumbnail.webp",
        "words/00001.json",
        "words/00002.json",
        "words/00003.json",
    ]
    archive = await fetch(client, account, f"/api/v1/documents/{document_id}/download")
    with pikepdf.open(io.BytesIO(archive)) as pdf:
        assert len(pdf.pages) == 3
    tasks = await client.get(f"/api/v1/tasks?document_id={document_id}", headers=account.headers)
    (task,) = tasks.json()["items"]
    assert (task["status"], task["pages_done"], task["pages_total"]) == ("succeeded", 3, 3)
    found = await client.get("/api/v1/documents", params={"q": "cherry"}, headers=account.headers)
    assert found.json()["items"][0]["search"]["pages"] == [3]

    # A page job delivered again changes nothing: no second page row, no new archive.
    await queue.enqueue_job(jobs.OCR_PAGE, str(run.id), 2, _queue_name=ocr_queue)
    await run_pipeline()
    assert len(await pages_of(db, run.id)) == 3
    assert await object_keys(storage, prefix) == keys


async def test_auto_mode_leaves_a_born_digital_pdf_without_ocr(
    client: httpx.AsyncClient,
    account: Account,
    run_pipeline: Any,
    db: async_sessionmaker[AsyncSession],
    documents: DocumentRows,
) -> None:
    content = text_pdf("Typed letter", "Second sheet")
    document_id = await uploaded_ok(client, account, content, "letter.pdf")

    workers = await run_pipeline()

    assert sum(worker.jobs_complete for worker in workers[1::2]) == 0  # no OCR job
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready
    (run,) = await runs_of(db, document_id)
    assert [page.ocr for page in await pages_of(db, run.id)] == [False, False]
    # No archive: the download is the original.
    assert await fetch(client, account, f"/api/v1/documents/{document_id}/download") == content
    response = await client.get(
        f"/api/v1/documents/{document_id}/download?rendition=archive", headers=account.headers
    )
    assert_problem(response, 404)


async def test_reprocess_with_force_and_a_language_replaces_the_archive_and_keeps_the_original(
    client: httpx.AsyncClient,
    account: Account,
    run_pipeline: Any,
    db: async_sessionmaker[AsyncSession],
    documents: DocumentRows,
    storage: Any,
) -> None:
    content = scans.scanned_pdf(scans.page_image("Grüße aus Köln"))
    document_id = await uploaded_ok(client, account, content, "gruss.pdf", ocr_languages="eng")
    await run_pipeline()
    first = await documents.require(document_id)
    assert first.status == DocumentStatus.ready
    first_archive = await fetch(client, account, f"/api/v1/documents/{document_id}/download")

    response = await client.post(
        f"/api/v1/documents/{document_id}/reprocess",
        json={"mode": "force", "languages": ["deu"]},
        headers=account.headers,
    )
    assert response.status_code == 202, response.text
    await run_pipeline()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    versions = await client.get(
        f"/api/v1/documents/{document_id}/versions", headers=account.headers
    )
    (version,) = versions.json()["items"]
    assert version["has_archive"]
    assert version["ocr_settings"]["mode"] == "force"
    assert version["ocr_settings"]["languages"] == ["deu"]
    assert document.language == "deu"  # the first language OCR read it in
    original = await fetch(
        client, account, f"/api/v1/documents/{document_id}/download?version=1&rendition=original"
    )
    assert hashlib.sha256(original).hexdigest() == hashlib.sha256(content).hexdigest()
    archive = await fetch(client, account, f"/api/v1/documents/{document_id}/download?version=1")
    assert archive not in (content, first_archive)
    first_run, second_run = await runs_of(db, document_id)
    assert (first_run.status, second_run.status) == ("done", "done")
    assert not await object_keys(
        storage, storage.run_prefix(document_id, first_run.version_id, first_run.id)
    )
    assert "grüße aus köln" in (document.content or "").lower()


async def test_versions_restore_and_unknown_versions(
    client: httpx.AsyncClient, account: Account, run_pipeline: Any
) -> None:
    document_id = await uploaded_ok(client, account, text_pdf("Version one"), "v.pdf")
    await run_pipeline()

    restored = await client.post(
        f"/api/v1/documents/{document_id}/versions/1/restore", headers=account.headers
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["content"] == "Version one"
    history = await client.get(f"/api/v1/documents/{document_id}/history", headers=account.headers)
    assert "document.version_restored" in [event["action"] for event in history.json()["items"]]
    missing = await client.post(
        f"/api/v1/documents/{document_id}/versions/2/restore", headers=account.headers
    )
    assert_problem(missing, 404)
    response = await client.get(
        f"/api/v1/documents/{document_id}/download?version=2", headers=account.headers
    )
    assert_problem(response, 404)


async def test_an_encrypted_pdf_opens_with_the_password_given_and_only_with_it(
    client: httpx.AsyncClient,
    account: Account,
    run_pipeline: Any,
    documents: DocumentRows,
    queue: Any,
) -> None:
    content = encrypted_pdf("open sesame")
    without = await uploaded_ok(client, account, content, "locked.pdf")
    with_password = await uploaded_ok(
        client, account, content, "locked.pdf", password="open sesame"
    )

    await run_pipeline()

    failed = await documents.require(without)
    assert failed.status == DocumentStatus.failed
    assert "password" in (failed.failure_reason or "")
    ready = await documents.require(with_password)
    assert ready.status == DocumentStatus.ready, ready.failure_reason
    assert ready.content == "classified"
    assert not await queue.keys("paless:ocr:password:*")  # deleted once used
    assert (
        await fetch(
            client, account, f"/api/v1/documents/{with_password}/download?rendition=original"
        )
        == content
    )

    response = await client.post(
        f"/api/v1/documents/{without}/reprocess",
        json={"password": "open sesame"},
        headers=account.headers,
    )
    assert response.status_code == 202, response.text
    await run_pipeline()
    assert (await documents.require(without)).status == DocumentStatus.ready


async def test_an_image_bomb_ends_failed_with_a_reason(
    client: httpx.AsyncClient, account: Account, run_pipeline: Any, documents: DocumentRows
) -> None:
    document_id = await uploaded_ok(client, account, scans.png_bomb(), "bomb.png")

    await run_pipeline()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.failed
    assert "pixels" in (document.failure_reason or "")


async def test_unknown_language_and_unaccepted_type_are_refused_with_the_lists(
    client: httpx.AsyncClient, account: Account, run_worker: Any
) -> None:
    await run_worker(queue="ocr")  # an OCR worker says which languages it has

    response = await upload(client, account, text_pdf("x"), "x.pdf", ocr_languages="eng+klingon")
    problem = assert_problem(response, 422)
    assert "klingon" in problem["detail"] and "eng" in problem["detail"]

    response = await upload(client, account, b"GIF? no: plain text " * 100, "notes.txt")
    problem = assert_problem(response, 415)
    assert "image/jpeg" in problem["detail"] and "application/pdf" in problem["detail"]


async def test_a_text_pdf_uploaded_as_german_is_searched_by_german_stems(
    client: httpx.AsyncClient, account: Account, run_pipeline: Any, documents: DocumentRows
) -> None:
    german = await uploaded_ok(
        client, account, text_pdf("Rechnungen der Kinder"), "brief.pdf", ocr_languages="deu"
    )
    plain = await uploaded_ok(client, account, text_pdf("Rechnungen, ohne Sprache"), "x.pdf")
    await run_pipeline()

    document = await documents.require(german)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.language == "deu"  # asked at upload; the text needed no OCR
    assert (await documents.require(plain)).language is None
    # "Rechnung" and "Kindern" share German stems with words of the text ("rechnung",
    # "kind"): only the document in German is matched by them.
    for q in ("Rechnung", "Kindern"):
        found = await client.get("/api/v1/documents", params={"q": q}, headers=account.headers)
        assert [item["id"] for item in found.json()["items"]] == [str(german)], q
