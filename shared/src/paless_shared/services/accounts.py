"""Accounts an admin manages: users (admin and active flags, password resets) and
groups of users.

Two rules keep an installation manageable: an admin cannot demote, deactivate or
delete themselves, and so at least one active admin always remains; and a user who
still owns documents is deactivated rather than deleted, so no document (nor its
objects in S3) disappears along with its owner.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.errors import Conflict, NotFound
from paless_shared.models import Group, User
from paless_shared.pagination import decode_cursor, split_page
from paless_shared.repositories.groups import GroupRepository
from paless_shared.repositories.users import TokenRepository, UserRepository
from paless_shared.security import hash_password
from paless_shared.services.auth import check_password_policy

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    items: Sequence[Row]
    next_cursor: str | None


# --- users ----------------------------------------------------------------------------


async def list_users(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[User]:
    rows = await UserRepository(session).list_page(
        limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return Page(*split_page(rows, limit, lambda row: (row.created_at, row.id)))


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


async def create_account(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    is_admin: bool,
    is_active: bool,
    min_length: int,
) -> User:
    users = UserRepository(session)
    if await users.get_by_username(username) is not None:
        raise Conflict(f"user {username!r} already exists")
    check_password_policy(password, min_length=min_length)
    password_hash = await asyncio.to_thread(hash_password, password)
    user = await users.add(
        User(username=username, password_hash=password_hash, is_admin=is_admin, is_active=is_active)
    )
    await session.refresh(user, ["created_at"])
    return user


async def _keep_an_admin(session: AsyncSession, actor: User, target: User) -> None:
    """Refuse a change that would take `target`'s admin rights away if it is the actor
    themselves. Locks the active admins first: two admins demoting each other at once
    are serialized, and the second finds they are no longer an admin."""
    admins = await UserRepository(session).lock_active_admins()
    if target.id == actor.id:
        raise Conflict("you cannot remove your own admin rights, deactivate or delete yourself")
    if actor.id not in admins:
        raise Conflict("you are no longer an active admin")


async def update_user(
    session: AsyncSession,
    actor: User,
    user_id: uuid.UUID,
    *,
    is_admin: bool | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    min_length: int,
) -> User:
    """Change a user's flags or reset their password. A reset or a deactivation revokes
    every token of the user: they log in again (once reactivated) with the new state."""
    user = await UserRepository(session).get(user_id, for_update=True)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    loses_admin = user.is_admin and user.is_active and (is_admin is False or is_active is False)
    if loses_admin:
        await _keep_an_admin(session, actor, user)
    if password is not None:
        check_password_policy(password, min_length=min_length)
        user.password_hash = await asyncio.to_thread(hash_password, password)
    if is_admin is not None:
        user.is_admin = is_admin
    if is_active is not None:
        user.is_active = is_active
    await session.flush()
    if password is not None or is_active is False:
        await TokenRepository(session).delete_for_user(user.id)
    return user


async def delete_user(session: AsyncSession, actor: User, user_id: uuid.UUID) -> None:
    users = UserRepository(session)
    user = await users.get(user_id, for_update=True)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if user.id == actor.id or (user.is_admin and user.is_active):
        await _keep_an_admin(session, actor, user)
    if await users.owns_documents(user.id):
        raise Conflict(
            f"user {user.username!r} still owns documents: deactivate the account instead "
            "(is_active=false), or delete their documents and empty their trash first"
        )
    await users.delete(user)


async def groups_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Group]:
    return await GroupRepository(session).groups_of(user_id)


# --- groups ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupWithMembers:
    group: Group
    members: Sequence[User]


async def list_groups(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[Group]:
    rows = await GroupRepository(session).list_page(
        limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return Page(*split_page(rows, limit, lambda row: (row.created_at, row.id)))


async def _group(groups: GroupRepository, group_id: uuid.UUID) -> Group:
    group = await groups.get(group_id)
    if group is None:
        raise NotFound(f"group {group_id} not found")
    return group


async def get_group(session: AsyncSession, group_id: uuid.UUID) -> GroupWithMembers:
    groups = GroupRepository(session)
    group = await _group(groups, group_id)
    return GroupWithMembers(group, await groups.members(group.id))


async def create_group(
    session: AsyncSession, *, name: str, member_ids: Sequence[uuid.UUID] = ()
) -> GroupWithMembers:
    groups = GroupRepository(session)
    if await groups.get_by_name(name) is not None:
        raise Conflict(f"group {name!r} already exists")
    group = await groups.add(Group(name=name))
    await session.refresh(group, ["created_at"])
    for user_id in dict.fromkeys(member_ids):
        await get_user(session, user_id)
        await groups.add_member(group.id, user_id)
    return GroupWithMembers(group, await groups.members(group.id))


async def rename_group(
    session: AsyncSession, group_id: uuid.UUID, *, name: str
) -> GroupWithMembers:
    groups = GroupRepository(session)
    group = await _group(groups, group_id)
    if name != group.name:
        if await groups.get_by_name(name) is not None:
            raise Conflict(f"group {name!r} already exists")
        group.name = name
        await session.flush()
    return GroupWithMembers(group, await groups.members(group.id))


async def delete_group(session: AsyncSession, group_id: uuid.UUID) -> None:
    groups = GroupRepository(session)
    await groups.delete(await _group(groups, group_id))


async def add_member(session: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
    groups = GroupRepository(session)
    await _group(groups, group_id)
    await get_user(session, user_id)
    await groups.add_member(group_id, user_id)


async def remove_member(session: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Idempotent: removing someone who is not a member is not an error."""
    groups = GroupRepository(session)
    await _group(groups, group_id)
    await get_user(session, user_id)
    await groups.remove_member(group_id, user_id)
