"""Statements on users, API tokens and groups."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, delete, exists, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import (
    ApiToken,
    Document,
    Group,
    GroupMember,
    Task,
    TaskStatus,
    Upload,
    User,
)

# --- users ----------------------------------------------------------------------------


async def add(session: AsyncSession, row: User | ApiToken | Group) -> None:
    """Insert a user, token or group; server-set columns (created_at) are loaded."""
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])


async def delete_row(session: AsyncSession, row: User | ApiToken | Group) -> None:
    await session.delete(row)
    await session.flush()


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    result = await session.execute(select(User).where(User.username == username))
    return result.scalar_one_or_none()


async def get_user(
    session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
) -> User | None:
    statement = select(User).where(User.id == user_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def list_users(
    session: AsyncSession, *, limit: int, after: tuple[datetime, uuid.UUID] | None
) -> Sequence[User]:
    """Oldest first, keyset-paginated on (created_at, id)."""
    statement = select(User)
    if after is not None:
        statement = statement.where(tuple_(User.created_at, User.id) > after)
    statement = statement.order_by(User.created_at, User.id).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def lock_active_admins(session: AsyncSession) -> list[uuid.UUID]:
    """Ids of the active admins, locked until commit, so two requests cannot each
    remove a different one of the last two."""
    result = await session.execute(
        select(User.id)
        .where(User.is_admin.is_(True), User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    )
    return list(result.scalars())


async def owns_documents(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Whether any document (trashed ones included) belongs to the user."""
    result = await session.execute(select(exists().where(Document.owner_id == user_id)))
    return bool(result.scalar())


async def uploads_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Upload]:
    result = await session.execute(select(Upload).where(Upload.owner_id == user_id))
    return result.scalars().all()


async def keep_unfinished_tasks(session: AsyncSession, user_id: uuid.UUID, kind: str) -> None:
    """Detach the user's unfinished tasks of this kind from them, so deleting the user
    (tasks go with their owner) leaves them for reconcile."""
    await session.execute(
        update(Task)
        .where(Task.owner_id == user_id, Task.kind == kind, Task.status != TaskStatus.succeeded)
        .values(owner_id=None)
    )


# --- tokens ---------------------------------------------------------------------------


@cache
def _active_token_statement() -> Select[User, uuid.UUID, datetime | None]:
    """Built once, with bind parameters: every authenticated request runs it."""
    return (
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("token_hash"),
            User.is_active.is_(True),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > bindparam("now")),
        )
    )


async def active_token(
    session: AsyncSession, token_hash: str, now: datetime
) -> tuple[User, uuid.UUID, datetime | None] | None:
    """The active user owning an unexpired token with this hash, the token's id and
    when it was last used."""
    values = {"token_hash": token_hash, "now": now}
    row = (await session.execute(_active_token_statement(), values)).one_or_none()
    return (row[0], row[1], row[2]) if row else None


async def touch_token(session: AsyncSession, token_hash: str, used_before: datetime) -> None:
    """Record use, unless recorded since `used_before` (callers write at most once a
    minute per token, to keep reads cheap; the condition keeps concurrent requests
    from writing twice)."""
    await session.execute(
        update(ApiToken)
        .where(
            ApiToken.token_hash == token_hash,
            (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < used_before),
        )
        .values(last_used_at=func.now())
    )


async def owned_token(
    session: AsyncSession, token_id: uuid.UUID, user_id: uuid.UUID
) -> ApiToken | None:
    result = await session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    )
    return result.scalar_one_or_none()


async def list_tokens(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> Sequence[ApiToken]:
    """Newest first, keyset-paginated on (created_at, id)."""
    statement = select(ApiToken).where(ApiToken.user_id == user_id)
    if after is not None:
        statement = statement.where(tuple_(ApiToken.created_at, ApiToken.id) < after)
    statement = statement.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def delete_tokens_of(
    session: AsyncSession, user_id: uuid.UUID, *, keep: uuid.UUID | None = None
) -> int:
    """Revoke every token of the user (but `keep`); returns how many."""
    statement = delete(ApiToken).where(ApiToken.user_id == user_id)
    if keep is not None:
        statement = statement.where(ApiToken.id != keep)
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def usernames(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    result = await session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {row.id: row.username for row in result}


async def users_by_username(session: AsyncSession, names: Sequence[str]) -> dict[str, uuid.UUID]:
    if not names:
        return {}
    result = await session.execute(select(User.username, User.id).where(User.username.in_(names)))
    return {row.username: row.id for row in result}


# --- groups ---------------------------------------------------------------------------


async def get_group(session: AsyncSession, group_id: uuid.UUID) -> Group | None:
    return (await session.execute(select(Group).where(Group.id == group_id))).scalar_one_or_none()


async def group_by_name(session: AsyncSession, name: str) -> Group | None:
    return (await session.execute(select(Group).where(Group.name == name))).scalar_one_or_none()


async def list_groups(
    session: AsyncSession, *, limit: int, after: tuple[datetime, uuid.UUID] | None
) -> Sequence[Group]:
    """Oldest first, keyset-paginated on (created_at, id)."""
    statement = select(Group)
    if after is not None:
        statement = statement.where(tuple_(Group.created_at, Group.id) > after)
    statement = statement.order_by(Group.created_at, Group.id).limit(limit)
    return (await session.execute(statement)).scalars().all()


async def members(session: AsyncSession, group_id: uuid.UUID) -> Sequence[User]:
    result = await session.execute(
        select(User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group_id)
        .order_by(User.username)
    )
    return result.scalars().all()


async def groups_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Group]:
    result = await session.execute(
        select(Group)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user_id)
        .order_by(Group.name)
    )
    return result.scalars().all()


async def add_member(session: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Idempotent: adding a member twice leaves one membership."""
    await session.execute(
        insert(GroupMember)
        .values(group_id=group_id, user_id=user_id)
        .on_conflict_do_nothing(index_elements=["group_id", "user_id"])
    )


async def remove_member(session: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await session.execute(
        delete(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
    )


async def group_names(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    result = await session.execute(select(Group.id, Group.name).where(Group.id.in_(ids)))
    return {row.id: row.name for row in result}


async def groups_by_name(session: AsyncSession, names: Sequence[str]) -> dict[str, uuid.UUID]:
    if not names:
        return {}
    result = await session.execute(select(Group.name, Group.id).where(Group.name.in_(names)))
    return {row.name: row.id for row in result}


async def memberships(session: AsyncSession) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Every group's member ids."""
    result = await session.execute(select(GroupMember.group_id, GroupMember.user_id))
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row in result:
        found.setdefault(row.group_id, []).append(row.user_id)
    return found
