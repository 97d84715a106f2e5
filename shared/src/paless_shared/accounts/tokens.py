"""Logging in and API tokens: issuing, authenticating, listing and revoking them, and
changing one's password (which revokes the other tokens)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.accounts import queries
from paless_shared.accounts.users import check_password_policy, principal_of
from paless_shared.platform.errors import Forbidden, InvalidCredentials, InvalidInput, NotFound
from paless_shared.platform.pagination import Page, decode_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.platform.security import (
    hash_password,
    hash_token,
    new_token_secret,
    verify_password,
)
from paless_shared.tables import ApiToken, User

# A token's last_used_at is written at most this often (a write per request would
# make every read a write).
TOUCH_INTERVAL = timedelta(minutes=1)


async def authenticate(session: AsyncSession, username: str, password: str) -> Principal:
    """The active user with this username and password; 401 otherwise."""
    user = await queries.user_by_username(session, username)
    # Argon2 is slow on purpose: keep it off the event loop.
    valid = await asyncio.to_thread(verify_password, password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        raise InvalidCredentials("incorrect username or password")
    return principal_of(user)


@dataclass(frozen=True)
class IssuedToken:
    secret: str
    expires_at: datetime


async def issue_token(
    session: AsyncSession, principal: Principal, *, name: str, ttl_seconds: int
) -> IssuedToken:
    """Store a new token's hash and return its secret, which is not kept anywhere."""
    secret = new_token_secret()
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
    await queries.add(
        session,
        ApiToken(
            user_id=principal.user_id,
            name=name,
            token_hash=hash_token(secret),
            expires_at=expires_at,
        ),
    )
    return IssuedToken(secret=secret, expires_at=expires_at)


@dataclass(frozen=True)
class TokenAuthentication:
    """Who a bearer token belongs to, and which token it was."""

    user: User
    token_id: uuid.UUID

    @property
    def principal(self) -> Principal:
        return principal_of(self.user)


async def authenticate_token(session: AsyncSession, secret: str) -> TokenAuthentication | None:
    """The active user of an unexpired, unrevoked token (revoking deletes the row)."""
    token_hash = hash_token(secret)
    now = datetime.now(UTC)
    found = await queries.active_token(session, token_hash, now)
    if found is None:
        return None
    user, token_id, last_used_at = found
    if last_used_at is None or last_used_at < now - TOUCH_INTERVAL:
        await queries.touch_token(session, token_hash, now - TOUCH_INTERVAL)
    return TokenAuthentication(user=user, token_id=token_id)


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str


async def create_api_token(
    session: AsyncSession, principal: Principal, *, name: str, expires_at: datetime | None
) -> CreatedToken:
    """A named token for scripts and integrations; its secret is returned once."""
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput("expires_at must be in the future")
    secret = new_token_secret()
    token = ApiToken(
        user_id=principal.user_id, name=name, token_hash=hash_token(secret), expires_at=expires_at
    )
    await queries.add(session, token)
    return CreatedToken(token=token, secret=secret)


async def list_tokens(
    session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None
) -> Page[ApiToken]:
    """The user's own tokens (login tokens included), newest first."""
    rows = await queries.list_tokens(
        session,
        principal.user_id,
        limit=limit + 1,
        after=decode_cursor(cursor) if cursor else None,
    )
    return split_page(rows, limit, lambda row: (row.created_at, row.id))


async def revoke_token(session: AsyncSession, principal: Principal, token_id: uuid.UUID) -> None:
    """Delete one of the user's tokens; it stops working with the next request."""
    token = await queries.owned_token(session, token_id, principal.user_id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    await queries.delete_row(session, token)


class WrongPassword(Forbidden):
    """The password given to confirm a change is not the user's current one."""


async def change_password(
    session: AsyncSession,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    min_length: int,
    keep_token_id: uuid.UUID | None,
) -> int:
    """Set a new password once the current one is proven; every other token of the user
    is revoked (a session someone else holds ends with the change). Returns how many."""
    user = await queries.get_user(session, principal.user_id, for_update=True)
    if user is None:
        raise NotFound(f"user {principal.user_id} not found")
    # Argon2 is slow on purpose: keep it off the event loop.
    if not await asyncio.to_thread(verify_password, current_password, user.password_hash):
        raise WrongPassword("the current password is incorrect")
    check_password_policy(new_password, min_length=min_length)
    user.password_hash = await asyncio.to_thread(hash_password, new_password)
    await session.flush()
    return await queries.delete_tokens_of(session, user.id, keep=keep_token_id)
