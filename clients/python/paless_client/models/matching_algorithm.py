from typing import Literal

MatchingAlgorithm = Literal["all", "any", "fuzzy", "literal", "none", "regex"]

MATCHING_ALGORITHM_VALUES: set[MatchingAlgorithm] = {
    "all",
    "any",
    "fuzzy",
    "literal",
    "none",
    "regex",
}


def check_matching_algorithm(value: str) -> MatchingAlgorithm:
    if value in MATCHING_ALGORITHM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MATCHING_ALGORITHM_VALUES!r}")
