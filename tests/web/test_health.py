"""Liveness and readiness probes."""

from __future__ import annotations

import httpx

from paless_devstack import free_port
from paless_shared.platform.settings import S3Settings, load
from tests.web.support import assert_problem


async def test_liveness_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readiness_checks_postgres_redis_and_s3(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"postgres": "ok", "redis": "ok", "s3": "ok"},
    }


async def test_readiness_is_a_503_problem_naming_s3_when_storage_does_not_answer(
    app_client,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    unreachable = load(S3Settings).model_copy(update={"s3_endpoint_url": closed})
    client = await app_client(s3=unreachable)

    response = await client.get("/readyz")

    problem = assert_problem(response, 503)
    assert "s3" in problem["detail"]
    assert "postgres" not in problem["detail"]
    assert problem["checks"]["postgres"] == "ok"
    assert problem["checks"]["redis"] == "ok"
    assert problem["checks"]["s3"].startswith("unavailable")
