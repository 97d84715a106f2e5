"""The web UI's sign-in, session cookie, CSRF protection and page headers, over ASGI
(the browser flows are in test_browser.py)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from paless_shared.platform.security import hash_token
from paless_shared.tables import ApiToken, Tag
from tests.conftest import Account
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


async def test_pages_need_a_session(web: httpx.AsyncClient) -> None:
    web.cookies.clear()
    response = await web.get("/documents?q=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fdocuments%3Fq%3Dx"
    htmx = await web.get("/documents", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"].startswith("/login")


async def test_the_session_cookie_is_httponly_lax_and_revoked_on_sign_out(
    web: httpx.AsyncClient, account: Account, db: Any
) -> None:
    web.cookies.clear()
    response = await web.post(
        "/login", data={"username": account.username, "password": account.password}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain HTTP here; set over HTTPS
    csrf = await sign_in(web, account)
    secret = web.cookies["paless_session"]
    # The session is a token row: it works as a bearer token too, until signed out.
    assert (
        await web.get("/api/v1/users/me", headers={"Authorization": f"Bearer {secret}"})
    ).status_code == 200

    refused = await web.post("/logout")
    assert refused.status_code == 403  # no CSRF token
    assert (await web.post("/logout", data={"csrf_token": csrf})).status_code == 303
    async with db() as session:
        left = await session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.token_hash == hash_token(secret))
        )
    assert left == 0
    web.cookies.set("paless_session", secret)
    assert (await web.get("/")).status_code == 303


async def test_wrong_passwords_are_refused_then_throttled(
    web: httpx.AsyncClient, account: Account
) -> None:
    web.cookies.clear()
    wrong = {"username": account.username, "password": "not the password"}
    first = await web.post("/login", data=wrong)
    assert first.status_code == 401 and "Incorrect username or password" in first.text
    statuses = [(await web.post("/login", data=wrong)).status_code for _ in range(6)]
    assert statuses[-1] == 429
    locked = await web.post(
        "/login", data={"username": account.username, "password": account.password}
    )
    assert locked.status_code == 429 and "too many failed logins" in locked.text
    assert int(locked.headers["retry-after"]) > 0


async def test_state_changes_need_the_csrf_token(
    web: httpx.AsyncClient, account: Account, db: Any
) -> None:
    csrf = await sign_in(web, account)
    no_token = await web.post("/manage/tags", data={"name": "urgent"})
    forged = await web.post("/manage/tags", data={"name": "urgent", "csrf_token": "0" * 64})
    assert no_token.status_code == forged.status_code == 403
    ok = await web.post("/manage/tags", data={"name": "urgent", "csrf_token": csrf})
    assert ok.status_code == 303
    header = await web.post("/manage/tags", data={"name": "later"}, headers={"X-CSRF-Token": csrf})
    assert header.status_code == 303
    async with db() as session:
        names = set((await session.execute(select(Tag.name))).scalars())
    assert names == {"urgent", "later"}


async def test_every_screen_renders_without_inline_script_or_style(
    web: httpx.AsyncClient, make_account: Any, db: Any
) -> None:
    admin = await make_account(admin=True)
    stored = StoredDocuments(db)
    tag = await stored.add_object(admin, Tag, "bills", color="#1f78b4")
    document = await stored.add(admin, "Gas bill", "gas invoice for March", tags=[tag])
    csrf = await sign_in(web, admin)
    view = await web.post("/views", data={"csrf_token": csrf, "name": "Gas", "query": "q=gas"})
    view_id = view.headers["location"].rsplit("/", 1)[1]
    for path in [
        "/",
        "/documents",
        "/documents?q=gas&display=thumbnails",
        f"/documents/{document}",
        "/upload",
        "/manage/tags",
        f"/manage/tags/{tag}",
        "/manage/correspondents",
        "/manage/document_types",
        "/manage/custom_fields",
        "/manage/views",
        f"/views/{view_id}/edit",
        "/tasks",
        "/trash",
        "/account",
        "/admin/users",
        "/views/sidebar",
    ]:
        response = await web.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe" not in csp
        assert "frame-src http://127.0.0.1:" in csp  # the storage origin, for previews
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\s(style|on[a-z]+)=", html), path
    search = await web.get("/documents?q=gas")
    assert "<mark>gas</mark>" in search.text.lower()
