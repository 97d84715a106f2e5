import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document_page import DocumentPage
from ...models.document_status import DocumentStatus
from ...models.problem import Problem
from ...models.sort import Sort
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    q: None | str | Unset = UNSET,
    title_like: None | str | Unset = UNSET,
    tags_all: list[UUID] | Unset = UNSET,
    tags_any: list[UUID] | Unset = UNSET,
    tags_none: list[UUID] | Unset = UNSET,
    is_tagged: bool | None | Unset = UNSET,
    correspondent: list[UUID] | Unset = UNSET,
    document_type: list[UUID] | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    added_after: datetime.datetime | None | Unset = UNSET,
    added_before: datetime.datetime | None | Unset = UNSET,
    status: list[DocumentStatus] | Unset = UNSET,
    custom_field: list[str] | Unset = UNSET,
    sort: None | Sort | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_title_like: None | str | Unset
    if isinstance(title_like, Unset):
        json_title_like = UNSET
    else:
        json_title_like = title_like
    params["title_like"] = json_title_like

    json_tags_all: list[str] | Unset = UNSET
    if not isinstance(tags_all, Unset):
        json_tags_all = []
        for tags_all_item_data in tags_all:
            tags_all_item = str(tags_all_item_data)
            json_tags_all.append(tags_all_item)

    params["tags_all"] = json_tags_all

    json_tags_any: list[str] | Unset = UNSET
    if not isinstance(tags_any, Unset):
        json_tags_any = []
        for tags_any_item_data in tags_any:
            tags_any_item = str(tags_any_item_data)
            json_tags_any.append(tags_any_item)

    params["tags_any"] = json_tags_any

    json_tags_none: list[str] | Unset = UNSET
    if not isinstance(tags_none, Unset):
        json_tags_none = []
        for tags_none_item_data in tags_none:
            tags_none_item = str(tags_none_item_data)
            json_tags_none.append(tags_none_item)

    params["tags_none"] = json_tags_none

    json_is_tagged: bool | None | Unset
    if isinstance(is_tagged, Unset):
        json_is_tagged = UNSET
    else:
        json_is_tagged = is_tagged
    params["is_tagged"] = json_is_tagged

    json_correspondent: list[str] | Unset = UNSET
    if not isinstance(correspondent, Unset):
        json_correspondent = []
        for correspondent_item_data in correspondent:
            correspondent_item = str(correspondent_item_data)
            json_correspondent.append(correspondent_item)

    params["correspondent"] = json_correspondent

    json_document_type: list[str] | Unset = UNSET
    if not isinstance(document_type, Unset):
        json_document_type = []
        for document_type_item_data in document_type:
            document_type_item = str(document_type_item_data)
            json_document_type.append(document_type_item)

    params["document_type"] = json_document_type

    json_created_after: None | str | Unset
    if isinstance(created_after, Unset):
        json_created_after = UNSET
    elif isinstance(created_after, datetime.datetime):
        json_created_after = created_after.isoformat()
    else:
        json_created_after = created_after
    params["created_after"] = json_created_after

    json_created_before: None | str | Unset
    if isinstance(created_before, Unset):
        json_created_before = UNSET
    elif isinstance(created_before, datetime.datetime):
        json_created_before = created_before.isoformat()
    else:
        json_created_before = created_before
    params["created_before"] = json_created_before

    json_added_after: None | str | Unset
    if isinstance(added_after, Unset):
        json_added_after = UNSET
    elif isinstance(added_after, datetime.datetime):
        json_added_after = added_after.isoformat()
    else:
        json_added_after = added_after
    params["added_after"] = json_added_after

    json_added_before: None | str | Unset
    if isinstance(added_before, Unset):
        json_added_before = UNSET
    elif isinstance(added_before, datetime.datetime):
        json_added_before = added_before.isoformat()
    else:
        json_added_before = added_before
    params["added_before"] = json_added_before

    json_status: list[str] | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = []
        for status_item_data in status:
            status_item: str = status_item_data
            json_status.append(status_item)

    params["status"] = json_status

    json_custom_field: list[str] | Unset = UNSET
    if not isinstance(custom_field, Unset):
        json_custom_field = custom_field

    params["custom_field"] = json_custom_field

    json_sort: None | str | Unset
    if isinstance(sort, Unset):
        json_sort = UNSET
    elif isinstance(sort, str):
        json_sort = sort
    else:
        json_sort = sort
    params["sort"] = json_sort

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/documents",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DocumentPage | Problem | None:
    if response.status_code == 200:
        response_200 = DocumentPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DocumentPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    title_like: None | str | Unset = UNSET,
    tags_all: list[UUID] | Unset = UNSET,
    tags_any: list[UUID] | Unset = UNSET,
    tags_none: list[UUID] | Unset = UNSET,
    is_tagged: bool | None | Unset = UNSET,
    correspondent: list[UUID] | Unset = UNSET,
    document_type: list[UUID] | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    added_after: datetime.datetime | None | Unset = UNSET,
    added_before: datetime.datetime | None | Unset = UNSET,
    status: list[DocumentStatus] | Unset = UNSET,
    custom_field: list[str] | Unset = UNSET,
    sort: None | Sort | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[DocumentPage | Problem]:
    """List Documents

     Your documents, filtered and searched. Every filter combines with every other
    and with `q`. Follow `next_cursor` for the next page (with the same filters).

    Args:
        q (None | str | Unset): Full-text search, web-search syntax: words, "exact phrase",
            -excluded, or. Searches title, text, notes, and tag/correspondent/type names.
        title_like (None | str | Unset): Titles resembling this (typos tolerated).
        tags_all (list[UUID] | Unset): Has every one of these tags.
        tags_any (list[UUID] | Unset): Has at least one of these tags.
        tags_none (list[UUID] | Unset): Has none of these tags.
        is_tagged (bool | None | Unset): false: documents without any tag.
        correspondent (list[UUID] | Unset): Any of these correspondents.
        document_type (list[UUID] | Unset): Any of these document types.
        created_after (datetime.datetime | None | Unset): created >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        created_before (datetime.datetime | None | Unset): created < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_after (datetime.datetime | None | Unset): added >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_before (datetime.datetime | None | Unset): added < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        status (list[DocumentStatus] | Unset):
        custom_field (list[str] | Unset): `<field id>:<operator>:<value>`; operators eq, gt, gte,
            lt, lte (numbers, dates, amounts), contains (text; a document id for links), exists
            (true/false). Repeat to combine.
        sort (None | Sort | Unset): Default: relevance when searching, else -added (newest first).
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocumentPage | Problem]
    """

    kwargs = _get_kwargs(
        q=q,
        title_like=title_like,
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
        status=status,
        custom_field=custom_field,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    title_like: None | str | Unset = UNSET,
    tags_all: list[UUID] | Unset = UNSET,
    tags_any: list[UUID] | Unset = UNSET,
    tags_none: list[UUID] | Unset = UNSET,
    is_tagged: bool | None | Unset = UNSET,
    correspondent: list[UUID] | Unset = UNSET,
    document_type: list[UUID] | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    added_after: datetime.datetime | None | Unset = UNSET,
    added_before: datetime.datetime | None | Unset = UNSET,
    status: list[DocumentStatus] | Unset = UNSET,
    custom_field: list[str] | Unset = UNSET,
    sort: None | Sort | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> DocumentPage | Problem | None:
    """List Documents

     Your documents, filtered and searched. Every filter combines with every other
    and with `q`. Follow `next_cursor` for the next page (with the same filters).

    Args:
        q (None | str | Unset): Full-text search, web-search syntax: words, "exact phrase",
            -excluded, or. Searches title, text, notes, and tag/correspondent/type names.
        title_like (None | str | Unset): Titles resembling this (typos tolerated).
        tags_all (list[UUID] | Unset): Has every one of these tags.
        tags_any (list[UUID] | Unset): Has at least one of these tags.
        tags_none (list[UUID] | Unset): Has none of these tags.
        is_tagged (bool | None | Unset): false: documents without any tag.
        correspondent (list[UUID] | Unset): Any of these correspondents.
        document_type (list[UUID] | Unset): Any of these document types.
        created_after (datetime.datetime | None | Unset): created >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        created_before (datetime.datetime | None | Unset): created < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_after (datetime.datetime | None | Unset): added >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_before (datetime.datetime | None | Unset): added < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        status (list[DocumentStatus] | Unset):
        custom_field (list[str] | Unset): `<field id>:<operator>:<value>`; operators eq, gt, gte,
            lt, lte (numbers, dates, amounts), contains (text; a document id for links), exists
            (true/false). Repeat to combine.
        sort (None | Sort | Unset): Default: relevance when searching, else -added (newest first).
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocumentPage | Problem
    """

    return sync_detailed(
        client=client,
        q=q,
        title_like=title_like,
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
        status=status,
        custom_field=custom_field,
        sort=sort,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    title_like: None | str | Unset = UNSET,
    tags_all: list[UUID] | Unset = UNSET,
    tags_any: list[UUID] | Unset = UNSET,
    tags_none: list[UUID] | Unset = UNSET,
    is_tagged: bool | None | Unset = UNSET,
    correspondent: list[UUID] | Unset = UNSET,
    document_type: list[UUID] | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    added_after: datetime.datetime | None | Unset = UNSET,
    added_before: datetime.datetime | None | Unset = UNSET,
    status: list[DocumentStatus] | Unset = UNSET,
    custom_field: list[str] | Unset = UNSET,
    sort: None | Sort | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[DocumentPage | Problem]:
    """List Documents

     Your documents, filtered and searched. Every filter combines with every other
    and with `q`. Follow `next_cursor` for the next page (with the same filters).

    Args:
        q (None | str | Unset): Full-text search, web-search syntax: words, "exact phrase",
            -excluded, or. Searches title, text, notes, and tag/correspondent/type names.
        title_like (None | str | Unset): Titles resembling this (typos tolerated).
        tags_all (list[UUID] | Unset): Has every one of these tags.
        tags_any (list[UUID] | Unset): Has at least one of these tags.
        tags_none (list[UUID] | Unset): Has none of these tags.
        is_tagged (bool | None | Unset): false: documents without any tag.
        correspondent (list[UUID] | Unset): Any of these correspondents.
        document_type (list[UUID] | Unset): Any of these document types.
        created_after (datetime.datetime | None | Unset): created >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        created_before (datetime.datetime | None | Unset): created < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_after (datetime.datetime | None | Unset): added >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_before (datetime.datetime | None | Unset): added < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        status (list[DocumentStatus] | Unset):
        custom_field (list[str] | Unset): `<field id>:<operator>:<value>`; operators eq, gt, gte,
            lt, lte (numbers, dates, amounts), contains (text; a document id for links), exists
            (true/false). Repeat to combine.
        sort (None | Sort | Unset): Default: relevance when searching, else -added (newest first).
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DocumentPage | Problem]
    """

    kwargs = _get_kwargs(
        q=q,
        title_like=title_like,
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
        status=status,
        custom_field=custom_field,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    title_like: None | str | Unset = UNSET,
    tags_all: list[UUID] | Unset = UNSET,
    tags_any: list[UUID] | Unset = UNSET,
    tags_none: list[UUID] | Unset = UNSET,
    is_tagged: bool | None | Unset = UNSET,
    correspondent: list[UUID] | Unset = UNSET,
    document_type: list[UUID] | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    added_after: datetime.datetime | None | Unset = UNSET,
    added_before: datetime.datetime | None | Unset = UNSET,
    status: list[DocumentStatus] | Unset = UNSET,
    custom_field: list[str] | Unset = UNSET,
    sort: None | Sort | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> DocumentPage | Problem | None:
    """List Documents

     Your documents, filtered and searched. Every filter combines with every other
    and with `q`. Follow `next_cursor` for the next page (with the same filters).

    Args:
        q (None | str | Unset): Full-text search, web-search syntax: words, "exact phrase",
            -excluded, or. Searches title, text, notes, and tag/correspondent/type names.
        title_like (None | str | Unset): Titles resembling this (typos tolerated).
        tags_all (list[UUID] | Unset): Has every one of these tags.
        tags_any (list[UUID] | Unset): Has at least one of these tags.
        tags_none (list[UUID] | Unset): Has none of these tags.
        is_tagged (bool | None | Unset): false: documents without any tag.
        correspondent (list[UUID] | Unset): Any of these correspondents.
        document_type (list[UUID] | Unset): Any of these document types.
        created_after (datetime.datetime | None | Unset): created >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        created_before (datetime.datetime | None | Unset): created < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_after (datetime.datetime | None | Unset): added >= this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        added_before (datetime.datetime | None | Unset): added < this. A date-time without an
            offset (`2026-12-31T23:59:59`) is read as UTC.
        status (list[DocumentStatus] | Unset):
        custom_field (list[str] | Unset): `<field id>:<operator>:<value>`; operators eq, gt, gte,
            lt, lte (numbers, dates, amounts), contains (text; a document id for links), exists
            (true/false). Repeat to combine.
        sort (None | Sort | Unset): Default: relevance when searching, else -added (newest first).
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DocumentPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            title_like=title_like,
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
            status=status,
            custom_field=custom_field,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
