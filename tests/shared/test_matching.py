"""Matching rules: how a tag, correspondent or document type recognises a document's
text, for each algorithm, with and without case; rules are checked when saved, and a
pathological regular expression gives up in bounded time instead of hanging a worker."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from paless_shared.matching import rules as matching
from paless_shared.matching.rules import Budget, Rule, matches
from paless_shared.matching.service import RuleSet, evaluate
from paless_shared.platform.errors import InvalidInput
from paless_shared.tables import MatchingAlgorithm

TEXT = "Invoice INV-2026-0042 from ACME Corporation\nfor electricity\tand   gas, total 12.50 EUR"


def rule(algorithm: str, match: str, *, insensitive: bool = True) -> Rule:
    return Rule(
        id=match, match=match, algorithm=MatchingAlgorithm(algorithm), is_insensitive=insensitive
    )


def outcomes(
    algorithm: str, cases: dict[str, bool], text: str = TEXT, **options: bool
) -> dict[str, bool]:
    """Each rule's answer, to compare with `cases` as a whole (a failure shows them all)."""
    return {match: matches(rule(algorithm, match, **options), text) for match in cases}


def test_any_matches_when_one_word_is_there_as_a_whole_word() -> None:
    cases = {
        "electricity water": True,
        "water sewage": False,
        "electric": False,  # part of a word is not the word
        "acme": True,
        '"acme corporation" refund': True,  # a quoted phrase is one word
        '"corporation acme"': False,
        "12.50": True,  # punctuation is literal, not a pattern
        "12,50": False,
        "INV-2026-0042": True,
    }

    assert outcomes("any", cases) == cases


def test_all_matches_only_when_every_word_is_there() -> None:
    cases = {
        "invoice electricity gas": True,
        "invoice electricity water": False,
        '"for electricity" gas': True,
        '"electricity gas"': False,  # not next to each other
        "ACME acme": True,
    }

    assert outcomes("all", cases) == cases


def test_literal_matches_the_exact_phrase_on_word_boundaries() -> None:
    cases = {
        "acme corporation": True,
        "from   ACME\tCorporation": True,  # any run of whitespace matches any other
        "electricity and gas": True,  # across the text's tab and spaces
        "acme corp": False,  # stops inside a word
        "corporation acme": False,
        "gas, total": True,
        "(": False,
    }

    assert outcomes("literal", cases) == cases


def test_regex_matches_a_pattern_and_refuses_what_does_not_match() -> None:
    cases = {
        r"INV-\d{4}-\d{4}": True,
        r"INV-\d{5}": False,
        r"^for electricity": False,  # ^ is the start of the text, not of a line
        r"(?m)^for electricity": True,
        r"total \d+\.\d\d (EUR|USD)": True,
        r"total \d+\.\d\d USD": False,
        r"acme\s+corporation": True,
    }

    assert outcomes("regex", cases) == cases


def test_fuzzy_tolerates_small_differences_only() -> None:
    cases = {
        "acme corporation": True,
        "acme corportion": True,  # a letter missing
        "ACNE Corporation": True,
        "globex industries": False,
        "electricity and gas": True,  # whitespace runs are normalised
    }

    assert outcomes("fuzzy", cases) == cases


def test_case_sensitive_rules_need_the_same_case() -> None:
    lower = "invoice from acme corporation"
    same_case = "Invoice from ACME Corporation"
    rules = [
        ("any", "ACME"),
        ("all", "ACME Invoice"),
        ("literal", "ACME Corporation"),
        ("regex", r"ACME\s+Corp"),
        ("fuzzy", "ACME Corporation"),
    ]

    answers = {
        algorithm: (
            matches(rule(algorithm, match, insensitive=True), lower),
            matches(rule(algorithm, match, insensitive=False), lower),
            matches(rule(algorithm, match, insensitive=False), same_case),
        )
        for algorithm, match in rules
    }

    assert answers == dict.fromkeys(answers, (True, False, True))


def test_a_rule_of_none_or_without_words_never_matches() -> None:
    assert not matches(rule("none", "invoice"), TEXT)
    assert not matches(rule("any", "   "), TEXT)
    assert not matches(rule("regex", ""), TEXT)
    assert not matches(rule("any", "invoice"), "")


def test_a_catastrophic_regex_gives_up_in_bounded_time() -> None:
    # Nested alternatives that can split a run of `a`s in exponentially many ways
    # before failing on the `b`: without a time limit this runs for hours.
    evil = rule("regex", r"(a|aa)+$")
    text = "a" * 60 + "b"

    started, cpu_started = time.monotonic(), time.thread_time()
    result = matches(evil, text)
    elapsed, cpu = time.monotonic() - started, time.thread_time() - cpu_started

    assert result is False
    # CPU time is what the limit bounds; the wall clock only has to rule out "hours"
    # (a machine running other suites can stretch it several times over).
    assert cpu < matching.REGEX_TIMEOUT_SECONDS + 2
    assert elapsed < 60


def test_a_rule_stored_before_it_became_invalid_just_does_not_match() -> None:
    assert matches(rule("regex", "INV-(\\d+"), TEXT) is False


def test_rules_only_look_at_the_start_of_a_very_long_text() -> None:
    far = "x " * matching.MATCH_TEXT_CHARS + "needle"

    assert not matches(rule("any", "needle"), far)
    assert matches(rule("any", "needle"), "needle " + far)


def test_matching_answers_the_ids_of_the_rules_that_match_in_order() -> None:
    rules = [
        Rule(3, "gas", MatchingAlgorithm.any, True),
        Rule(1, "water", MatchingAlgorithm.any, True),
        Rule(2, r"INV-\d+", MatchingAlgorithm.regex, True),
    ]

    assert matching.matching(rules, TEXT) == [3, 2]


def test_validate_refuses_a_rule_that_can_never_work() -> None:
    refusals = {
        ("regex", "INV-(\\d+"): "not a valid regular expression",
        ("regex", "[a-"): "not a valid regular expression",
        ("regex", "*invoice"): "not a valid regular expression",
        ("any", "  "): "needs a non-empty",
        ("fuzzy", ""): "needs a non-empty",
    }
    details = {}
    for algorithm, match in refusals:
        with pytest.raises(InvalidInput) as refused:
            matching.validate(MatchingAlgorithm(algorithm), match)
        details[(algorithm, match)] = refused.value.detail

    assert all(detail.startswith("match:") for detail in details.values()), details
    assert {key: message in details[key] for key, message in refusals.items()} == dict.fromkeys(
        refusals, True
    ), details


def test_validate_accepts_working_rules() -> None:
    for algorithm, match in [("none", ""), ("any", "[abc"), ("literal", "a (b"), ("regex", r"\d+")]:
        matching.validate(MatchingAlgorithm(algorithm), match)  # raises if refused


async def test_an_owners_rules_share_one_time_budget_per_document() -> None:
    """Each of these rules gives up after its own second; a dozen of them would hold
    the document (and a worker thread arq's timeout cannot stop) for a dozen seconds.
    Together they get RULES_BUDGET_SECONDS, and the worker's event loop keeps going."""
    text = "a" * 5000 + "!"
    quick = Rule(id="quick", match="a", algorithm=MatchingAlgorithm.regex, is_insensitive=False)
    slow = [
        Rule(id=n, match="(a+)+$", algorithm=MatchingAlgorithm.regex, is_insensitive=False)
        for n in range(12)
    ]
    rules = RuleSet(tags=[quick, *slow], correspondents=[], document_types=[])
    longest_pause = 0.0

    async def tick() -> None:
        nonlocal longest_pause
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            longest_pause = max(longest_pause, time.monotonic() - before)

    def evaluate_on_cpu() -> tuple[Any, float]:
        cpu_started = time.thread_time()
        return evaluate(rules, text), time.thread_time() - cpu_started

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    found, cpu = await asyncio.to_thread(evaluate_on_cpu)
    took = time.monotonic() - started
    ticker.cancel()

    assert found.tags == ["quick"]
    # The budget is the thread's CPU time (a dozen rules would take a dozen seconds of
    # it), under a wall-clock ceiling for a thread that hardly gets a CPU.
    assert cpu < matching.RULES_BUDGET_SECONDS + 1.5, cpu
    assert took < matching.RULES_BUDGET_SECONDS * Budget.WALL_FACTOR + 1, took
    assert longest_pause < 0.5, longest_pause
