"""S3 goes away (killed: no goodbye) during an upload and during an ingest, then comes
back on the same data: nothing accepted is lost, nothing refused leaves a row."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.platform.settings import (
    AuthSettings,
    CdnSettings,
    DatabaseSettings,
    DeliverySettings,
    RedisSettings,
    S3Settings,
    load,
)
from paless_shared.tables import DocumentStatus, TaskStatus
from paless_web.state import WebConfig
from tests.conftest import Account, upload
from tests.faults.conftest import PrivateS3, in_process_web, row_counts
from tests.pdfs import text_pdf
from tests.worker.support import DocumentRows, TaskRows

pytestmark = pytest.mark.faults

PROBLEM = "application/problem+json"
MIB = 1024 * 1024
BOUNDARY = "paless-faults-boundary"


def web_on(s3: PrivateS3) -> Any:
    """The web app, in-process, storing originals in the private S3."""
    s3_settings = load(S3Settings).model_copy(
        update={
            "s3_endpoint_url": s3.url,
            "s3_bucket": s3.bucket,
            "s3_access_key_id": s3.access_key,
            "s3_secret_access_key": s3.secret_key,
        }
    )
    return in_process_web(
        WebConfig(
            database=load(DatabaseSettings),
            redis=load(RedisSettings),
            s3=s3_settings,
            delivery=DeliverySettings(),
            auth=load(AuthSettings),
            cdn=CdnSettings(),
        )
    )


def assert_unavailable(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert int(response.headers["retry-after"]) > 0
    problem: dict[str, Any] = response.json()
    assert problem["status"] == 503
    assert "storage" in problem["detail"]
    return problem


async def stream_killing_s3_midway(s3: PrivateS3, content: bytes) -> AsyncIterator[bytes]:
    """A multipart body sent 1 MiB at a time; S3 is killed once 9 MiB have gone out (by
    then the first 8 MiB part has been written to S3)."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    for offset in range(0, len(content), MIB):
        if offset == 9 * MIB:
            await asyncio.to_thread(s3.stop)
        yield content[offset : offset + MIB]
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def test_s3_outage_during_uploads_and_an_ingest_loses_nothing(
    running_s3: PrivateS3,
    account: Account,
    run_worker: Any,
    queue: ArqRedis,
    documents: DocumentRows,
    tasks: TaskRows,
    db: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One outage, everything it hits: an upload streaming when S3 dies, an upload
    arriving while it is down, and a document accepted before it went down whose ingest
    runs during it. The worker reads from the private S3 too."""
    for name, value in running_s3.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PALESS_RECONCILE_QUEUED_GRACE_SECONDS", "1")
    monkeypatch.setenv("PALESS_RECONCILE_STALE_SECONDS", "1")
    small = text_pdf("Sent while S3 was down")
    big = b"%PDF-1.7\n" + bytes(10 * MIB)  # only its first kilobyte is sniffed
    async with web_on(running_s3) as client:
        before = await upload(client, account, text_pdf("Ingested through an outage"))
        assert before.status_code == 202, before.text
        accepted_id = uuid.UUID(before.json()["id"])

        # Fault 1: S3 dies in the middle of a streamed upload, its first part stored.
        midway = await client.post(
            "/api/v1/documents",
            headers={
                **account.headers,
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            },
            content=stream_killing_s3_midway(running_s3, big),
        )
        assert not running_s3.running
        assert_unavailable(midway)
        # Fault 2: an upload arrives while it is down.
        down = await upload(client, account, small, "down.pdf")
        assert_unavailable(down)
        refused = await row_counts(db, account.id)
        # Fault 3: the accepted document's ingest runs while it is down: one try.
        worker = await run_worker(max_burst_jobs=1)
        assert worker.jobs_retried == 1
        task = await tasks.only_for_document(accepted_id)
        assert (task.status, task.attempts) == (TaskStatus.queued, 1)
        assert "EndpointConnectionError" in (task.last_error or ""), task.last_error
        assert (await documents.require(accepted_id)).status == DocumentStatus.processing

        # S3 comes back, on the same data and port.
        await asyncio.to_thread(running_s3.start)
        again = await upload(client, account, small, "down.pdf")
        assert again.status_code == 202, again.text
        again_id = uuid.UUID(again.json()["id"])
    # Reconcile looks too: it must not send a second job, arq still holds the retry.
    await queue.enqueue_job("reconcile", "slot-after-outage")
    worker = await run_worker()

    accepted = await documents.require(accepted_id)
    retried = await tasks.only_for_document(accepted_id)
    lost = [
        document_id
        for document_id in (accepted_id, again_id)
        if (await documents.require(document_id)).status != DocumentStatus.ready
    ]
    print(
        f"\n[faults] S3 killed during uploads and an ingest: faults injected 3, "
        f"answers to uploads it hit {midway.status_code}/{down.status_code}, "
        f"rows they left (documents, tasks) {refused}; documents lost {len(lost)}; "
        f"ingest ready after {retried.attempts} attempts"
    )
    assert refused == (1, 1)  # the document accepted before the outage only
    assert accepted.status == DocumentStatus.ready, accepted.failure_reason
    assert accepted.content == "Ingested through an outage"
    assert accepted.ingest_attempts == 2
    assert (retried.status, retried.attempts, retried.last_error) == (
        TaskStatus.succeeded,
        2,
        None,
    )
    assert lost == []
    assert worker.jobs_complete == 3  # the retry, the upload after the outage, reconcile
    assert await row_counts(db, account.id) == (2, 2)
