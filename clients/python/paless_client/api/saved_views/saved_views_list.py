from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.saved_view_page import SavedViewPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    sidebar: bool | None | Unset = UNSET,
    dashboard: bool | None | Unset = UNSET,
    counts: bool | Unset = False,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_sidebar: bool | None | Unset
    if isinstance(sidebar, Unset):
        json_sidebar = UNSET
    else:
        json_sidebar = sidebar
    params["sidebar"] = json_sidebar

    json_dashboard: bool | None | Unset
    if isinstance(dashboard, Unset):
        json_dashboard = UNSET
    else:
        json_dashboard = dashboard
    params["dashboard"] = json_dashboard

    params["counts"] = counts

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
        "url": "/api/v1/saved_views",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SavedViewPage | None:
    if response.status_code == 200:
        response_200 = SavedViewPage.from_dict(response.json())

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
) -> Response[Problem | SavedViewPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    sidebar: bool | None | Unset = UNSET,
    dashboard: bool | None | Unset = UNSET,
    counts: bool | Unset = False,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | SavedViewPage]:
    """List Saved Views

     The saved views you own or were granted, by name.

    Args:
        sidebar (bool | None | Unset): Only views shown in the sidebar (or not).
        dashboard (bool | None | Unset): Only views on the dashboard (or not).
        counts (bool | Unset): Count each view's documents. Default: False.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SavedViewPage]
    """

    kwargs = _get_kwargs(
        sidebar=sidebar,
        dashboard=dashboard,
        counts=counts,
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
    sidebar: bool | None | Unset = UNSET,
    dashboard: bool | None | Unset = UNSET,
    counts: bool | Unset = False,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Problem | SavedViewPage | None:
    """List Saved Views

     The saved views you own or were granted, by name.

    Args:
        sidebar (bool | None | Unset): Only views shown in the sidebar (or not).
        dashboard (bool | None | Unset): Only views on the dashboard (or not).
        counts (bool | Unset): Count each view's documents. Default: False.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SavedViewPage
    """

    return sync_detailed(
        client=client,
        sidebar=sidebar,
        dashboard=dashboard,
        counts=counts,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    sidebar: bool | None | Unset = UNSET,
    dashboard: bool | None | Unset = UNSET,
    counts: bool | Unset = False,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Response[Problem | SavedViewPage]:
    """List Saved Views

     The saved views you own or were granted, by name.

    Args:
        sidebar (bool | None | Unset): Only views shown in the sidebar (or not).
        dashboard (bool | None | Unset): Only views on the dashboard (or not).
        counts (bool | Unset): Count each view's documents. Default: False.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SavedViewPage]
    """

    kwargs = _get_kwargs(
        sidebar=sidebar,
        dashboard=dashboard,
        counts=counts,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    sidebar: bool | None | Unset = UNSET,
    dashboard: bool | None | Unset = UNSET,
    counts: bool | Unset = False,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Problem | SavedViewPage | None:
    """List Saved Views

     The saved views you own or were granted, by name.

    Args:
        sidebar (bool | None | Unset): Only views shown in the sidebar (or not).
        dashboard (bool | None | Unset): Only views on the dashboard (or not).
        counts (bool | Unset): Count each view's documents. Default: False.
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SavedViewPage
    """

    return (
        await asyncio_detailed(
            client=client,
            sidebar=sidebar,
            dashboard=dashboard,
            counts=counts,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
