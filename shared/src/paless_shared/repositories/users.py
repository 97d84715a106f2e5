from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.models import ApiToken, Document, User


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

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        statement = select(User).where(User.id == user_id)
        if for_update:
            statement = statement.with_for_update()
        result = await self.session.execute(statement)
        return result.scalar_one_or_none()

    async def list_page(
        self, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[User]:
        """Oldest first, keyset-paginated on (created_at, id)."""
        statement = select(User)
        if after is not None:
            statement = statement.where(tuple_(User.created_at, User.id) > after)
        statement = statement.order_by(User.created_at, User.id).limit(limit)
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def lock_active_admins(self) -> list[uuid.UUID]:
        """Ids of the active admins, locked until commit, so two requests cannot each
        remove a different one of the last two."""
        result = await self.session.execute(
            select(User.id)
            .where(User.is_admin.is_(True), User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
        return list(result.scalars())

    async def owns_documents(self, user_id: uuid.UUID) -> bool:
        """Whether any document (trashed ones included) belongs to the user."""
        result = await self.session.execute(select(exists().where(Document.owner_id == user_id)))
        return bool(result.scalar())

    async def delete(self, user: User) -> None:
        await self.session.delete(user)
        await self.session.flush()


class TokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: ApiToken) -> ApiToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def get_active_user(self, token_hash: str, now: datetime) -> User | None:
        """The active user owning an unexpired token with this hash."""
        found = await self.get_active(token_hash, now)
        return found[0] if found else None

    async def get_active(
        self, token_hash: str, now: datetime
    ) -> tuple[User, uuid.UUID, datetime | None] | None:
        """The active user owning an unexpired token with this hash, the token's id and
        when it was last used."""
        statement = (
            select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_hash == token_hash,
                User.is_active.is_(True),
                (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
            )
        )
        row = (await self.session.execute(statement)).one_or_none()
        return (row[0], row[1], row[2]) if row else None

    async def touch(self, token_hash: str, now: datetime) -> None:
        """Record use (callers do it at most once a minute per token, to keep reads
        cheap; the condition keeps concurrent requests from writing twice)."""
        await self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.token_hash == token_hash,
                (ApiToken.last_used_at.is_(None))
                | (ApiToken.last_used_at < now - timedelta(minutes=1)),
            )
            .values(last_used_at=func.now())
        )

    async def get_owned(self, token_id: uuid.UUID, user_id: uuid.UUID) -> ApiToken | None:
        result = await self.session.execute(
            select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
        )
        return result.scalar_one_or_none()

    async def list_owned(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[ApiToken]:
        """Newest first, keyset-paginated on (created_at, id)."""
        statement = select(ApiToken).where(ApiToken.user_id == user_id)
        if after is not None:
            statement = statement.where(tuple_(ApiToken.created_at, ApiToken.id) < after)
        statement = statement.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()).limit(limit)
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def delete(self, token: ApiToken) -> None:
        await self.session.delete(token)
        await self.session.flush()

    async def delete_for_user(self, user_id: uuid.UUID, *, keep: uuid.UUID | None = None) -> int:
        """Revoke every token of the user (but `keep`); returns how many."""
        statement = delete(ApiToken).where(ApiToken.user_id == user_id)
        if keep is not None:
            statement = statement.where(ApiToken.id != keep)
        result = await self.session.execute(statement)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
