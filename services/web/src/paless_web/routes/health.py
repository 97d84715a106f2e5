"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from paless_shared.platform.database import ping
from paless_web.deps import StateDep
from paless_web.problems import problem_response, responses
from paless_web.schemas.common import Health
from paless_web.state import WebState

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)

_CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/healthz", operation_id="health_live", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers. Checks no dependency."""
    return Health(status="ok")


async def _postgres(state: WebState) -> None:
    await ping(state.engine)


async def _redis(state: WebState) -> None:
    await state.queue.ping()


async def _s3(state: WebState) -> None:
    await state.storage.ping()


_CHECKS: dict[str, Callable[[WebState], Awaitable[None]]] = {
    "postgres": _postgres,
    "redis": _redis,
    "s3": _s3,
}


async def _run_check(name: str, state: WebState) -> str:
    try:
        await asyncio.wait_for(_CHECKS[name](state), timeout=_CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        log.warning("web.readiness.failed", extra={"check": name, "error": str(exc)})
        return f"unavailable: {type(exc).__name__}"
    return "ok"


@router.get(
    "/readyz",
    operation_id="health_ready",
    response_model=Health,
    responses=responses(503),
)
async def readyz(state: StateDep) -> Health | JSONResponse:
    """Readiness: Postgres, Redis and S3 all answer. 503 names the ones that do not."""
    results = await asyncio.gather(*(_run_check(name, state) for name in _CHECKS))
    checks = dict(zip(_CHECKS, results, strict=True))
    failed = [name for name, result in checks.items() if result != "ok"]
    if not failed:
        return Health(status="ok", checks=checks)
    return problem_response(
        503, f"not ready: {', '.join(failed)} unavailable", slug="not-ready", checks=checks
    )
