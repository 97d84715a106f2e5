"""Statements reading matching rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import MatchingAlgorithm


async def owner_rules(session: AsyncSession, model: Any, owner_id: uuid.UUID) -> Sequence[Row[Any]]:
    """(id, match, matching_algorithm, is_insensitive) of the owner's objects of
    `model` that have a rule, by name."""
    rows = await session.execute(
        select(model.id, model.match, model.matching_algorithm, model.is_insensitive)
        .where(model.owner_id == owner_id, model.matching_algorithm != MatchingAlgorithm.none)
        .order_by(model.name)
    )
    return rows.all()
