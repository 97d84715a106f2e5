from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.errors import Conflict, Forbidden, InvalidCredentials, InvalidInput, NotFound
from paless_shared.models import ApiToken, User
from paless_shared.pagination import decode_cursor, split_page
from paless_shared.repositories.users import TokenRepository, UserRepository
from paless_shared.security import hash_password, hash_token, new_token_secret, verify_password


async def create_user(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    is_admin: bool = False,
    exist_ok: bool = False,
) -> User:
    """Create a user; with `exist_ok`, an existing one gets the new password and role."""
    users = UserRepository(session)
    existing = await users.get_by_username(username)
    if existing is not None:
        if not exist_ok:
            raise Conflict(f"user {username!r} already exists")
        existing.password_hash = hash_password(password)
        existing.is_admin = is_admin
        existing.is_active = True
        await session.flush()
        return existing
    return await users.add(
        User(username=username, password_hash=hash_password(password), is_admin=is_admin)
    )


async def authenticate(session: AsyncSession, username: str, password: str) -> User:
    user = await UserRepository(session).get_by_username(username)
    # Argon2 is slow on purpose: keep it off the event loop.
    valid = await asyncio.to_thread(verify_password, password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        raise InvalidCredentials("incorrect username or password")
    return user


@dataclass(frozen=True)
class IssuedToken:
    secret: str
    expires_at: datetime


async def issue_token(
    session: AsyncSession, user: User, *, name: str, ttl_seconds: int
) -> IssuedToken:
    """Store a new token's hash and return its secret, which is not kept anywhere."""
    secret = new_token_secret()
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
    await TokenRepository(session).add(
        ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), expires_at=expires_at)
    )
    return IssuedToken(secret=secret, expires_at=expires_at)


async def user_for_token(session: AsyncSession, secret: str) -> User | None:
    authenticated = await authenticate_token(session, secret)
    return authenticated.user if authenticated else None


# --- API tokens a user manages, and password changes --------------------------------


# A token's last_used_at is written at most this often (a write per request would
# make every read a write).
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenAuthentication:
    """Who a bearer token belongs to, and which token it was."""

    user: User
    token_id: uuid.UUID


async def authenticate_token(session: AsyncSession, secret: str) -> TokenAuthentication | None:
    """The active user of an unexpired, unrevoked token (revoking deletes the row)."""
    tokens = TokenRepository(session)
    token_hash = hash_token(secret)
    now = datetime.now(UTC)
    found = await tokens.get_active(token_hash, now)
    if found is None:
        return None
    user, token_id, last_used_at = found
    if last_used_at is None or last_used_at < now - TOUCH_INTERVAL:
        await tokens.touch(token_hash, now)
    return TokenAuthentication(user=user, token_id=token_id)


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str


async def create_api_token(
    session: AsyncSession, user: User, *, name: str, expires_at: datetime | None
) -> CreatedToken:
    """A named token for scripts and integrations; its secret is returned once."""
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput("expires_at must be in the future")
    secret = new_token_secret()
    token = await TokenRepository(session).add(
        ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), expires_at=expires_at)
    )
    await session.refresh(token, ["created_at"])
    return CreatedToken(token=token, secret=secret)


@dataclass(frozen=True)
class TokenPage:
    items: Sequence[ApiToken]
    next_cursor: str | None


async def list_tokens(
    session: AsyncSession, user: User, *, limit: int, cursor: str | None
) -> TokenPage:
    """The user's own tokens (login tokens included), newest first."""
    rows = await TokenRepository(session).list_owned(
        user.id, limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return TokenPage(*split_page(rows, limit, lambda row: (row.created_at, row.id)))


async def revoke_token(session: AsyncSession, user: User, token_id: uuid.UUID) -> None:
    """Delete one of the user's tokens; it stops working with the next request."""
    tokens = TokenRepository(session)
    token = await tokens.get_owned(token_id, user.id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    await tokens.delete(token)


class WrongPassword(Forbidden):
    """The password given to confirm a change is not the user's current one."""


def check_password_policy(password: str, *, min_length: int) -> None:
    if len(password) < min_length:
        raise InvalidInput(f"the password must be at least {min_length} characters long")


async def change_password(
    session: AsyncSession,
    user: User,
    *,
    current_password: str,
    new_password: str,
    min_length: int,
    keep_token_id: uuid.UUID | None,
) -> int:
    """Set a new password once the current one is proven; every other token of the user
    is revoked (a session someone else holds ends with the change). Returns how many."""
    # Argon2 is slow on purpose: keep it off the event loop.
    if not await asyncio.to_thread(verify_password, current_password, user.password_hash):
        raise WrongPassword("the current password is incorrect")
    check_password_policy(new_password, min_length=min_length)
    user.password_hash = await asyncio.to_thread(hash_password, new_password)
    await session.flush()
    return await TokenRepository(session).delete_for_user(user.id, keep=keep_token_id)
