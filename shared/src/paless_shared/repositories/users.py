from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.models import ApiToken, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_username(self, username: str) -> User | None:
        result = await self.session.execute(select(User).where(User.username == username))
        return result.scalar_one_or_none()

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user


class TokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def get_active_user(self, token_hash: str, now: datetime) -> User | None:
        """The active user owning an unexpired token with this hash."""
        statement = (
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == token_hash,
                User.is_active.is_(True),
                (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
            )
        )
        result = await self.session.execute(statement)
        return result.scalar_one_or_none()

    async def touch(self, token_hash: str, now: datetime) -> None:
        """Record use, at most once a minute per token to keep reads cheap."""
        await self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.token_hash == token_hash,
                (ApiToken.last_used_at.is_(None))
                | (ApiToken.last_used_at < now - timedelta(minutes=1)),
            )
            .values(last_used_at=func.now())
        )
