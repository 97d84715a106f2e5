from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.suggestions import Suggestions
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    term: str,
    limit: int | Unset = 10,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["term"] = term

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/autocomplete",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Suggestions | None:
    if response.status_code == 200:
        response_200 = Suggestions.from_dict(response.json())

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
) -> Response[Problem | Suggestions]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    term: str,
    limit: int | Unset = 10,
) -> Response[Problem | Suggestions]:
    """Suggest

     Tag and correspondent names for a search box: names starting with `term` first,
    then similar ones (typos tolerated, by trigram similarity).

    Args:
        term (str):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Suggestions]
    """

    kwargs = _get_kwargs(
        term=term,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    term: str,
    limit: int | Unset = 10,
) -> Problem | Suggestions | None:
    """Suggest

     Tag and correspondent names for a search box: names starting with `term` first,
    then similar ones (typos tolerated, by trigram similarity).

    Args:
        term (str):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Suggestions
    """

    return sync_detailed(
        client=client,
        term=term,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    term: str,
    limit: int | Unset = 10,
) -> Response[Problem | Suggestions]:
    """Suggest

     Tag and correspondent names for a search box: names starting with `term` first,
    then similar ones (typos tolerated, by trigram similarity).

    Args:
        term (str):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Suggestions]
    """

    kwargs = _get_kwargs(
        term=term,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    term: str,
    limit: int | Unset = 10,
) -> Problem | Suggestions | None:
    """Suggest

     Tag and correspondent names for a search box: names starting with `term` first,
    then similar ones (typos tolerated, by trigram similarity).

    Args:
        term (str):
        limit (int | Unset):  Default: 10.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Suggestions
    """

    return (
        await asyncio_detailed(
            client=client,
            term=term,
            limit=limit,
        )
    ).parsed
