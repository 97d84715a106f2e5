"""Statements behind "did you mean": words similar to a query's words, found through
the trigram index on document titles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access.conditions import can_view
from paless_shared.platform.principal import Principal
from paless_shared.search.queries.index import EXACT
from paless_shared.tables import Document

# Lower than pg_trgm's default (0.6) so that a word with a typo or two finds titles.
_THRESHOLD = "0.4"
_CANDIDATE_TITLES = 20
_MIN_SIMILARITY = 0.3


def _most_similar(principal: Principal, word: str) -> Any:
    """The word of the titles most similar to `word` (the titles found through the
    trigram index), if similar enough."""
    titles = (
        select(Document.title)
        .where(
            literal(word).bool_op("<%")(Document.title),
            Document.deleted_at.is_(None),
            can_view(Document, principal),
        )
        .order_by(func.word_similarity(word, Document.title).desc())
        .limit(_CANDIDATE_TITLES)
        .subquery()
    )
    split = func.regexp_split_to_table(func.lower(func.unaccent(titles.c.title)), "[^[:alnum:]]+")
    words = select(split.label("w")).subquery()
    closeness = func.similarity(words.c.w, word)
    return (
        select(words.c.w)
        .where(func.length(words.c.w) >= 3, words.c.w != word, closeness >= _MIN_SIMILARITY)
        .order_by(closeness.desc(), words.c.w)
        .limit(1)
    )


async def similar_words(
    session: AsyncSession, principal: Principal, words: Sequence[str]
) -> dict[str, str]:
    """For each word that occurs in no document: the most similar word of the titles
    the principal may see (when one is similar enough)."""
    previous = (
        await session.execute(
            text(
                "SELECT coalesce(current_setting('pg_trgm.word_similarity_threshold', true), '0.6')"
            )
        )
    ).scalar_one()
    await session.execute(
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :value, true)"),
        {"value": _THRESHOLD},
    )
    found: dict[str, str] = {}
    try:
        for word in words:
            occurs = (
                await session.execute(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM documents WHERE search_vector @@ "
                        "plainto_tsquery(CAST(:config AS regconfig), :word))"
                    ),
                    {"config": EXACT, "word": word},
                )
            ).scalar_one()
            if occurs:
                continue
            similar = (await session.execute(_most_similar(principal, word))).scalar_one_or_none()
            if similar is not None:
                found[word] = similar
    finally:
        await session.execute(
            text("SELECT set_config('pg_trgm.word_similarity_threshold', :value, true)"),
            {"value": previous},
        )
    return found
