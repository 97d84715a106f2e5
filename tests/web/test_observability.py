"""Request ids follow a request into its jobs; metrics describe the running system."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from arq import ArqRedis, func
from prometheus_client import REGISTRY

from paless_shared.platform.settings import RedisSettings, load
from tests.conftest import upload
from tests.pdfs import text_pdf


async def test_a_request_id_is_generated_and_returned(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert len(response.headers["x-request-id"]) == 32


async def test_a_caller_request_id_is_kept_and_an_unsafe_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    replaced = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert kept.headers["x-request-id"] == "trace-abc.123"
    assert replaced.headers["x-request-id"] != "bad id\twith spaces"
    assert " " not in replaced.headers["x-request-id"]


async def test_the_upload_request_id_travels_with_its_ingest_job(
    client: httpx.AsyncClient, account, queue
) -> None:
    response = await client.post(
        "/api/v1/documents",
        headers={**account.headers, "X-Request-ID": "upload-42"},
        files={"file": ("a.pdf", text_pdf("traced"), "application/pdf")},
    )
    assert response.status_code == 202
    raw = await queue.get(f"arq:job:ingest:{response.json()['id']}")
    job = json.loads(raw)
    assert job["f"] == "ingest"
    assert job["k"]["request_id"] == "upload-42"


async def test_metrics_count_requests_by_route_template_and_report_the_queue(
    client: httpx.AsyncClient, account
) -> None:
    document = (await upload(client, account, text_pdf("metrics"))).json()
    await client.get(f"/api/v1/documents/{document['id']}", headers=account.headers)

    response = await client.get("/metrics")

    assert response.status_code == 200
    text = response.text
    assert (
        'paless_http_requests_total{method="GET",route="/api/v1/documents/{document_id}",'
        'status="200"}' in text
    )
    assert document["id"] not in text  # raw paths never become labels
    queue_name = load(RedisSettings).queue_name
    assert f'paless_queue_depth{{queue="{queue_name}"}} 1.0' in text
    assert 'paless_documents{status="pending"} 1.0' in text


async def test_queue_depth_endpoint_for_the_autoscaler(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    for index in range(3):
        await upload(client, account, text_pdf(f"doc {index}"))
    assert (await client.get("/metrics/queue")).json() == {"queue_depth": 3}

    await run_worker()

    assert (await client.get("/metrics/queue")).json() == {"queue_depth": 0}


async def test_queue_depth_counts_jobs_waiting_and_running_but_not_deferred(
    client: httpx.AsyncClient, queue: ArqRedis, run_worker
) -> None:
    """What the worker autoscaler sees: work in hand. A retry waiting out its back-off
    (or any job deferred to later) needs no worker yet."""
    started, release = asyncio.Event(), asyncio.Event()

    async def hold(ctx: dict[str, Any]) -> None:
        started.set()
        await release.wait()

    await queue.enqueue_job("hold", _job_id="running")
    await queue.enqueue_job("hold", _job_id="deferred", _defer_by=timedelta(hours=1))
    worker = asyncio.create_task(run_worker(functions=[func(hold, name="hold")], max_jobs=1))
    await asyncio.wait_for(started.wait(), timeout=15)
    await queue.enqueue_job("hold", _job_id="waiting")

    while_running = (await client.get("/metrics/queue")).json()
    # The deferred job would keep a burst worker polling: take it away, then finish.
    await queue.zrem(load(RedisSettings).queue_name, "deferred")
    release.set()
    await asyncio.wait_for(worker, timeout=30)

    assert while_running == {"queue_depth": 2}
    assert (await client.get("/metrics/queue")).json() == {"queue_depth": 0}


async def test_worker_metrics_count_jobs_and_pages(
    client: httpx.AsyncClient, account, run_worker
) -> None:
    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before_ok = sample("paless_worker_jobs_succeeded_total", kind="ingest")
    before_pages = sample("paless_worker_pages_processed_total")
    await upload(client, account, text_pdf("one", "two", "three"))

    await run_worker()

    assert sample("paless_worker_jobs_succeeded_total", kind="ingest") == before_ok + 1
    assert sample("paless_worker_pages_processed_total") == before_pages + 3


def test_scheduler_check_fails_without_a_recent_heartbeat(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat"
    command = [str(Path(sys.executable).parent / "paless-scheduler"), "--check"]
    env = {**os.environ, "PALESS_SCHEDULER_HEARTBEAT_FILE": str(heartbeat)}

    assert subprocess.run(command, env=env, timeout=60).returncode == 1
    heartbeat.touch()
    assert subprocess.run(command, env=env, timeout=60).returncode == 0
