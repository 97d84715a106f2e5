"""Your API tokens: named, optionally expiring, revocable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, status

from paless_shared.accounts import tokens as service
from paless_shared.audit import service as audit
from paless_web.deps import Authentication, CurrentPrincipal, Pagination, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.accounts import ApiToken, ApiTokenCreate, ApiTokenCreated, ApiTokenPage

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.get(
    "", operation_id="tokens_list", response_model=ApiTokenPage, responses=responses(401, 422)
)
async def list_tokens(
    authenticated: Authentication, uow: UnitOfWorkDep, page: Pagination
) -> ApiTokenPage:
    """Your tokens, newest first, those from logging in included. Never their secrets."""
    found = await service.list_tokens(
        uow.session, authenticated.principal, limit=page.limit, cursor=page.cursor
    )
    items = [
        ApiToken.model_validate(token).model_copy(
            update={"current": token.id == authenticated.token_id}
        )
        for token in found.items
    ]
    return ApiTokenPage(items=items, next_cursor=found.next_cursor)


@router.post(
    "",
    operation_id="tokens_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiTokenCreated,
    responses=responses(401, 422),
)
async def create_token(
    body: ApiTokenCreate, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> ApiTokenCreated:
    """Create a named token for a script or an integration.

    The answer holds the secret (`token`) this one time only: paless keeps just its
    hash. Without `expires_at` or `expires_in_days` the token works until revoked.
    """
    expires_at = body.expires_at
    if body.expires_in_days is not None:
        expires_at = datetime.now(UTC) + timedelta(days=body.expires_in_days)
    created = await service.create_api_token(
        uow.session, principal, name=body.name, expires_at=expires_at
    )
    await audit.record(
        uow.session,
        principal,
        "token.created",
        object_type="token",
        object_id=created.token.id,
        details={"name": body.name, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return ApiTokenCreated(
        **ApiToken.model_validate(created.token).model_dump(), token=created.secret
    )


@router.delete(
    "/{token_id}",
    operation_id="tokens_revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 404, 422),
)
async def revoke_token(
    token_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> None:
    """Revoke one of your tokens: it is refused (`401`) from the next request on.
    Revoking the token you are using logs you out."""
    await service.revoke_token(uow.session, principal, token_id)
    await audit.record(
        uow.session, principal, "token.revoked", object_type="token", object_id=token_id
    )
