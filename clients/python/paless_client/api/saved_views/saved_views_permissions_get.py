from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.object_permissions import ObjectPermissions
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    saved_view_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/saved_views/{saved_view_id}/permissions".format(
            saved_view_id=quote(str(saved_view_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ObjectPermissions | Problem | None:
    if response.status_code == 200:
        response_200 = ObjectPermissions.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ObjectPermissions | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    saved_view_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[ObjectPermissions | Problem]:
    """Read

     Who owns the saved view and who may view or change it.

    Args:
        saved_view_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ObjectPermissions | Problem]
    """

    kwargs = _get_kwargs(
        saved_view_id=saved_view_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    saved_view_id: UUID,
    *,
    client: AuthenticatedClient,
) -> ObjectPermissions | Problem | None:
    """Read

     Who owns the saved view and who may view or change it.

    Args:
        saved_view_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ObjectPermissions | Problem
    """

    return sync_detailed(
        saved_view_id=saved_view_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    saved_view_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[ObjectPermissions | Problem]:
    """Read

     Who owns the saved view and who may view or change it.

    Args:
        saved_view_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ObjectPermissions | Problem]
    """

    kwargs = _get_kwargs(
        saved_view_id=saved_view_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    saved_view_id: UUID,
    *,
    client: AuthenticatedClient,
) -> ObjectPermissions | Problem | None:
    """Read

     Who owns the saved view and who may view or change it.

    Args:
        saved_view_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ObjectPermissions | Problem
    """

    return (
        await asyncio_detailed(
            saved_view_id=saved_view_id,
            client=client,
        )
    ).parsed
