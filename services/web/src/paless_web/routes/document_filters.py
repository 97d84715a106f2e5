"""The filters of the document list, declared once as a dependency."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from paless_shared.search.filters import DocumentFilter, FieldCondition, Sort
from paless_shared.tables import DocumentStatus
from paless_web.schemas.common import UtcDateTime, read_as_utc


async def document_filter(
    q: Annotated[
        str | None,
        Query(
            max_length=1000,
            description=(
                'Full-text search, web-search syntax: words, "exact phrase", -excluded, '
                "or. Searches title, text, notes, and tag/correspondent/type names."
            ),
        ),
    ] = None,
    title_like: Annotated[
        str | None,
        Query(max_length=200, description="Titles resembling this (typos tolerated)."),
    ] = None,
    tags_all: Annotated[list[uuid.UUID], Query(description="Has every one of these tags.")] = [],  # noqa: B006 - FastAPI copies defaults
    tags_any: Annotated[list[uuid.UUID], Query(description="Has at least one of these tags.")] = [],  # noqa: B006
    tags_none: Annotated[list[uuid.UUID], Query(description="Has none of these tags.")] = [],  # noqa: B006
    is_tagged: Annotated[
        bool | None, Query(description="false: documents without any tag.")
    ] = None,
    correspondent: Annotated[
        list[uuid.UUID], Query(description="Any of these correspondents.")
    ] = [],  # noqa: B006
    document_type: Annotated[
        list[uuid.UUID], Query(description="Any of these document types.")
    ] = [],  # noqa: B006
    created_after: Annotated[
        UtcDateTime | None, Query(description=read_as_utc("created >= this."))
    ] = None,
    created_before: Annotated[
        UtcDateTime | None, Query(description=read_as_utc("created < this."))
    ] = None,
    added_after: Annotated[
        UtcDateTime | None, Query(description=read_as_utc("added >= this."))
    ] = None,
    added_before: Annotated[
        UtcDateTime | None, Query(description=read_as_utc("added < this."))
    ] = None,
    status_: Annotated[list[DocumentStatus], Query(alias="status")] = [],  # noqa: B006
    custom_field: Annotated[
        list[str],
        Query(
            description=(
                "`<field id>:<operator>:<value>`; operators eq, gt, gte, lt, lte (numbers, "
                "dates, amounts), contains (text; a document id for links), exists "
                "(true/false). Repeat to combine."
            )
        ),
    ] = [],  # noqa: B006
    sort: Annotated[
        Sort | None,
        Query(description="Default: relevance when searching, else -added (newest first)."),
    ] = None,
) -> DocumentFilter:
    return DocumentFilter(
        q=q.strip() if q and q.strip() else None,
        title_like=title_like.strip() if title_like and title_like.strip() else None,
        tags_all=tags_all,
        tags_any=tags_any,
        tags_none=tags_none,
        is_tagged=is_tagged,
        correspondent=correspondent,
        document_type=document_type,
        created_after=created_after,
        created_before=created_before,
        added_after=added_after,
        added_before=added_before,
        status=status_,
        custom_fields=[FieldCondition.parse(raw) for raw in custom_field],
        sort=sort,
    )


DocumentFilterDep = Annotated[DocumentFilter, Depends(document_filter)]
