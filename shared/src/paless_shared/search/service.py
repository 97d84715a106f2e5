"""Finding documents and keeping their search vectors current.

Queries use web-search syntax (`websearch_to_tsquery`): "exact phrase", -excluded, or.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.platform.pagination import split_page
from paless_shared.platform.principal import Principal
from paless_shared.platform.settings import SearchSettings
from paless_shared.search import queries
from paless_shared.search.filters import DocumentFilter, Found, SearchHit, decode_cursor

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
    fields = await queries.visible_fields(
        session, principal, {condition.field_id for condition in filters.custom_fields}
    )
    rows, ranked = await queries.find_rows(
        session,
        principal,
        filters,
        fields,
        language=settings.search_language,
        limit=limit + 1,
        after=decode_cursor(cursor, sort) if cursor else None,
        rank_window=settings.search_rank_window,
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


async def refresh_search(session: AsyncSession, document_ids: Sequence[uuid.UUID]) -> None:
    """Recompute the search vectors of these documents (after any change to what they
    index: title, text, notes, tags, correspondent, type, or one of those names)."""
    if document_ids:
        await queries.refresh(session, document_ids, settings_of(session).search_language)


async def reindex_batch(
    session: AsyncSession, *, after: uuid.UUID | None, batch: int = 1000
) -> list[uuid.UUID]:
    """Recompute the vectors of the next `batch` documents in id order (after changing
    PALESS_SEARCH_LANGUAGE); returns their ids, none when none are left. The caller
    commits each batch (`paless reindex`), so a long reindex holds no long lock."""
    ids = await queries.document_ids_after(session, after, batch)
    await refresh_search(session, ids)
    return ids
