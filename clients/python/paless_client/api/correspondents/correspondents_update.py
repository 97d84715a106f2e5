from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.correspondent import Correspondent
from ...models.correspondent_update import CorrespondentUpdate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    correspondent_id: UUID,
    *,
    body: CorrespondentUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/correspondents/{correspondent_id}".format(
            correspondent_id=quote(str(correspondent_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Correspondent | Problem | None:
    if response.status_code == 200:
        response_200 = Correspondent.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Correspondent | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    correspondent_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CorrespondentUpdate,
) -> Response[Correspondent | Problem]:
    """Update Object

     Change a correspondent; only the fields sent change. A change grant suffices, except for a new name:
    only the owner or an admin may rename (403 otherwise). A new name is searchable on its documents at
    once.

    Args:
        correspondent_id (UUID):
        body (CorrespondentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Correspondent | Problem]
    """

    kwargs = _get_kwargs(
        correspondent_id=correspondent_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    correspondent_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CorrespondentUpdate,
) -> Correspondent | Problem | None:
    """Update Object

     Change a correspondent; only the fields sent change. A change grant suffices, except for a new name:
    only the owner or an admin may rename (403 otherwise). A new name is searchable on its documents at
    once.

    Args:
        correspondent_id (UUID):
        body (CorrespondentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Correspondent | Problem
    """

    return sync_detailed(
        correspondent_id=correspondent_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    correspondent_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CorrespondentUpdate,
) -> Response[Correspondent | Problem]:
    """Update Object

     Change a correspondent; only the fields sent change. A change grant suffices, except for a new name:
    only the owner or an admin may rename (403 otherwise). A new name is searchable on its documents at
    once.

    Args:
        correspondent_id (UUID):
        body (CorrespondentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Correspondent | Problem]
    """

    kwargs = _get_kwargs(
        correspondent_id=correspondent_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    correspondent_id: UUID,
    *,
    client: AuthenticatedClient,
    body: CorrespondentUpdate,
) -> Correspondent | Problem | None:
    """Update Object

     Change a correspondent; only the fields sent change. A change grant suffices, except for a new name:
    only the owner or an admin may rename (403 otherwise). A new name is searchable on its documents at
    once.

    Args:
        correspondent_id (UUID):
        body (CorrespondentUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Correspondent | Problem
    """

    return (
        await asyncio_detailed(
            correspondent_id=correspondent_id,
            client=client,
            body=body,
        )
    ).parsed
