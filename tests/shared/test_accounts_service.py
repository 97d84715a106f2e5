"""Account rules straight through the service (accounts.users), against Postgres: no
HTTP needed to see that an admin cannot demote themselves and that a user who owns
documents is not deleted."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from paless_shared.accounts import users
from paless_shared.platform.database import unit_of_work
from paless_shared.platform.errors import Conflict
from paless_shared.platform.jobs import JobBuffer
from paless_shared.platform.principal import Principal
from paless_shared.tables import Document


async def test_an_admin_cannot_demote_themselves(
    db: async_sessionmaker[AsyncSession], make_account: Any
) -> None:
    admin = await make_account(admin=True)
    with pytest.raises(Conflict, match="your own admin rights"):
        async with unit_of_work(db) as session:
            await users.update_user(
                session, Principal(admin.id, is_admin=True), admin.id, is_admin=False, min_length=12
            )
    async with db() as session:
        assert (await users.get_user(session, admin.id)).is_admin


async def test_another_admin_can_demote_them(
    db: async_sessionmaker[AsyncSession], make_account: Any
) -> None:
    admin, other = await make_account(admin=True), await make_account(admin=True)
    async with unit_of_work(db) as session:
        await users.update_user(
            session, Principal(admin.id, is_admin=True), other.id, is_admin=False, min_length=12
        )
    async with db() as session:
        assert not (await users.get_user(session, other.id)).is_admin


async def test_a_user_who_owns_documents_is_not_deleted(
    db: async_sessionmaker[AsyncSession], make_account: Any
) -> None:
    admin, owner = await make_account(admin=True), await make_account()
    async with unit_of_work(db) as session:
        session.add(
            Document(
                owner_id=owner.id,
                title="kept",
                original_filename="kept.pdf",
                mime_type="application/pdf",
                size_bytes=1,
                original_key=f"originals/{uuid.uuid4()}",
            )
        )
    with pytest.raises(Conflict, match="still owns documents"):
        async with unit_of_work(db) as session:
            await users.delete_user(
                session, JobBuffer(), Principal(admin.id, is_admin=True), owner.id
            )
    async with db() as session:
        assert await users.get_user(session, owner.id)
