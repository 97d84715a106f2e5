"""Matching rules: how tags, correspondents and document types recognise a document.

The algorithms are paperless-ngx's: any word, all words, exact phrase, regular
expression, fuzzy phrase; each optionally case-insensitive. Words and phrases match on
word boundaries. Evaluation is bounded: regular expressions run under the `regex`
module's timeout, all of an owner's rules share one time budget per document (rules
left when it runs out are not evaluated, and do not match), and fuzzy matching looks
at a bounded prefix of the text, so neither one pathological rule nor many slow ones
can hang a worker. (`regex` releases the GIL while it matches, so a slow rule in a
thread does not stall the worker's event loop either.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex
from rapidfuzz import fuzz

from paless_shared.platform.errors import InvalidInput
from paless_shared.tables import MatchingAlgorithm

log = logging.getLogger(__name__)

# Wall-clock budget for one regular expression on one document, and for all of an
# owner's rules on one document.
REGEX_TIMEOUT_SECONDS = 1.0
RULES_BUDGET_SECONDS = 5.0
# Text considered by rules (the first pages are where senders and types show).
MATCH_TEXT_CHARS = 200_000
FUZZY_TEXT_CHARS = 20_000
FUZZY_MIN_SCORE = 90.0

_TERMS = regex.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True)
class Rule:
    id: Any
    match: str
    algorithm: MatchingAlgorithm
    is_insensitive: bool


class Budget:
    """Time left for the rules of one document, made and used in the one thread that
    runs them: CPU time of that thread, so a busy machine (the worker's other jobs, a
    neighbour) does not cut a document's rules short, with a wall-clock ceiling of
    WALL_FACTOR times the budget so they still end when the thread hardly gets a CPU."""

    WALL_FACTOR = 3.0

    def __init__(self, seconds: float = RULES_BUDGET_SECONDS) -> None:
        self._cpu_ends_at = time.thread_time() + seconds
        self._wall_ends_at = time.monotonic() + seconds * self.WALL_FACTOR
        self.exhausted = False

    def remaining(self) -> float:
        left = min(self._cpu_ends_at - time.thread_time(), self._wall_ends_at - time.monotonic())
        if left <= 0:
            self.exhausted = True
        return max(0.0, left)


def terms(match: str) -> list[str]:
    """Words of a rule; a "quoted phrase" counts as one word."""
    return [quoted or word for quoted, word in _TERMS.findall(match)]


def _flags(rule: Rule) -> int:
    return int(regex.IGNORECASE) if rule.is_insensitive else 0


def _phrase(term: str) -> str:
    # Any run of whitespace in the phrase matches any run in the text.
    escaped = r"\s+".join(regex.escape(word) for word in term.split())
    return rf"(?<!\w){escaped}(?!\w)"


def validate(algorithm: MatchingAlgorithm, match: str) -> None:
    """Refuse a rule that can never work: 422 naming the field."""
    if algorithm is MatchingAlgorithm.none:
        return
    if not match.strip():
        raise InvalidInput(f"match: a {algorithm.value} rule needs a non-empty `match`")
    if algorithm is MatchingAlgorithm.regex:
        try:
            regex.compile(match)
        except regex.error as exc:
            raise InvalidInput(f"match: not a valid regular expression: {exc}") from None


def _search(pattern: str, text: str, flags: int, rule: Rule, budget: Budget) -> bool:
    timeout = min(REGEX_TIMEOUT_SECONDS, budget.remaining())
    if timeout <= 0:
        return False
    try:
        return regex.search(pattern, text, flags, timeout=timeout) is not None
    except TimeoutError:
        log.warning("matching.timeout", extra={"rule_id": str(rule.id), "pattern": pattern[:200]})
        return False
    except regex.error:
        # Saved rules are validated; a rule from before a validation change just fails.
        return False


def matches(rule: Rule, text: str, budget: Budget | None = None) -> bool:
    budget = budget or Budget()
    text = text[:MATCH_TEXT_CHARS]
    flags = _flags(rule)
    algorithm = rule.algorithm
    if algorithm is MatchingAlgorithm.none or not rule.match.strip() or not text:
        return False
    if budget.remaining() <= 0:
        return False
    if algorithm is MatchingAlgorithm.any:
        return any(_search(_phrase(term), text, flags, rule, budget) for term in terms(rule.match))
    if algorithm is MatchingAlgorithm.all:
        words = terms(rule.match)
        return bool(words) and all(
            _search(_phrase(term), text, flags, rule, budget) for term in words
        )
    if algorithm is MatchingAlgorithm.literal:
        return _search(_phrase(rule.match), text, flags, rule, budget)
    if algorithm is MatchingAlgorithm.regex:
        return _search(rule.match, text, flags, rule, budget)
    # fuzzy: the phrase against the best-matching stretch of the (normalised) text.
    haystack = " ".join(text[:FUZZY_TEXT_CHARS].split())
    needle = " ".join(rule.match.split())
    if rule.is_insensitive:
        haystack, needle = haystack.lower(), needle.lower()
    return fuzz.partial_ratio(needle, haystack, score_cutoff=FUZZY_MIN_SCORE) > 0


def matching(rules: Sequence[Rule], text: str, budget: Budget | None = None) -> list[Any]:
    """Ids of the rules that match, in the order given, within `budget` (a fresh one
    when not given)."""
    budget = budget or Budget()
    found = [rule.id for rule in rules if matches(rule, text, budget)]
    if budget.exhausted:
        log.warning("matching.budget_exhausted", extra={"rules": len(rules)})
    return found
