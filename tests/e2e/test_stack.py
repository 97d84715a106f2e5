"""The three services as real processes, talking through Postgres, Redis and S3 only:
what a deployment does, minus the containers."""

from __future__ import annotations

import asyncio
import hashlib
import signal
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from arq import ArqRedis
from arq.constants import result_key_prefix

from paless_devstack import free_port
from paless_shared.tables import DocumentStatus, TaskStatus
from tests.e2e.processes import Service, Services, script, service_env, wait_until_ready
from tests.pdfs import text_pdf
from tests.web.support import object_keys
from tests.worker.support import DocumentRows, TaskRows

pytestmark = pytest.mark.e2e

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    within: float,
    watch: list[Service],
) -> T:
    """Poll `probe` until `done` says yes; fail (with the services' logs) after `within`
    seconds or as soon as one of the services has died."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if done(value):
            return value
        for service in watch:
            service.assert_running()
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {s.name}\n{s.log()[-3000:]}" for s in watch)
            raise AssertionError(f"still {value!r} after {within}s\n{logs}")
        await asyncio.sleep(0.25)


def stop_all(services: list[Service]) -> list[int]:
    for service in services:
        service.terminate()  # all at once, as an orchestrator would
    return [service.stop(timeout=15) for service in services]


async def test_upload_process_download_and_delete_across_real_processes(
    services: Services, storage: Any, tmp_path: Path
) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = service_env(tmp_path, PALESS_WEB_PORT=str(port))
    web = services.start("paless-web", env=env)
    worker, ocr_worker = services.start_workers(env)
    scheduler = services.start("paless-scheduler", env=env)
    stack = [web, worker, ocr_worker, scheduler]
    await wait_until_ready(base_url, web)

    created = await asyncio.to_thread(
        subprocess.run,
        [script("paless"), "create-user", "erin", "--password", "correct horse"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr

    content = text_pdf("End to end", "over real sockets", title="E2E")
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        response = await http.post(
            "/api/v1/auth/token", data={"username": "erin", "password": "correct horse"}
        )
        assert response.status_code == 200, response.text
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

        response = await http.post(
            "/api/v1/documents",
            headers=headers,
            files={"file": ("e2e report.pdf", content, "application/pdf")},
        )
        assert response.status_code == 202, response.text
        document_id = uuid.UUID(response.json()["id"])

        async def fetch() -> dict[str, Any]:
            answer = await http.get(f"/api/v1/documents/{document_id}", headers=headers)
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        document = await eventually(
            fetch, lambda d: d["status"] in ("ready", "failed"), within=90, watch=stack
        )
        assert document["status"] == "ready", document["failure_reason"]
        assert document["page_count"] == 2
        assert document["content"].split("\f") == ["End to end", "over real sockets"]

        download = await http.get(f"/api/v1/documents/{document_id}/download", headers=headers)
        assert download.status_code == 307
        async with httpx.AsyncClient(timeout=30) as s3:
            fetched = await s3.get(download.headers["location"])
        assert fetched.status_code == 200
        assert hashlib.sha256(fetched.content).digest() == hashlib.sha256(content).digest()

        renditions = await object_keys(storage, storage.renditions_prefix(document_id))
        keys = [storage.original_key(document_id), *sorted(renditions)]
        assert [key.rsplit("/", 1)[-1] for key in keys[1:]] == ["thumbnail.webp"]

        async def sizes() -> list[int | None]:
            return [await storage.head_size(key) for key in keys]

        # Deleting moves the document to the trash: hidden, but its files are kept.
        deleted = await http.delete(f"/api/v1/documents/{document_id}", headers=headers)
        assert deleted.status_code == 204
        gone = await http.get(f"/api/v1/documents/{document_id}", headers=headers)
        assert gone.status_code == 404
        assert None not in await sizes()

        # Purging it from the trash removes the files too, through the worker.
        purged = await http.delete(f"/api/v1/trash/{document_id}", headers=headers)
        assert purged.status_code == 204

    await eventually(sizes, lambda found: found == [None, None], within=15, watch=stack)

    web_code, worker_code, ocr_code, scheduler_code = stop_all(stack)
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught so the
    # process ends "killed by SIGTERM", as the signal's sender expects.
    assert web_code in (0, -signal.SIGTERM)
    assert web.events("Application shutdown complete."), web.log()[-3000:]
    assert (worker_code, ocr_code, scheduler_code) == (0, 0, 0)


async def test_document_whose_job_was_lost_is_processed_by_scheduler_and_worker(
    services: Services,
    uploaded: Any,
    queue: ArqRedis,
    documents: DocumentRows,
    tasks: TaskRows,
    tmp_path: Path,
) -> None:
    document_id = await uploaded(text_pdf("Nobody enqueued me"))
    await queue.flushdb()  # Redis lost the job
    await documents.make_stale(document_id, timedelta(minutes=5))
    await tasks.set_for_document(document_id, enqueued_at=datetime.now(UTC) - timedelta(minutes=5))

    env = service_env(
        tmp_path,
        PALESS_RECONCILE_STALE_SECONDS="1",
        PALESS_RECONCILE_QUEUED_GRACE_SECONDS="1",
        PALESS_RECONCILE_CRON="* * * * * *",
        PALESS_SANITY_CHECK_CRON="disable",
        PALESS_EMPTY_TRASH_CRON="disable",
        PALESS_EXPIRE_UPLOADS_CRON="disable",
        PALESS_PRUNE_TASKS_CRON="disable",
        PALESS_SCHEDULER_TICK_SECONDS="0.2",
    )
    stack = [services.start("paless-scheduler", env=env), *services.start_workers(env)]

    async def status() -> DocumentStatus:
        return (await documents.require(document_id)).status

    final = await eventually(
        status,
        lambda s: s in (DocumentStatus.ready, DocumentStatus.failed),
        within=90,
        watch=stack,
    )
    assert final == DocumentStatus.ready
    assert (await documents.require(document_id)).content == "Nobody enqueued me"
    assert (await tasks.only_for_document(document_id)).status == TaskStatus.succeeded
    # It was a reconcile run that put the ingest back on the queue.
    reconciled = [key async for key in queue.scan_iter(match=result_key_prefix + "reconcile:*")]
    assert reconciled

    assert stop_all(stack) == [0, 0, 0]
