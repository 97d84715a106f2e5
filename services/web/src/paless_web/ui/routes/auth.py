"""Signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared.accounts.tokens import authenticate, issue_token, revoke_token
from paless_shared.audit import service as audit
from paless_shared.platform.errors import InvalidCredentials, TooManyRequests
from paless_web.deps import ClientAddress, ConfigDep, LoginThrottleDep, UnitOfWorkDep
from paless_web.ui.render import render, url
from paless_web.ui.session import COOKIE, SESSION_SECONDS, SESSION_TOKEN_NAME, Session

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    # Only a path of this site: never an open redirect.
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
async def login(
    request: Request,
    uow: UnitOfWorkDep,
    config: ConfigDep,
    throttle: LoginThrottleDep,
    address: ClientAddress,
    username: Annotated[str, Form(max_length=150)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """The same checks and throttle as POST /api/v1/auth/token; a session cookie instead
    of a token in the answer."""
    context = {"next": _safe_next(next), "username": username}
    try:
        await throttle.begin_attempt(username, address)
    except TooManyRequests as exc:
        return render(
            request,
            "login.html",
            {**context, "error": exc.detail},
            status_code=429,
            headers=exc.response_headers(),
        )
    try:
        principal = await authenticate(uow.session, username, password)
    except InvalidCredentials:
        await uow.session.rollback()
        await audit.record(
            uow.session, None, "login.failed", object_type="user", actor_name=username[:150]
        )
        await uow.session.commit()
        return render(
            request,
            "login.html",
            {**context, "error": "Incorrect username or password."},
            status_code=401,
        )
    except Exception:
        await throttle.undecided(username, address)
        raise
    await throttle.succeeded(username, address)
    ttl = min(SESSION_SECONDS, config.auth.token_ttl_seconds)
    token = await issue_token(uow.session, principal, name=SESSION_TOKEN_NAME, ttl_seconds=ttl)
    await audit.record(
        uow.session, principal, "login.succeeded", object_type="user", object_id=principal.user_id
    )
    response = RedirectResponse(url(request, _safe_next(next)), status_code=303)
    response.set_cookie(
        COOKIE,
        token.secret,
        max_age=ttl,
        path=url(request, "/") or "/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    """End the session: its token is deleted, so the cookie no longer signs anyone in."""
    await revoke_token(uow.session, session.principal, session.authentication.token_id)
    response = RedirectResponse(url(request, "/login"), status_code=303)
    response.delete_cookie(COOKIE, path=url(request, "/") or "/")
    return response
