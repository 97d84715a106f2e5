"""Logging in: a username and password for a bearer token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError

from paless_shared.accounts.tokens import authenticate, issue_token
from paless_shared.audit import service as audit
from paless_shared.platform.errors import InvalidCredentials, InvalidInput
from paless_web.deps import ClientAddress, ConfigDep, LoginThrottleDep, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.accounts import Token, TokenRequest

router = APIRouter(prefix="/auth", tags=["auth"])

_FORM = "application/x-www-form-urlencoded"
_TOKEN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": TokenRequest.model_json_schema()},
            _FORM: {"schema": TokenRequest.model_json_schema()},
        },
    }
}


async def _credentials(request: Request) -> TokenRequest:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == _FORM:
            form = await request.form()
            return TokenRequest.model_validate(
                {key: value for key, value in form.items() if isinstance(value, str)}
            )
        return TokenRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        fields = ", ".join(str(error["loc"][0]) for error in exc.errors() if error["loc"])
        raise InvalidInput(f"username and password are required ({fields or 'body'})") from None


@router.post(
    "/token",
    operation_id="auth_token",
    response_model=Token,
    responses=responses(401, 422, 429),
    openapi_extra=_TOKEN_BODY,
)
async def create_token(
    request: Request,
    uow: UnitOfWorkDep,
    config: ConfigDep,
    throttle: LoginThrottleDep,
    address: ClientAddress,
) -> Token:
    """Exchange a username and password for a bearer token.

    Send them as a form (`username=…&password=…`, as OAuth2 clients do) or as JSON.
    Use the token as `Authorization: Bearer <access_token>` until `expires_at`.

    Repeated failures for one username, or from one address, lock further attempts
    out for a while: `429` with `Retry-After` (seconds), whatever the password.
    """
    credentials = await _credentials(request)
    await throttle.begin_attempt(credentials.username, address)
    try:
        principal = await authenticate(uow.session, credentials.username, credentials.password)
    except InvalidCredentials:
        # The attempt stays counted as a failed login.
        # The request's transaction rolls back with the 401: record in its own (a
        # named exception to "routes do not commit").
        await uow.session.rollback()
        await audit.record(
            uow.session,
            None,
            "login.failed",
            object_type="user",
            actor_name=credentials.username[:150],
        )
        await uow.session.commit()
        raise
    except Exception:
        await throttle.undecided(credentials.username, address)
        raise
    await throttle.succeeded(credentials.username, address)
    token = await issue_token(
        uow.session, principal, name="login", ttl_seconds=config.auth.token_ttl_seconds
    )
    await audit.record(
        uow.session, principal, "login.succeeded", object_type="user", object_id=principal.user_id
    )
    return Token(access_token=token.secret, expires_at=token.expires_at)
