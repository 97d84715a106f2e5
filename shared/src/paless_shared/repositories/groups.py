from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.models import Group, GroupMember, User


class GroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, group: Group) -> Group:
        self.session.add(group)
        await self.session.flush()
        return group

    async def get(self, group_id: uuid.UUID) -> Group | None:
        result = await self.session.execute(select(Group).where(Group.id == group_id))
        return result.scalar_one_or_none()

    async def get_by_name(self, name: str) -> Group | None:
        result = await self.session.execute(select(Group).where(Group.name == name))
        return result.scalar_one_or_none()

    async def list_page(
        self, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[Group]:
        """Oldest first, keyset-paginated on (created_at, id)."""
        statement = select(Group)
        if after is not None:
            statement = statement.where(tuple_(Group.created_at, Group.id) > after)
        statement = statement.order_by(Group.created_at, Group.id).limit(limit)
        result = await self.session.execute(statement)
        return result.scalars().all()

    async def delete(self, group: Group) -> None:
        await self.session.delete(group)
        await self.session.flush()

    async def members(self, group_id: uuid.UUID) -> Sequence[User]:
        result = await self.session.execute(
            select(User)
            .join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == group_id)
            .order_by(User.username)
        )
        return result.scalars().all()

    async def groups_of(self, user_id: uuid.UUID) -> Sequence[Group]:
        result = await self.session.execute(
            select(Group)
            .join(GroupMember, GroupMember.group_id == Group.id)
            .where(GroupMember.user_id == user_id)
            .order_by(Group.name)
        )
        return result.scalars().all()

    async def group_ids_of(self, user_id: uuid.UUID) -> set[uuid.UUID]:
        """The groups a user belongs to (what permission checks need)."""
        result = await self.session.execute(
            select(GroupMember.group_id).where(GroupMember.user_id == user_id)
        )
        return set(result.scalars())

    async def add_member(self, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Idempotent: adding a member twice leaves one membership."""
        await self.session.execute(
            insert(GroupMember)
            .values(group_id=group_id, user_id=user_id)
            .on_conflict_do_nothing(index_elements=["group_id", "user_id"])
        )

    async def remove_member(self, group_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(GroupMember).where(
                GroupMember.group_id == group_id, GroupMember.user_id == user_id
            )
        )
