"""An owner's matching rules, loaded once per document and evaluated on its text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.matching import queries, rules
from paless_shared.tables import Correspondent, DocumentType, Tag


@dataclass(frozen=True)
class RuleSet:
    tags: list[rules.Rule]
    correspondents: list[rules.Rule]
    document_types: list[rules.Rule]


async def _owner_rules(session: AsyncSession, model: Any, owner_id: uuid.UUID) -> list[rules.Rule]:
    return [
        rules.Rule(row.id, row.match, row.matching_algorithm, row.is_insensitive)
        for row in await queries.owner_rules(session, model, owner_id)
    ]


async def load_rules(session: AsyncSession, owner_id: uuid.UUID) -> RuleSet:
    return RuleSet(
        tags=await _owner_rules(session, Tag, owner_id),
        correspondents=await _owner_rules(session, Correspondent, owner_id),
        document_types=await _owner_rules(session, DocumentType, owner_id),
    )


@dataclass(frozen=True)
class Matches:
    tags: list[uuid.UUID]
    correspondent: uuid.UUID | None
    document_type: uuid.UUID | None


def evaluate(rule_set: RuleSet, text: str, budget_seconds: float | None = None) -> Matches:
    """CPU-bound and bounded (see matching.rules): run it off the event loop.
    All the owner's rules share one time budget, RULES_BUDGET_SECONDS unless given."""
    budget = rules.Budget(budget_seconds or rules.RULES_BUDGET_SECONDS)
    correspondents = rules.matching(rule_set.correspondents, text, budget)
    document_types = rules.matching(rule_set.document_types, text, budget)
    return Matches(
        tags=rules.matching(rule_set.tags, text, budget),
        correspondent=correspondents[0] if correspondents else None,
        document_type=document_types[0] if document_types else None,
    )
