from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError

from paless_shared.errors import InvalidInput
from paless_shared.services.auth import authenticate, issue_token
from paless_web.deps import ConfigDep, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas import Token, TokenRequest

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
    responses=responses(401, 422),
    openapi_extra=_TOKEN_BODY,
)
async def create_token(
    request: Request,
    uow: UnitOfWorkDep,
    config: ConfigDep,
) -> Token:
    """Exchange a username and password for a bearer token.

    Send them as a form (`username=…&password=…`, as OAuth2 clients do) or as JSON.
    Use the token as `Authorization: Bearer <access_token>` until `expires_at`.
    """
    credentials = await _credentials(request)
    user = await authenticate(uow.session, credentials.username, credentials.password)
    token = await issue_token(
        uow.session, user, name="login", ttl_seconds=config.auth.token_ttl_seconds
    )
    return Token(access_token=token.secret, expires_at=token.expires_at)
