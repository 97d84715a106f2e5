"""HTTP hardening: security headers on every answer, CORS for configured origins only,
and limits on the size of request headers and bodies."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paless_shared.platform.settings import HttpSettings
from paless_web import apidocs
from paless_web.problems import problem_response

# Routes that take a body of their own size (checked against PALESS_MAX_UPLOAD_BYTES
# while streaming it to S3): the general body limit does not apply to them.
STREAMED_BODY_ROUTES = frozenset({("POST", "/api/v1/documents")})

# The API serves JSON only: nothing may load from it, frame it or run in it.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The documentation pages load their scripts, styles and icons from this origin only
# (apidocs.py serves them) and fetch the spec from it. Swagger UI's stylesheet embeds
# its icons as data: URLs. /docs has no inline script or style.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# ReDoc styles itself by inserting <style> elements and runs its search in a worker it
# builds from a blob: both are allowed, still nothing from another origin.
REDOC_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
COMMON_HEADERS = {
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000"


def route_path(scope: Scope) -> str:
    """The path without the deployment's root path (PALESS_WEB_ROOT_PATH)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


class SecurityHeadersMiddleware:
    """Adds the security headers an answer does not set itself; API answers (which
    carry tokens and private data) are also marked `Cache-Control: no-store`."""

    def __init__(self, app: ASGIApp, *, page_csp: Mapping[str, str]) -> None:
        self.app = app
        self.page_csp = page_csp
        # The headers to add, encoded once per kind of answer (CSP, API or not, HTTPS
        # or not): there are a handful of kinds and an answer is one of them.
        self._added: dict[tuple[str, bool, bool], tuple[tuple[bytes, bytes], ...]] = {}

    def _headers(self, csp: str, api: bool, https: bool) -> tuple[tuple[bytes, bytes], ...]:
        kind = (csp, api, https)
        added = self._added.get(kind)
        if added is None:
            headers = {**COMMON_HEADERS, "content-security-policy": csp}
            if api:
                headers["cache-control"] = "no-store"
            if https:
                headers["strict-transport-security"] = HSTS
            added = tuple((name.encode(), value.encode()) for name, value in headers.items())
            self._added[kind] = added
        return added

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        csp = self.page_csp.get(path, API_CSP)
        added = self._headers(csp, path.startswith("/api/"), scope.get("scheme") == "https")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                # Header names in ASGI messages are lower case; the answer's own win.
                present = {name.lower() for name, _value in headers}
                headers.extend(header for header in added if header[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLimitsMiddleware:
    """431 when the request's header lines exceed PALESS_WEB_MAX_HEADER_BYTES; 413 when
    its body exceeds PALESS_WEB_MAX_BODY_BYTES, by its Content-Length up front or, when
    sent chunked, as soon as that much has arrived (the body is read before the route
    runs, which reads at most this much anyway). Streamed upload routes are exempt."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or []
        if sum(len(name) + len(value) + 4 for name, value in headers) > self.max_header_bytes:
            response = problem_response(
                431,
                f"the request's headers exceed {self.max_header_bytes} bytes",
                slug="headers-too-large",
            )
            await response(scope, receive, send)
            return
        if (scope.get("method", ""), route_path(scope)) in STREAMED_BODY_ROUTES:
            await self.app(scope, receive, send)
            return
        fields = dict(headers)
        declared = fields.get(b"content-length")
        if declared is None and b"transfer-encoding" not in fields:
            # HTTP/1.1: a request with neither header has no body (RFC 9112 §6.3).
            await self.app(scope, receive, send)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        body = bytearray()
        first_other: Message | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                first_other = message  # the client went away: let the app see it
                break
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                if first_other is not None:
                    return first_other
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            f"the request body exceeds {self.max_body_bytes} bytes",
            slug="payload-too-large",
            title="Payload too large",
        )
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def install(app: FastAPI, settings: HttpSettings) -> None:
    """Add the middlewares, innermost first: limits, then CORS (so a refused request's
    answer still carries CORS headers a browser can read), then security headers."""
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.web_max_body_bytes,
        max_header_bytes=settings.web_max_header_bytes,
    )
    origins = settings.cors_origin_list
    if origins:
        # Bearer tokens, not cookies: no credentials mode.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "Location", "Content-Disposition"],
            max_age=600,
        )
    app.add_middleware(
        SecurityHeadersMiddleware,
        page_csp={apidocs.SWAGGER_PATH: DOCS_CSP, apidocs.REDOC_PATH: REDOC_CSP},
    )
