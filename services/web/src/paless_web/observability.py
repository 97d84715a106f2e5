"""Request ids and Prometheus metrics for the web process."""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paless_shared.platform.observability import clean_request_id, request_id_var

log = logging.getLogger("paless_web")

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.encode()

REQUESTS = Counter(
    "paless_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
REQUEST_DURATION = Histogram(
    "paless_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE_DEPTH = Gauge(
    "paless_queue_depth",
    "Jobs in hand on a queue, waiting or running (read at scrape time).",
    ["queue"],
)
DOCUMENTS = Gauge("paless_documents", "Documents by status (read at scrape time).", ["status"])


def _route_template(scope: Scope) -> str:
    """The matched route's path template. FastAPI keeps the full template (router
    prefix included) on its effective route context; `route.path` lacks the prefix."""
    fastapi_scope = scope.get("fastapi") or {}
    for candidate in (fastapi_scope.get("effective_route_context"), scope.get("route")):
        template = getattr(candidate, "path", None)
        if isinstance(template, str):
            return template
    return "unmatched"


class RequestContextMiddleware:
    """Adopts or creates the request id, returns it in `X-Request-ID`, and records
    count and latency per route template (not per raw path, to bound label values)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # The metrics' children by label values, looked up once each (prometheus'
        # `labels()` takes a lock and builds its key on every call).
        self._counters: dict[tuple[str, str, str], Any] = {}
        self._durations: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers") or ():
            if name == _REQUEST_ID_NAME:
                incoming = value.decode("latin-1")
                break
        request_id = clean_request_id(incoming)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", ()),
                    (_REQUEST_ID_NAME, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            template = _route_template(scope)
            method = scope.get("method", "")
            elapsed = time.perf_counter() - started
            self._count(method, template, status, elapsed)
            log.info(
                "web.request",
                extra={
                    "method": method,
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            request_id_var.reset(token)

    def _count(self, method: str, template: str, status: int, elapsed: float) -> None:
        key = (method, template, str(status))
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = REQUESTS.labels(*key)
        counter.inc()
        duration = self._durations.get(key[:2])
        if duration is None:
            duration = self._durations[key[:2]] = REQUEST_DURATION.labels(method, template)
        duration.observe(elapsed)
