"""The document screen's versions (list, download by signed URL, restore) and
reprocessing with OCR settings, and task progress on the tasks screen, over ASGI."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from paless_shared.tables import (
    Document,
    DocumentPage,
    DocumentStatus,
    DocumentVersion,
    ProcessingRun,
    RunStatus,
    Task,
    TaskStatus,
)
from tests.conftest import Account
from tests.pdfs import text_pdf
from tests.web.stored import StoredDocuments, running_app


@pytest.fixture(scope="module")
async def web(servers: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app() as client:
        yield client


async def sign_in(web: httpx.AsyncClient, account: Account) -> str:
    web.cookies.clear()
    response = await web.post(
        "/login", data={"username": account.username, "password": account.password, "next": "/"}
    )
    assert response.status_code == 303, response.text
    page = await web.get("/")
    match = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


async def test_versions_are_listed_downloaded_by_signed_url_and_restored(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner, viewer = await make_account(), await make_account()
    document = await StoredDocuments(db).add(owner, "Contract", "the contract")
    csrf = await sign_in(web, owner)
    # The default download is the current version's original (it has no archive):
    # a redirect to storage, never the bytes.
    first = await web.get(f"/documents/{document}/download")
    assert first.status_code == 307 and "X-Amz-Signature" in first.headers["location"]
    assert f"originals/{document}.pdf" in first.headers["location"]
    async with db() as session:
        session.add(
            DocumentVersion(
                document_id=uuid.UUID(document),
                number=2,
                original_key=f"originals/{document}-v2.pdf",
                archive_key=f"renditions/{document}/v2/archive.pdf",
                mime_type="application/pdf",
                size_bytes=2000,
                page_count=3,
                created_by_id=owner.id,
            )
        )
        await session.commit()

    page = await web.get(f"/documents/{document}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="versions"') :]
    assert "Version 1" in section and "(current)" in section and "Version 2" in section
    assert f"/documents/{document}/versions/2/restore" in section
    assert f"/documents/{document}/versions/1/restore" not in section  # the current one
    archive = await web.get(f"/documents/{document}/download?version=2&rendition=archive")
    assert archive.status_code == 307
    assert f"renditions/{document}/v2/archive.pdf" in archive.headers["location"]
    assert (
        await web.get(f"/documents/{document}/download?version=1&rendition=archive")
    ).status_code == 404
    assert (await web.get(f"/documents/{document}/download?rendition=thumbnail")).status_code == 422
    assert (await web.get(f"/documents/{document}/download?version=x")).status_code == 422
    assert (await web.get(f"/documents/{document}/download?version=9")).status_code == 404

    restored = await web.post(
        f"/documents/{document}/versions/2/restore", data={"csrf_token": csrf}
    )
    assert restored.status_code == 303
    async with db() as session:
        row = await session.get(Document, uuid.UUID(document))
        assert row is not None and row.original_key == f"originals/{document}-v2.pdf"
    page = await web.get(f"/documents/{document}")
    assert f"/documents/{document}/versions/1/restore" in page.text

    # A viewer downloads but cannot restore.
    await web.put(
        f"/api/v1/documents/{document}/permissions",
        headers=owner.headers,
        json={
            "owner": str(owner.id),
            "view": {"users": [str(viewer.id)], "groups": []},
            "change": {"users": [], "groups": []},
        },
    )
    viewer_csrf = await sign_in(web, viewer)
    page = await web.get(f"/documents/{document}")
    assert "Version 2" in page.text and "/restore" not in page.text
    refused = await web.post(
        f"/documents/{document}/versions/1/restore", data={"csrf_token": viewer_csrf}
    )
    assert refused.status_code == 403


async def test_reprocess_takes_ocr_settings(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner = await make_account()
    document = await StoredDocuments(db).add(owner, "Scan", "blurry")
    csrf = await sign_in(web, owner)
    page = await web.get(f"/documents/{document}")
    assert 'name="ocr_mode"' in page.text and 'name="ocr_languages"' in page.text
    bad = await web.post(
        f"/documents/{document}/reprocess", data={"csrf_token": csrf, "ocr_mode": "always"}
    )
    assert bad.status_code == 422
    bad_language = await web.post(
        f"/documents/{document}/reprocess",
        data={"csrf_token": csrf, "ocr_languages": "not a code!"},
    )
    assert bad_language.status_code == 422
    done = await web.post(
        f"/documents/{document}/reprocess",
        data={
            "csrf_token": csrf,
            "ocr_mode": "force",
            "ocr_languages": "eng+deu",
            "ocr_deskew": "false",
            "ocr_rotate_pages": "",
            "ocr_clean": "true",
        },
    )
    assert done.status_code == 303, done.text
    async with db() as session:
        row = await session.get(Document, uuid.UUID(document))
        assert row is not None and row.status is DocumentStatus.pending
        settings = (
            await session.execute(
                select(ProcessingRun.settings)
                .join(DocumentVersion, DocumentVersion.id == ProcessingRun.version_id)
                .where(DocumentVersion.document_id == row.id)
            )
        ).scalar_one()
    assert settings == {
        "mode": "force",
        "languages": ["eng", "deu"],
        "deskew": False,
        "clean": True,
    }


async def test_tasks_show_pages_done_of_total(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner = await make_account()
    document = await StoredDocuments(db).add(owner, "Long scan", "")
    async with db() as session:
        session.add(
            Task(
                kind="ingest_document",
                job_id=f"job-{uuid.uuid4()}",
                owner_id=owner.id,
                document_id=uuid.UUID(document),
                status=TaskStatus.running,
                result={"pages_done": 3, "pages_total": 7},
            )
        )
        await session.commit()
    await sign_in(web, owner)
    page = await web.get("/tasks")
    assert page.status_code == 200
    assert '<progress max="7" value="3"' in page.text and "3/7 pages" in page.text


async def test_an_upload_from_the_screen_carries_its_ocr_settings(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner = await make_account()
    csrf = await sign_in(web, owner)
    assert 'id="upload-ocr"' in (await web.get("/upload")).text
    headers = {"X-CSRF-Token": csrf}
    started = await web.post("/upload/start", json={"filename": "scan.pdf"}, headers=headers)
    assert started.status_code == 200, started.text
    target = started.json()
    # The browser sends the file straight to storage (the web never sees it).
    async with httpx.AsyncClient() as storage:
        sent = await storage.post(
            target["url"],
            data=target["fields"],
            files={"file": ("scan.pdf", text_pdf("A scan"), "application/pdf")},
        )
    assert sent.is_success, sent.text
    path = f"/upload/{target['upload_id']}/complete"
    refused = await web.post(path, json={"ocr_mode": "sometimes"}, headers=headers)
    assert refused.status_code == 422
    done = await web.post(path, json={"ocr_mode": "off", "ocr_clean": "false"}, headers=headers)
    assert done.status_code == 200, done.text
    document_id = uuid.UUID(done.json()["document_id"])
    async with db() as session:
        settings = (
            await session.execute(
                select(ProcessingRun.settings)
                .join(DocumentVersion, DocumentVersion.id == ProcessingRun.version_id)
                .where(DocumentVersion.document_id == document_id)
            )
        ).scalar_one()
    assert settings == {"mode": "off", "clean": False}


async def test_search_snippets_name_the_pages_of_their_hits(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    owner = await make_account()
    document = uuid.UUID(
        await StoredDocuments(db).add(owner, "Utilities", "intro page. gas invoice for March")
    )
    async with db() as session:
        version = DocumentVersion(
            document_id=document,
            number=1,
            original_key=f"originals/{document}.pdf",
            mime_type="application/pdf",
            size_bytes=1000,
            page_count=3,
            created_by_id=owner.id,
        )
        session.add(version)
        await session.flush()
        run = ProcessingRun(version_id=version.id, status=RunStatus.done)
        session.add(run)
        await session.flush()
        version.run_id = run.id
        session.add_all(
            [
                DocumentPage(run_id=run.id, number=1, text="intro page"),
                DocumentPage(run_id=run.id, number=2, text="gas invoice for March"),
                DocumentPage(run_id=run.id, number=3, text="more gas"),
            ]
        )
        row = await session.get(Document, document)
        assert row is not None
        row.current_version_id = version.id
        await session.commit()
    await sign_in(web, owner)
    page = await web.get("/documents?q=gas")
    assert "<mark>gas</mark>" in page.text.lower()
    assert "(pages 2, 3)" in page.text
    assert "(page 1)" in (await web.get("/documents?q=intro")).text
