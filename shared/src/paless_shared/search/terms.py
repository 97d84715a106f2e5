"""`q` as web-search syntax reads it: alternatives, terms, exclusions; and what a term
names. Free of SQL: `queries.names` builds the conditions from these."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_TOKENS = re.compile(r'-?"[^"]*"?|\S+')


def disjuncts(q: str) -> list[list[str]]:
    """`q` as websearch_to_tsquery reads it: alternatives (split at `or`, which binds
    loosest), each a list of terms that must all match; a term is a word or a quoted
    phrase, with a leading `-` when excluded."""
    groups: list[list[str]] = [[]]
    for token in _TOKENS.findall(q):
        if token.lower() == "or":
            groups.append([])
        else:
            groups[-1].append(token)
    return [group for group in groups if group]


def positive(term: str) -> str:
    """The term without its exclusion mark."""
    return term[1:] if term.startswith("-") else term


@dataclass(frozen=True)
class NamedObjects:
    """The organising objects (visible to the reader) whose names a term matches."""

    tags: frozenset[uuid.UUID] = frozenset()
    correspondents: frozenset[uuid.UUID] = frozenset()
    document_types: frozenset[uuid.UUID] = frozenset()


def wanted(groups: Sequence[Sequence[str]]) -> list[str]:
    """The terms the alternatives ask for (not the excluded ones), each once."""
    return list(dict.fromkeys(term for group in groups for term in group if term[:1] != "-"))


def rest_texts(groups: Sequence[Sequence[str]], named: Mapping[str, NamedObjects]) -> list[str]:
    """Per alternative, the terms asked of the text alone: those that name no object,
    and every excluded term (what it names is excluded apart)."""
    return [
        " ".join(term for term in group if term.startswith("-") or positive(term) not in named)
        for group in groups
    ]


_WORD = re.compile(r"\w{3,}")


def plain_words(q: str) -> list[str]:
    """The words of `q` a suggestion may replace: not excluded, not in phrases, not
    `or`, at least three letters."""
    words: list[str] = []
    for token in _TOKENS.findall(q):
        if token.startswith(("-", '"')) or token.lower() == "or":
            continue
        words.extend(word.lower() for word in _WORD.findall(token))
    return list(dict.fromkeys(words))


def replaced(q: str, replacements: Mapping[str, str]) -> str:
    """`q` with these words (lower case) replaced, case-insensitively."""
    return _WORD.sub(lambda match: replacements.get(match.group(0).lower(), match.group(0)), q)
