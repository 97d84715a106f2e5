"""Statements on direct uploads."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Upload


async def add(session: AsyncSession, upload: Upload) -> None:
    session.add(upload)
    await session.flush()


async def get_owned_for_update(
    session: AsyncSession, upload_id: uuid.UUID, owner_id: uuid.UUID
) -> Upload | None:
    result = await session.execute(
        select(Upload).where(Upload.id == upload_id, Upload.owner_id == owner_id).with_for_update()
    )
    return result.scalar_one_or_none()
