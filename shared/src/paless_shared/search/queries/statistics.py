"""Statements over the search statistics: counting, per lexeme, the documents that
hold it (the periodic `search_statistics` job), and reading the counts of a query's
terms (term rarity for ranking, and how many documents a query can match)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.search.queries.index import TESSERACT
from paless_shared.tables import SearchTerm

# Lexemes in fewer documents are not kept: a lexeme not listed counts as in one.
_MIN_DOCUMENTS = 2

# One pass over the vectors (ts_stat reads each once): the lexemes in two or more
# documents, and the total of distinct lexemes per document (for the average length).
_COUNT = text(
    """
    WITH counted AS MATERIALIZED (
        SELECT word, ndoc FROM ts_stat(
            'SELECT search_vector FROM documents
             WHERE deleted_at IS NULL AND search_vector IS NOT NULL')
    ), kept AS (
        INSERT INTO search_terms (lexeme, documents)
        SELECT word, ndoc FROM counted WHERE ndoc >= :least
        RETURNING 1
    ), corpus AS (
        SELECT count(*) AS documents,
            coalesce(array_agg(DISTINCT l.name) FILTER (
                WHERE l.name IS NOT NULL AND EXISTS (
                    SELECT 1 FROM pg_ts_config WHERE cfgname = 'paless_' || l.name)
            ), '{}') AS languages
        FROM documents d,
            LATERAL (SELECT coalesce(CAST(:codes AS jsonb) ->> d.language, d.language)
                     AS name) AS l
        WHERE d.deleted_at IS NULL AND d.search_vector IS NOT NULL
    )
    INSERT INTO search_corpus (id, documents, average_length, languages, refreshed_at)
    SELECT 1, corpus.documents,
        coalesce((SELECT sum(ndoc) FROM counted) / nullif(corpus.documents, 0), 0),
        corpus.languages, now()
    FROM corpus
    ON CONFLICT (id) DO UPDATE SET documents = excluded.documents,
        average_length = excluded.average_length, languages = excluded.languages,
        refreshed_at = excluded.refreshed_at
    RETURNING (SELECT count(*) FROM kept), documents
    """
)


async def recount(session: AsyncSession) -> tuple[int, int]:
    """Count again, per lexeme, the documents (not in the trash) that hold it, and the
    corpus row. Readers see the old counts until the caller commits. Returns the
    lexemes kept and the documents counted."""
    await session.execute(delete(SearchTerm))
    result = await session.execute(
        _COUNT, {"least": _MIN_DOCUMENTS, "codes": json.dumps(TESSERACT)}
    )
    kept, documents = result.one()
    return int(kept), int(documents)


@dataclass(frozen=True)
class TermCounts:
    """What ranking needs of the statistics for one query."""

    documents: int = 0  # in the corpus; 0 before the first count
    average_length: float = 0.0
    languages: tuple[str, ...] = ()  # of documents, besides the setting's
    per_term: dict[str, int] = field(default_factory=dict)  # documents holding the term


# A term's count is that of its rarest lexeme as written ("kd-4712" holds "kd" and
# "-4712": no more documents hold it than hold "-4712"). One statement: the corpus row
# (if any) and the counts.
_TERMS = text(
    """
    SELECT c.documents, c.average_length, c.languages, t.terms, t.counts
    FROM (SELECT 1) AS one
    LEFT JOIN search_corpus c ON c.id = 1
    LEFT JOIN LATERAL (
        SELECT array_agg(x.term) AS terms, array_agg(x.documents) AS counts
        FROM (
            SELECT t.term, min(coalesce(s.documents, 1)) AS documents
            FROM unnest(CAST(:terms AS text[])) AS t(term),
                unnest(tsvector_to_array(to_tsvector('paless_simple', t.term))) AS l(lexeme)
                LEFT JOIN search_terms s ON s.lexeme = l.lexeme
            GROUP BY t.term
        ) AS x
    ) AS t ON true
    """
)


async def term_counts(session: AsyncSession, terms: Sequence[str]) -> TermCounts:
    """The corpus row and, per term, how many documents hold it (terms that make no
    lexeme are left out)."""
    row = (await session.execute(_TERMS, {"terms": list(terms)})).one()
    per_term = dict(zip(row.terms or [], row.counts or [], strict=True))
    if row.documents is None:
        return TermCounts(per_term=per_term)
    return TermCounts(
        documents=row.documents,
        average_length=row.average_length,
        languages=tuple(row.languages),
        per_term=per_term,
    )
