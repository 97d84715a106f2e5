"""The ingest job: a pending document's original in S3 becomes a `ready` row with its
text and a thumbnail, or a `failed` row with a reason; re-runs change nothing."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from arq import ArqRedis

from paless_devstack import free_port
from paless_shared.platform import jobs
from paless_shared.tables import DocumentStatus
from tests.conftest import Account
from tests.pdfs import corrupt_pdf, encrypted_pdf, owner_only_encrypted_pdf, text_pdf
from tests.web.support import object_keys
from tests.worker.support import (
    DocumentRows,
    pdf_with_creation_date,
    pdf_with_lone_surrogate_text,
    pdf_with_unreadable_second_page,
)


async def test_pending_document_becomes_ready_with_text_and_webp_thumbnail(
    uploaded: Any, run_worker: Any, documents: DocumentRows, storage: Any
) -> None:
    content = text_pdf("First page", "Second page", "Third page", title="Report")
    document_id = await uploaded(content, "report.pdf")
    assert (await documents.require(document_id)).status == DocumentStatus.pending

    worker = await run_worker()

    assert worker.jobs_complete == 1
    assert worker.jobs_failed == 0
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.failure_reason is None
    assert document.page_count == 3
    assert document.content == "First page\fSecond page\fThird page"
    assert document.pdf_metadata == {"title": "Report"}
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size_bytes == len(content)
    assert document.ingest_attempts == 1
    assert document.thumbnail_key is not None
    assert document.thumbnail_key.startswith(storage.renditions_prefix(document.id))
    thumbnail = await storage.read_head(document.thumbnail_key, 16)
    assert thumbnail.startswith(b"RIFF")
    assert thumbnail[8:12] == b"WEBP"


async def test_pdf_creation_date_becomes_the_document_date(
    uploaded: Any, run_worker: Any, documents: DocumentRows
) -> None:
    document_id = await uploaded(pdf_with_creation_date("D:20200102030405+01'00'"))

    await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.created_at == datetime(2020, 1, 2, 2, 4, 5, tzinfo=UTC)


async def test_running_ingest_again_on_a_ready_document_changes_nothing(
    uploaded: Any, run_worker: Any, documents: DocumentRows, queue: ArqRedis, storage: Any
) -> None:
    document_id = await uploaded(text_pdf("Only once"))
    await run_worker()
    before = await documents.snapshot(document_id)
    assert before["status"] == DocumentStatus.ready
    thumbnail_before = await storage.read_head(before["thumbnail_key"], 1 << 20)

    job = await queue.enqueue_job(jobs.INGEST, str(document_id), _job_id=f"again:{document_id}")
    assert job is not None
    worker = await run_worker()

    assert worker.jobs_complete == 1
    assert worker.jobs_failed == 0
    assert (await job.result(timeout=5))["document"] == "unchanged"
    assert await documents.snapshot(document_id) == before
    assert await storage.read_head(before["thumbnail_key"], 1 << 20) == thumbnail_before


async def test_ingest_interrupted_mid_way_converges_to_the_same_result(
    uploaded: Any, run_worker: Any, documents: DocumentRows, queue: ArqRedis, storage: Any
) -> None:
    """A worker killed after writing the thumbnail leaves the row `processing`; arq
    runs the job again and it must end exactly where a single run ends."""
    document_id = await uploaded(text_pdf("Run me twice", "please"))
    await run_worker()
    first = await documents.snapshot(document_id)
    await documents.set(document_id, status=DocumentStatus.processing)

    await queue.enqueue_job(jobs.INGEST, str(document_id), _job_id=f"rerun:{document_id}")
    worker = await run_worker()

    assert worker.jobs_failed == 0
    second = await documents.snapshot(document_id)
    assert second["ingest_attempts"] == first["ingest_attempts"] + 1
    # The second run made its renditions under keys of its own, and replaced the first's.
    assert await storage.head_size(second["thumbnail_key"]) is not None
    assert await storage.head_size(first["thumbnail_key"]) is None
    for changed in ("ingest_attempts", "thumbnail_key"):
        del first[changed], second[changed]
    assert second == first


async def test_ingest_of_unknown_document_completes_without_effect(
    run_worker: Any, queue: ArqRedis, storage: Any, documents: DocumentRows
) -> None:
    missing_id = uuid.uuid4()
    job = await queue.enqueue_job(jobs.INGEST, str(missing_id))
    assert job is not None

    worker = await run_worker()

    assert (worker.jobs_complete, worker.jobs_failed, worker.jobs_retried) == (1, 0, 0)
    assert (await job.result(timeout=5))["document"] == "unchanged"
    assert await documents.get(missing_id) is None


async def test_document_deleted_before_its_ingest_runs_leaves_nothing_behind(
    client: httpx.AsyncClient,
    account: Account,
    uploaded: Any,
    run_worker: Any,
    queue: ArqRedis,
    storage: Any,
    documents: DocumentRows,
) -> None:
    document_id = await uploaded(text_pdf("Short-lived"))
    row = await documents.require(document_id)
    original_key = row.original_key

    response = await client.delete(f"/api/v1/documents/{document_id}", headers=account.headers)
    assert response.status_code == 204
    response = await client.delete(f"/api/v1/trash/{document_id}", headers=account.headers)
    assert response.status_code == 204
    # Both the ingest from the upload and the cleanup from the purge are queued.
    assert await queue.zcard(queue.default_queue_name) == 2

    worker = await run_worker()

    assert (worker.jobs_complete, worker.jobs_failed) == (2, 0)
    assert await documents.get(document_id) is None
    assert await storage.head_size(original_key) is None
    assert not await object_keys(storage, storage.renditions_prefix(document_id))


async def test_original_missing_from_storage_fails_the_document(
    uploaded: Any, run_worker: Any, documents: DocumentRows, storage: Any
) -> None:
    document_id = await uploaded(text_pdf("Soon gone"))
    await storage.delete((await documents.require(document_id)).original_key)

    worker = await run_worker()

    assert worker.jobs_retried == 0
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.failed
    assert "missing from storage" in (document.failure_reason or "")
    assert document.thumbnail_key is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (encrypted_pdf(), "needs a password"),
        (corrupt_pdf(), "not a valid PDF"),
    ],
    ids=["encrypted", "corrupt"],
)
async def test_unreadable_pdf_fails_at_once_with_a_reason(
    uploaded: Any, run_worker: Any, documents: DocumentRows, content: bytes, reason: str
) -> None:
    document_id = await uploaded(content)

    worker = await run_worker()

    assert worker.jobs_retried == 0
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.failed
    assert reason in (document.failure_reason or "")
    assert document.ingest_attempts == 1


async def test_pdf_encrypted_without_user_password_is_read(
    uploaded: Any, run_worker: Any, documents: DocumentRows
) -> None:
    document_id = await uploaded(owner_only_encrypted_pdf())

    await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.content == "classified"


async def test_unreachable_storage_is_retried_then_fails_with_attempt_count(
    uploaded: Any, run_worker: Any, documents: DocumentRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id = await uploaded(text_pdf("Storage is down"))
    # The worker's context is built from the environment when it starts: point it at
    # a port nothing listens on, so every S3 call is refused.
    monkeypatch.setenv("PALESS_S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("PALESS_WORKER_MAX_TRIES", "2")

    worker = await run_worker()

    assert worker.jobs_retried >= 1
    assert worker.jobs_failed == 0
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.failed
    assert (document.failure_reason or "").startswith("gave up after 2 attempts"), (
        document.failure_reason
    )
    assert document.ingest_attempts == 2


async def test_document_out_of_attempts_fails_instead_of_running_again(
    uploaded: Any, run_worker: Any, documents: DocumentRows, storage: Any
) -> None:
    """A file that kept killing or timing out the worker is not tried forever."""
    document_id = await uploaded(text_pdf("Poison"))
    await documents.set(document_id, status=DocumentStatus.processing, ingest_attempts=5)

    worker = await run_worker()

    assert worker.jobs_failed == 0
    document = await documents.require(document_id)
    assert document.status == DocumentStatus.failed
    assert "did not finish after 5 attempts" in (document.failure_reason or "")
    assert document.ingest_attempts == 5
    assert document.content is None
    assert document.thumbnail_key is None
    assert not await object_keys(storage, storage.renditions_prefix(document_id))


async def test_nul_characters_in_text_are_dropped_not_fatal(
    uploaded: Any, run_worker: Any, documents: DocumentRows
) -> None:
    # Postgres text columns cannot hold U+0000.
    document_id = await uploaded(text_pdf("before\x00after", title="nul\x00title"))

    await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.content == "beforeafter"
    assert document.pdf_metadata == {"title": "nultitle"}


async def test_page_whose_text_cannot_be_extracted_is_left_empty(
    uploaded: Any, run_worker: Any, documents: DocumentRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALESS_OCR_MODE", "off")  # else the empty page goes to OCR
    document_id = await uploaded(pdf_with_unreadable_second_page())

    await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.page_count == 2
    assert document.content == "Readable first page\f"
    assert document.thumbnail_key is not None


async def test_lone_surrogate_in_text_does_not_fail_the_document(
    uploaded: Any, run_worker: Any, documents: DocumentRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALESS_WORKER_MAX_TRIES", "2")  # should it be retried, briefly
    document_id = await uploaded(pdf_with_lone_surrogate_text())

    worker = await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.content is not None
    assert document.content.endswith("ello")
    assert worker.jobs_retried == 0


async def test_out_of_range_creation_date_is_ignored(
    uploaded: Any, run_worker: Any, documents: DocumentRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALESS_WORKER_MAX_TRIES", "2")
    document_id = await uploaded(pdf_with_creation_date("D:00010101000000+01'00'"))
    received_at = (await documents.require(document_id)).created_at

    worker = await run_worker()

    document = await documents.require(document_id)
    assert document.status == DocumentStatus.ready, document.failure_reason
    assert document.content == "dated"
    assert document.created_at == received_at  # the unusable date is not kept
    assert worker.jobs_retried == 0
