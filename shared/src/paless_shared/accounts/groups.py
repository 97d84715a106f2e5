"""Groups of users, managed by admins."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.accounts import queries
from paless_shared.accounts.users import get_user, ids_in_order
from paless_shared.platform.errors import Conflict, NotFound
from paless_shared.platform.pagination import Page, decode_cursor, split_page
from paless_shared.tables import Group, User


@dataclass(frozen=True)
class GroupWithMembers:
    group: Group
    members: Sequence[User]


async def list_groups(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[Group]:
    rows = await queries.list_groups(
        session, limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return split_page(rows, limit, lambda row: (row.created_at, row.id))


async def _group(session: AsyncSession, group_id: uuid.UUID) -> Group:
    group = await queries.get_group(session, group_id)
    if group is None:
        raise NotFound(f"group {group_id} not found")
    return group


async def _with_members(session: AsyncSession, group: Group) -> GroupWithMembers:
    return GroupWithMembers(group, await queries.members(session, group.id))


async def get_group(session: AsyncSession, group_id: uuid.UUID) -> GroupWithMembers:
    return await _with_members(session, await _group(session, group_id))


async def create_group(
    session: AsyncSession, *, name: str, member_ids: Sequence[uuid.UUID] = ()
) -> GroupWithMembers:
    if await queries.group_by_name(session, name) is not None:
        raise Conflict(f"group {name!r} already exists")
    group = Group(name=name)
    await queries.add(session, group)
    for user_id in dict.fromkeys(member_ids):
        await get_user(session, user_id)
        await queries.add_member(session, group.id, user_id)
    return await _with_members(session, group)


async def rename_group(
    session: AsyncSession, group_id: uuid.UUID, *, name: str
) -> GroupWithMembers:
    group = await _group(session, group_id)
    if name != group.name:
        if await queries.group_by_name(session, name) is not None:
            raise Conflict(f"group {name!r} already exists")
        group.name = name
        await session.flush()
    return await _with_members(session, group)


async def delete_group(session: AsyncSession, group_id: uuid.UUID) -> None:
    await queries.delete_row(session, await _group(session, group_id))


async def add_member(session: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await _group(session, group_id)
    await get_user(session, user_id)
    await queries.add_member(session, group_id, user_id)


async def remove_member(session: AsyncSession, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Idempotent: removing someone who is not a member is not an error."""
    await _group(session, group_id)
    await get_user(session, user_id)
    await queries.remove_member(session, group_id, user_id)


async def group_names(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of these groups (ids that match no group are left out)."""
    return await queries.group_names(session, list(dict.fromkeys(ids)))


async def ids_by_name(session: AsyncSession, names: Sequence[str]) -> list[uuid.UUID]:
    """The ids of these groups, in the order given; an unknown name is an error."""
    return await ids_in_order(session, names, queries.groups_by_name, "group")


async def memberships(session: AsyncSession) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Every group's member ids, by group id."""
    return await queries.memberships(session)
