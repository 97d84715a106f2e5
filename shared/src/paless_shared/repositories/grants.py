from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.models import Grant


async def drop_grants(session: AsyncSession, object_type: str, ids: Sequence[uuid.UUID]) -> None:
    """Grants of objects that are gone (grants point at objects without a foreign key)."""
    if ids:
        await session.execute(
            delete(Grant).where(Grant.object_type == object_type, Grant.object_id.in_(list(ids)))
        )
