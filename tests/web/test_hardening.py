"""HTTP hardening: security headers on every answer, CORS only for configured origins,
limits on header and body sizes, and no token or signed URL in the logs."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from paless_devstack import free_port
from paless_shared.platform.observability import JsonFormatter, TextFormatter
from paless_shared.platform.settings import HttpSettings, WebSettings
from paless_shared.tables import ApiToken
from paless_web.app import create_app
from paless_web.main import server_options
from tests.conftest import upload
from tests.pdfs import text_pdf
from tests.web.support import assert_problem, in_chunks

SECURITY_HEADERS = {
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
}
ALLOWED_ORIGIN = "https://app.example.com"
BODY_LIMIT = 2048


@pytest.fixture
async def app_with() -> AsyncIterator[Callable[..., Any]]:
    """`await app_with(cors_origins=…)`: a client for an app with these HTTP settings."""
    async with AsyncExitStack() as stack:

        async def build(**settings: Any) -> httpx.AsyncClient:
            app = create_app(http=HttpSettings(**settings))
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://paless.test")
            )

        yield build


# --- security headers -----------------------------------------------------------------


async def test_api_answers_carry_security_headers_and_are_not_cached(
    client: httpx.AsyncClient, account
) -> None:
    answers = [
        await client.get("/api/v1/users/me", headers=account.headers),
        await client.get("/api/v1/users/me"),  # a 401 problem
        await client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}),
    ]

    for response in answers:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (response.request.url, name)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["cache-control"] == "no-store"
    assert [response.status_code for response in answers] == [200, 401, 401]


async def test_health_answers_carry_the_headers_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def csp_directives(response: httpx.Response) -> dict[str, list[str]]:
    csp = response.headers["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}


def page_assets(page: str) -> list[str]:
    """Every URL a page loads by itself: scripts, stylesheets and icons."""
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', page) + re.findall(
        r'<link[^>]*\shref="([^"]+)"', page
    )


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_load_everything_from_the_api_itself(
    client: httpx.AsyncClient, page: str
) -> None:
    """An air-gapped cluster has no CDN: the documentation pages must work with this
    origin alone, and their CSP allows nothing else."""
    response = await client.get(page)

    assert response.status_code == 200
    assets = page_assets(response.text)
    assert any(url.endswith(".js") for url in assets), response.text
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not same-origin"
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
    directives = csp_directives(response)
    for directive, sources in directives.items():
        for source in sources:
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:"), (
                f"{directive} allows {source}"
            )
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    spec = re.search(r'(?:data-openapi-url|spec-url)="([^"]+)"', response.text)
    assert spec and (await client.get(spec.group(1))).status_code == 200


async def test_swagger_ui_runs_no_inline_script_or_style(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    assert re.findall(r"<script(?![^>]*\ssrc=)", response.text) == []
    assert "<style" not in response.text and " style=" not in response.text
    directives = csp_directives(response)
    assert directives["style-src"] == ["'self'"]
    scripts = [url for url in page_assets(response.text) if url.endswith(".js")]
    bundle, start = [await client.get(url) for url in scripts]
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle(" in start.text


# --- CORS -----------------------------------------------------------------------------


async def test_no_cross_origin_access_by_default(client: httpx.AsyncClient, account) -> None:
    preflight = await client.options(
        "/api/v1/users/me",
        headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    simple = await client.get(
        "/api/v1/users/me", headers={**account.headers, "Origin": ALLOWED_ORIGIN}
    )

    assert preflight.status_code >= 400
    assert "access-control-allow-origin" not in preflight.headers
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


async def test_configured_origins_may_call_the_api(app_with, account) -> None:
    client = await app_with(cors_origins=f"{ALLOWED_ORIGIN}, https://other.example.com")
    request = {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST"}

    allowed = await client.options(
        "/api/v1/tokens",
        headers={**request, "Access-Control-Request-Headers": "authorization,content-type"},
    )
    refused = await client.options(
        "/api/v1/tokens", headers={**request, "Origin": "https://evil.example.net"}
    )
    simple = await client.get(
        "/api/v1/users/me", headers={**account.headers, "Origin": ALLOWED_ORIGIN}
    )

    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


# --- size limits ----------------------------------------------------------------------


async def test_a_body_over_the_limit_is_a_413_whether_or_not_its_length_is_known(
    app_with, account, db
) -> None:
    client = await app_with(web_max_body_bytes=BODY_LIMIT)
    body = b'{"name": "' + b"x" * (BODY_LIMIT * 2) + b'"}'
    headers = {**account.headers, "Content-Type": "application/json"}

    declared = await client.post("/api/v1/tokens", headers=headers, content=body)
    chunked = await client.post("/api/v1/tokens", headers=headers, content=in_chunks(body, 512))
    login = await client.post(
        "/api/v1/auth/token",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        content=in_chunks(b"username=a&password=" + b"p" * BODY_LIMIT * 2, 512),
    )

    for response in (declared, chunked, login):
        problem = assert_problem(response, 413)
        assert str(BODY_LIMIT) in problem["detail"]
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(ApiToken)) == 1
    # A body under the limit goes through, chunked or not.
    small = await client.post(
        "/api/v1/tokens", headers=headers, content=in_chunks(b'{"name": "small"}', 4)
    )
    assert small.status_code == 201, small.text


async def test_uploads_are_not_held_to_the_body_limit(app_with, account) -> None:
    client = await app_with(web_max_body_bytes=BODY_LIMIT)
    content = text_pdf("x" * 40, title="y" * BODY_LIMIT)
    assert len(content) > BODY_LIMIT

    response = await upload(client, account, content)

    assert response.status_code == 202, response.text


async def test_headers_over_the_limit_are_a_431(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Padding": "p" * 20_000})

    problem = assert_problem(response, 431)
    assert "16384" in problem["detail"]


async def read_status(port: int, head: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return int(status_line.split()[1])


async def test_the_server_drops_a_huge_request_head_before_reading_it_all(servers) -> None:
    """Served as paless-web serves it (h11): just over the limit gets the app's 431;
    far over it, the server refuses it (400) without buffering it; and carries on."""
    port = free_port()
    options = server_options(WebSettings(web_port=port), HttpSettings(), "warning")
    server = uvicorn.Server(uvicorn.Config(create_app(), **options))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), "the server did not start"
            await asyncio.sleep(0.05)

        def head(padding: int) -> bytes:
            return b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Padding: %s\r\n\r\n" % (b"p" * padding)

        assert await read_status(port, head(20_000)) == 431
        assert await read_status(port, head(1_000_000)) == 400
        assert await read_status(port, head(10)) == 200
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 30)


# --- logs -----------------------------------------------------------------------------


@pytest.fixture
def captured_logs() -> Iterator[list[io.StringIO]]:
    """Everything logged, at DEBUG and from every library, as the JSON and the text
    formatter write it."""
    root = logging.getLogger()
    saved_level = root.level
    noisy = [logging.getLogger(name) for name in ("botocore", "aiobotocore", "paless_web")]
    saved_noisy = [logger.level for logger in noisy]
    streams = [io.StringIO(), io.StringIO()]
    handlers = []
    for stream, formatter in zip(streams, (JsonFormatter(), TextFormatter()), strict=True):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handlers.append(handler)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for logger in noisy:
        logger.setLevel(logging.DEBUG)
    try:
        yield streams
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        root.setLevel(saved_level)
        for logger, level in zip(noisy, saved_noisy, strict=True):
            logger.setLevel(level)


async def test_neither_tokens_nor_signed_urls_reach_the_logs(
    client: httpx.AsyncClient, account, captured_logs
) -> None:
    login = await client.post(
        "/api/v1/auth/token", data={"username": account.username, "password": account.password}
    )
    token = login.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    document = (await upload(client, account, text_pdf("secret"))).json()
    redirect = await client.get(f"/api/v1/documents/{document['id']}/download", headers=headers)
    as_json = await client.get(
        f"/api/v1/documents/{document['id']}/download",
        params={"redirect": "false"},
        headers=headers,
    )
    # Even a careless log line holding both is cleaned.
    url = redirect.headers["location"]
    logging.getLogger("paless_web").warning(
        "careless", extra={"url": url, "headers": {"authorization": f"Bearer {token}"}}
    )

    assert redirect.status_code == 307
    assert as_json.status_code == 200
    signatures = {
        parse_qs(urlsplit(link).query)["X-Amz-Signature"][0]
        for link in (url, as_json.json()["url"])
    }
    for stream in captured_logs:
        logged = stream.getvalue()
        assert "web.request" in logged and "careless" in logged
        assert token not in logged
        assert account.headers["Authorization"].removeprefix("Bearer ") not in logged
        for signature in signatures:
            assert signature not in logged
        assert "[REDACTED]" in logged
