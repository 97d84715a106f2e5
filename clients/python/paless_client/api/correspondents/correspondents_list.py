from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.correspondent_page import CorrespondentPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    name: None | str | Unset = UNSET,
    name_contains: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_name: None | str | Unset
    if isinstance(name, Unset):
        json_name = UNSET
    else:
        json_name = name
    params["name"] = json_name

    json_name_contains: None | str | Unset
    if isinstance(name_contains, Unset):
        json_name_contains = UNSET
    else:
        json_name_contains = name_contains
    params["name_contains"] = json_name_contains

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/correspondents",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CorrespondentPage | Problem | None:
    if response.status_code == 200:
        response_200 = CorrespondentPage.from_dict(response.json())

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
) -> Response[CorrespondentPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    name: None | str | Unset = UNSET,
    name_contains: None | str | Unset = UNSET,
) -> Response[CorrespondentPage | Problem]:
    """List Objects

     Your correspondents, by name, each with its document count.

    Args:
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):
        name (None | str | Unset): Exact name (case-insensitive).
        name_contains (None | str | Unset): Part of the name (case-insensitive).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CorrespondentPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        name=name,
        name_contains=name_contains,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    name: None | str | Unset = UNSET,
    name_contains: None | str | Unset = UNSET,
) -> CorrespondentPage | Problem | None:
    """List Objects

     Your correspondents, by name, each with its document count.

    Args:
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):
        name (None | str | Unset): Exact name (case-insensitive).
        name_contains (None | str | Unset): Part of the name (case-insensitive).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CorrespondentPage | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        name=name,
        name_contains=name_contains,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    name: None | str | Unset = UNSET,
    name_contains: None | str | Unset = UNSET,
) -> Response[CorrespondentPage | Problem]:
    """List Objects

     Your correspondents, by name, each with its document count.

    Args:
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):
        name (None | str | Unset): Exact name (case-insensitive).
        name_contains (None | str | Unset): Part of the name (case-insensitive).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CorrespondentPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        name=name,
        name_contains=name_contains,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    name: None | str | Unset = UNSET,
    name_contains: None | str | Unset = UNSET,
) -> CorrespondentPage | Problem | None:
    """List Objects

     Your correspondents, by name, each with its document count.

    Args:
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):
        name (None | str | Unset): Exact name (case-insensitive).
        name_contains (None | str | Unset): Part of the name (case-insensitive).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CorrespondentPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            name=name,
            name_contains=name_contains,
        )
    ).parsed
