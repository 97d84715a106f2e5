"""Finding documents and keeping their search vectors current.

Queries use web-search syntax (`websearch_to_tsquery`): "exact phrase", -excluded, or.
"""

from __future__ import annotations

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
from paless_shared.search.queries import index, names
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
) -> Found:
    """One page of the documents the principal may see that pass every filter."""
    settings = settings_of(session)
    sort = filters.effective_sort
    after = decode_cursor(cursor, sort) if cursor else None
    prepared = await _prepare(session, principal, filters)
    if prepared is None:
        return Found(documents=[])
    rows, ranked = await queries.find_rows(
        session,
        principal,
        prepared.filters,
        prepared.fields,
        language=settings.search_language,
        limit=limit + 1,
        after=after,
        rank_window=settings.search_rank_window,
        named=prepared.named,
        rest_has_lexemes=prepared.rest_has_lexemes,
    )
    page = split_page(rows, limit, lambda row: (sort.value, row.sort_key, row[0].id))
    documents = [row[0] for row in page.items]
    hits: dict[uuid.UUID, SearchHit] = {}
    if ranked:
        hits = {row[0].id: SearchHit(score=float(row.sort_key)) for row in page.items}
    if (filters.q or filters.title_like) and documents:
        # Snippets, and scores when the page is sorted by something else, for the
        # page's rows only.
        for document_id, snippet, rank in await queries.page_hits(
            session,
            [document.id for document in documents],
            filters,
            settings.search_language,
            with_scores=not ranked,
        ):
            hit = hits.setdefault(document_id, SearchHit(score=rank))
            hit.snippet = snippet
    if filters.q and documents:
        found_pages = await queries.hit_pages(
            session, [document.id for document in documents], filters.q, settings.search_language
        )
        for document_id, numbers in found_pages.items():
            if document_id in hits:
                hits[document_id].pages = numbers
    return Found(documents=documents, hits=hits, next_cursor=page.next_cursor)


@dataclass(frozen=True)
class _Prepared:
    """What the list and count statements need besides the filters as given."""

    filters: DocumentFilter  # without the objects the principal may not see
    fields: dict[uuid.UUID, CustomField]
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
    prepared = _Prepared(visible_filters, fields)
    if filters.q:
        groups = terms.disjuncts(filters.q)
        words = sorted({terms.positive(term) for group in groups for term in group})
        prepared.named.update(await names.named_objects(session, principal, words, language))
        if prepared.named:
            prepared.rest_has_lexemes.extend(
                await names.has_lexemes(session, terms.rest_texts(groups, prepared.named), language)
            )
    return prepared


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
        language=settings_of(session).search_language,
        cap=cap,
        named=prepared.named,
        rest_has_lexemes=prepared.rest_has_lexemes,
    )
