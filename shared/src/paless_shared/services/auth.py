from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.errors import Conflict, InvalidCredentials
from paless_shared.models import ApiToken, User
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
    valid = verify_password(password, user.password_hash if user else None)
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
    tokens = TokenRepository(session)
    token_hash = hash_token(secret)
    now = datetime.now(UTC)
    user = await tokens.get_active_user(token_hash, now)
    if user is not None:
        await tokens.touch(token_hash, now)
    return user
