"""Signing in to the web UI: a session is an API token kept in an HttpOnly cookie.

Reusing the token machinery means a session is a row in Postgres like any token: it
expires, it is listed with the account's tokens, a password change ends it, and
signing out deletes it (the cookie is then worth nothing, even if copied). Each
state-changing request must carry the session's CSRF token (form field `csrf_token` or
header `X-CSRF-Token`): an HMAC of the session secret, which another site can neither
read nor compute.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from paless_shared.accounts.tokens import TokenAuthentication, authenticate_token
from paless_shared.platform.errors import Forbidden
from paless_shared.platform.principal import Principal
from paless_shared.tables import User
from paless_web.deps import UnitOfWorkDep

COOKIE = "paless_session"
SESSION_TOKEN_NAME = "web session"  # noqa: S105 - a token name, not a secret
# A session lasts a week at most (less when PALESS_TOKEN_TTL_SECONDS is shorter).
SESSION_SECONDS = 7 * 24 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """No valid session: the UI answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def csrf_token(secret: str) -> str:
    return hmac.new(secret.encode(), b"paless-ui-csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class UiSession:
    authentication: TokenAuthentication
    csrf: str

    @property
    def principal(self) -> Principal:
        return self.authentication.principal

    @property
    def user(self) -> User:
        return self.authentication.user


def next_path(request: Request) -> str:
    path = request.url.path
    return quote(path + (f"?{request.url.query}" if request.url.query else ""), safe="")


async def _csrf_ok(request: Request, expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent, expected)


async def get_ui_session(request: Request, uow: UnitOfWorkDep) -> UiSession:
    """The signed-in user of this browser; every unsafe method must prove it came from
    a page of ours (CSRF token)."""
    secret = request.cookies.get(COOKIE)
    authentication = await authenticate_token(uow.session, secret) if secret else None
    if authentication is None or secret is None:
        raise SignInRequired(next_path(request))
    expected = csrf_token(secret)
    if request.method not in SAFE_METHODS and not await _csrf_ok(request, expected):
        raise Forbidden("the form is stale or did not come from this site; reload the page")
    return UiSession(authentication, expected)


Session = Annotated[UiSession, Depends(get_ui_session)]
