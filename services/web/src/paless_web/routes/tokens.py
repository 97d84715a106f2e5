"""Your API tokens: named, optionally expiring, revocable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status

from paless_shared.access import Principal
from paless_shared.services import audit
from paless_shared.services import auth as service
from paless_web.deps import Authentication, CurrentUser, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas import ApiToken, ApiTokenCreate, ApiTokenCreated, ApiTokenPage

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.get(
    "", operation_id="tokens_list", response_model=ApiTokenPage, responses=responses(401, 422)
)
async def list_tokens(
    authenticated: Authentication,
    uow: UnitOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> ApiTokenPage:
    """Your tokens, newest first, those from logging in included. Never their secrets."""
    page = await service.list_tokens(uow.session, authenticated.user, limit=limit, cursor=cursor)
    items = [
        ApiToken.model_validate(token).model_copy(
            update={"current": token.id == authenticated.token_id}
        )
        for token in page.items
    ]
    return ApiTokenPage(items=items, next_cursor=page.next_cursor)


@router.post(
    "",
    operation_id="tokens_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiTokenCreated,
    responses=responses(401, 422),
)
async def create_token(
    body: ApiTokenCreate, user: CurrentUser, uow: UnitOfWorkDep
) -> ApiTokenCreated:
    """Create a named token for a script or an integration.

    The answer holds the secret (`token`) this one time only: paless keeps just its
    hash. Without `expires_at` or `expires_in_days` the token works until revoked.
    """
    expires_at = body.expires_at
    if body.expires_in_days is not None:
        expires_at = datetime.now(UTC) + timedelta(days=body.expires_in_days)
    created = await service.create_api_token(
        uow.session, user, name=body.name, expires_at=expires_at
    )
    await audit.record(
        uow.session,
        Principal.of(user),
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
async def revoke_token(token_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep) -> None:
    """Revoke one of your tokens: it is refused (`401`) from the next request on.
    Revoking the token you are using logs you out."""
    await service.revoke_token(uow.session, user, token_id)
    await audit.record(
        uow.session, Principal.of(user), "token.revoked", object_type="token", object_id=token_id
    )
