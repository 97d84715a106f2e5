"""Statements reading matching rules."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.tables import Correspondent, DocumentType, MatchingAlgorithm, Tag

# The kinds of object that carry rules, in the order `owner_rules` returns them.
KINDS: tuple[tuple[str, Any], ...] = (
    ("tag", Tag),
    ("correspondent", Correspondent),
    ("document_type", DocumentType),
)


def _owner_rules_statement() -> Any:
    parts = [
        select(
            literal(kind).label("kind"),
            literal(position).label("position"),
            model.id,
            model.match,
            model.matching_algorithm,
            model.is_insensitive,
            model.name,
        ).where(
            model.owner_id == bindparam("owner_id"),
            model.matching_algorithm != MatchingAlgorithm.none,
        )
        for position, (kind, model) in enumerate(KINDS)
    ]
    combined = union_all(*parts).subquery()
    return select(
        combined.c.kind,
        combined.c.id,
        combined.c.match,
        combined.c.matching_algorithm,
        combined.c.is_insensitive,
    ).order_by(combined.c.position, combined.c.name)


# Built once: it is run for every document ingested.
_OWNER_RULES = _owner_rules_statement()


async def owner_rules(session: AsyncSession, owner_id: uuid.UUID) -> list[Any]:
    """(kind, id, match, matching_algorithm, is_insensitive) of the owner's tags,
    correspondents and document types that have a rule, by kind then name: one
    statement for all three."""
    rows = await session.execute(_OWNER_RULES, {"owner_id": owner_id})
    return list(rows.all())
