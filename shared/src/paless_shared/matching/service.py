"""An owner's matching rules, loaded once per document and evaluated on its text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.matching import queries, rules
from paless_shared.tables import MatchingAlgorithm


@dataclass(frozen=True)
class RuleSet:
    tags: list[rules.Rule]
    correspondents: list[rules.Rule]
    document_types: list[rules.Rule]

    @property
    def empty(self) -> bool:
        return not (self.tags or self.correspondents or self.document_types)


async def load_rules(session: AsyncSession, owner_id: uuid.UUID) -> RuleSet:
    """The owner's rules, each kind by name (one statement)."""
    found: dict[str, list[rules.Rule]] = {kind: [] for kind, _ in queries.KINDS}
    for row in await queries.owner_rules(session, owner_id):
        algorithm = MatchingAlgorithm(row.matching_algorithm)
        found[row.kind].append(rules.Rule(row.id, row.match, algorithm, row.is_insensitive))
    return RuleSet(
        tags=found["tag"],
        correspondents=found["correspondent"],
        document_types=found["document_type"],
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
