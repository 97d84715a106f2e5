"""Finding documents and keeping their search vectors current.

Queries use web-search syntax (`websearch_to_tsquery`): "exact phrase", -excluded, or.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.platform.pagination import split_page
from paless_shared.platform.principal import Principal
from paless_shared.platform.settings import SearchSettings
from paless_shared.search import terms
from paless_shared.search.filters import DocumentFilter, Found, SearchHit, decode_cursor
from paless_shared.search.queries import find as queries
from paless_shared.search.queries import hits as shown
from paless_shared.search.queries import index, lists, names, statistics, suggest
from paless_shared.search.queries.rank import Relevance
from paless_shared.tables import Correspondent, CustomField, DocumentType, Tag

_SETTINGS_KEY = "paless.search"


def session_info(settings: SearchSettings) -> dict[str, Any]:
    """What a process puts on its sessions (`create_sessionmaker(..., info=)`)."""
    return {_SETTINGS_KEY: settings}


def settings_of(session: AsyncSession) -> SearchSettings:
    """The process's search settings; the defaults when its sessions carry none."""
    settings = session.info.get(_SETTINGS_KEY)
    return settings if isinstance(settings, SearchSettings) else SearchSettings()


async def find_documents(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilter,
    *,
    limit: int,
    cursor: str | None = None,
    summaries: bool = False,
) -> Found:
    """One page of the documents the principal may see that pass every filter.

    `summaries`: a list without `q` (and without `title_like` or custom field
    conditions) may answer rows of the columns a list item shows
    (`lists.SUMMARY_COLUMNS`, by the entity's attribute names) instead of entities:
    its statement is built once per shape and no entity is loaded."""
    settings = settings_of(session)
    sort = filters.effective_sort
    after = decode_cursor(cursor, sort) if cursor else None
    prepared = await _prepare(session, principal, filters)
    if prepared is None:
        return Found(documents=[])
    if summaries and lists.listable(prepared.filters):
        rows = await lists.list_rows(
            session, principal, prepared.filters, limit=limit + 1, after=after
        )
        listed = split_page(rows, limit, lambda row: (sort.value, row.sort_key, row.id))
        return Found(documents=listed.items, next_cursor=listed.next_cursor)
    relevance = _relevance(prepared, settings.search_rank_window) if filters.q else None
    rows, ranked = await queries.find_rows(
        session,
        principal,
        prepared.filters,
        prepared.fields,
        language=prepared.languages,
        work_mem_mb=settings.search_work_mem_mb,
        limit=limit + 1,
        after=after,
        relevance=relevance,
        named=prepared.named,
        rest_has_lexemes=prepared.rest_has_lexemes,
    )
    page = split_page(rows, limit, lambda row: (sort.value, row.sort_key, row[0].id))
    documents = [row[0] for row in page.items]
    hits: dict[uuid.UUID, SearchHit] = {}
    if ranked:
        hits = {row[0].id: SearchHit(score=float(row.sort_key)) for row in page.items if row.ranked}
    if (filters.q or filters.title_like) and documents:
        # Snippets, and scores of rows not ordered by score, for the page's rows only.
        for document_id, snippet, rank in await shown.page_hits(
            session,
            [document.id for document in documents],
            filters,
            prepared.languages,
            relevance=relevance if len(hits) < len(documents) else None,
        ):
            hit = hits.setdefault(document_id, SearchHit(score=rank, ranked=not ranked))
            hit.snippet = snippet
    if filters.q and documents:
        found_pages = await shown.hit_pages(
            session, [document.id for document in documents], filters.q, prepared.languages
        )
        for document_id, numbers in found_pages.items():
            if document_id in hits:
                hits[document_id].pages = numbers
    if ranked:
        for row in page.items:
            if not row.ranked:
                hits[row[0].id].ranked = False
    suggestion = None
    if filters.q and not documents and cursor is None:
        suggestion = await _did_you_mean(session, principal, filters)
    return Found(
        documents=documents, hits=hits, next_cursor=page.next_cursor, did_you_mean=suggestion
    )


async def _did_you_mean(
    session: AsyncSession, principal: Principal, filters: DocumentFilter
) -> str | None:
    """`q` with each word that occurs in no document replaced by the most similar word
    of the titles (and names) the principal may see (from the trigram indexes), when
    the new query finds something."""
    assert filters.q is not None
    words = terms.plain_words(filters.q)
    if not words:
        return None
    replacements = await suggest.similar_words(session, principal, words)
    if not replacements:
        return None
    suggestion = terms.replaced(filters.q, replacements)
    found = await count_documents(session, principal, replace(filters, q=suggestion), cap=1)
    return suggestion if found else None


@dataclass(frozen=True)
class _Prepared:
    """What the list and count statements need besides the filters as given."""

    filters: DocumentFilter  # without the objects the principal may not see
    fields: dict[uuid.UUID, CustomField]
    languages: index.Languages
    counts: statistics.TermCounts = field(default_factory=statistics.TermCounts)
    groups: list[list[str]] = field(default_factory=list)  # of `q` (terms.disjuncts)
    named: dict[str, terms.NamedObjects] = field(default_factory=dict)
    rest_has_lexemes: list[bool] = field(default_factory=list)


async def _prepare(
    session: AsyncSession, principal: Principal, filters: DocumentFilter
) -> _Prepared | None:
    """Look up what `filters` refer to; None when nothing can match."""
    language = settings_of(session).search_language
    fields = await queries.visible_fields(
        session, principal, {condition.field_id for condition in filters.custom_fields}
    )
    visible_filters = await _visible_filters(session, principal, filters)
    if visible_filters is None:
        return None
    if not filters.q:
        return _Prepared(visible_filters, fields, index.Languages(language))
    groups = terms.disjuncts(filters.q)
    counts = await statistics.term_counts(session, terms.wanted(groups))
    others = tuple(name for name in counts.languages if name != language)
    prepared = _Prepared(visible_filters, fields, index.Languages(language, others), counts, groups)
    words = sorted({terms.positive(term) for group in groups for term in group})
    prepared.named.update(await names.named_objects(session, principal, words, language))
    if prepared.named:
        prepared.rest_has_lexemes.extend(
            await names.has_lexemes(session, terms.rest_texts(groups, prepared.named), language)
        )
    return prepared


# Relevance order ranks every match when a query can match at most this many times
# the rank window (its rarest word says so), else the newest rank window's worth.
FULL_RANK_FACTOR = 2


def _relevance(prepared: _Prepared, rank_window: int) -> Relevance:
    """The terms of `q` with their rarity (BM25's IDF, from the statistics; alike
    before the first count), and the window of matches to rank."""
    counts, groups = prepared.counts, prepared.groups
    weighted: list[tuple[str, float]] = []
    for term in terms.wanted(groups):
        held = counts.per_term.get(term)
        if held is None:
            continue  # no lexeme (punctuation, stop words): matches nothing
        weight = 1.0
        if counts.documents:
            weight = math.log(1 + (counts.documents - held + 0.5) / (held + 0.5))
        weighted.append((term, weight))
    window = rank_window
    # At most as many matches as the rarest wanted term of each alternative has; and
    # the share of documents its likeliest alternative matches, its terms taken as
    # independent (a term that makes no lexeme asks nothing; before the first count,
    # nothing is known: 0).
    most = 0
    density = 0.0
    for group in groups:
        known = [counts.per_term[term] for term in terms.wanted([group]) if term in counts.per_term]
        most += min(known) if known else counts.documents
        if counts.documents:
            density = max(density, math.prod(held / counts.documents for held in known))
    if counts.documents and rank_window < most <= rank_window * FULL_RANK_FACTOR:
        window = rank_window * FULL_RANK_FACTOR
    return Relevance(
        terms=tuple(weighted),
        average_length=counts.average_length,
        languages=prepared.languages,
        window=window,
        density=min(density, 1.0),
    )


async def _visible_filters(
    session: AsyncSession, principal: Principal, filters: DocumentFilter
) -> DocumentFilter | None:
    """The filters with the tags, correspondents and types the principal may not see
    taken out, as if they did not exist; None when nothing can match then (a required
    tag, or every listed one, is not theirs to see)."""
    if principal.is_admin:
        return filters
    tags = await names.visible_ids(
        session, principal, Tag, {*filters.tags_all, *filters.tags_any, *filters.tags_none}
    )
    correspondents = await names.visible_ids(
        session, principal, Correspondent, set(filters.correspondent)
    )
    types = await names.visible_ids(session, principal, DocumentType, set(filters.document_type))
    kept = replace(
        filters,
        tags_any=[tag for tag in filters.tags_any if tag in tags],
        tags_none=[tag for tag in filters.tags_none if tag in tags],
        correspondent=[item for item in filters.correspondent if item in correspondents],
        document_type=[item for item in filters.document_type if item in types],
    )
    emptied = (
        (filters.tags_any and not kept.tags_any)
        or (filters.correspondent and not kept.correspondent)
        or (filters.document_type and not kept.document_type)
    )
    if emptied or any(tag not in tags for tag in filters.tags_all):
        return None
    return kept


async def refresh_search(session: AsyncSession, document_ids: Sequence[uuid.UUID]) -> None:
    """Recompute the search vectors of these documents (after any change to what they
    index: title, file name, notes or text)."""
    if document_ids:
        await index.refresh(session, document_ids, settings_of(session).search_language)


async def reindex_batch(
    session: AsyncSession, *, after: uuid.UUID | None, batch: int = 1000
) -> list[uuid.UUID]:
    """Recompute the vectors of the next `batch` documents in id order (after changing
    PALESS_SEARCH_LANGUAGE); returns their ids, none when none are left. The caller
    commits each batch (`paless reindex`), so a long reindex holds no long lock."""
    ids = await index.document_ids_after(session, after, batch)
    await refresh_search(session, ids)
    return ids


# Counts shown beside saved views stop here ("10000+"): a count stays cheap.
COUNT_CAP = 10_000


async def count_documents(
    session: AsyncSession, principal: Principal, filters: DocumentFilter, *, cap: int = COUNT_CAP
) -> int:
    """How many documents the principal may see pass every filter (at most `cap`)."""
    prepared = await _prepare(session, principal, filters)
    if prepared is None:
        return 0
    return await queries.count_rows(
        session,
        principal,
        prepared.filters,
        prepared.fields,
        language=prepared.languages,
        work_mem_mb=settings_of(session).search_work_mem_mb,
        cap=cap,
        named=prepared.named,
        rest_has_lexemes=prepared.rest_has_lexemes,
    )


async def refresh_statistics(session: AsyncSession) -> dict[str, int]:
    """Count again how many documents hold each word (term rarity for ranking) and the
    corpus they are counted over; the caller commits. One read of every vector."""
    lexemes, documents = await statistics.recount(session)
    return {"lexemes": lexemes, "documents": documents}
