from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document import Document
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    document_id: UUID,
    number: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/documents/{document_id}/versions/{number}/restore".format(
            document_id=quote(str(document_id), safe=""),
            number=quote(str(number), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Document | Problem | None:
    if response.status_code == 200:
        response_200 = Document.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Document | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    document_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Response[Document | Problem]:
    """Restore Version

     Make version `number` the current one (its original, archive, thumbnail and
    text). Nothing is deleted: the version that was current can be restored back.
    Recorded in the document's history.

    Args:
        document_id (UUID):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        document_id=document_id,
        number=number,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    document_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Document | Problem | None:
    """Restore Version

     Make version `number` the current one (its original, archive, thumbnail and
    text). Nothing is deleted: the version that was current can be restored back.
    Recorded in the document's history.

    Args:
        document_id (UUID):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return sync_detailed(
        document_id=document_id,
        number=number,
        client=client,
    ).parsed


async def asyncio_detailed(
    document_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Response[Document | Problem]:
    """Restore Version

     Make version `number` the current one (its original, archive, thumbnail and
    text). Nothing is deleted: the version that was current can be restored back.
    Recorded in the document's history.

    Args:
        document_id (UUID):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        document_id=document_id,
        number=number,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    document_id: UUID,
    number: int,
    *,
    client: AuthenticatedClient,
) -> Document | Problem | None:
    """Restore Version

     Make version `number` the current one (its original, archive, thumbnail and
    text). Nothing is deleted: the version that was current can be restored back.
    Recorded in the document's history.

    Args:
        document_id (UUID):
        number (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return (
        await asyncio_detailed(
            document_id=document_id,
            number=number,
            client=client,
        )
    ).parsed
