from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document import Document
from ...models.ocr_request import OcrRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    document_id: UUID,
    *,
    body: None | OcrRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/documents/{document_id}/reprocess".format(
            document_id=quote(str(document_id), safe=""),
        ),
    }

    if isinstance(body, OcrRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Document | Problem | None:
    if response.status_code == 202:
        response_202 = Document.from_dict(response.json())

        return response_202

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
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Response[Document | Problem]:
    """Reprocess Document

     Process a `ready` or `failed` document again from its current version's
    original, with the OCR settings given (each one left out is the server's default;
    e.g. `{"mode": "force", "languages": ["deu"]}`, or a `password` for an encrypted
    PDF). The current archive, thumbnail and text stay until the new ones are
    complete. 409 while it is still pending or processing. Follow it with
    `GET /api/v1/tasks?document_id=` (`pages_done`/`pages_total` while OCR runs).

    Args:
        document_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        document_id=document_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    document_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Document | Problem | None:
    """Reprocess Document

     Process a `ready` or `failed` document again from its current version's
    original, with the OCR settings given (each one left out is the server's default;
    e.g. `{"mode": "force", "languages": ["deu"]}`, or a `password` for an encrypted
    PDF). The current archive, thumbnail and text stay until the new ones are
    complete. 409 while it is still pending or processing. Follow it with
    `GET /api/v1/tasks?document_id=` (`pages_done`/`pages_total` while OCR runs).

    Args:
        document_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return sync_detailed(
        document_id=document_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    document_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Response[Document | Problem]:
    """Reprocess Document

     Process a `ready` or `failed` document again from its current version's
    original, with the OCR settings given (each one left out is the server's default;
    e.g. `{"mode": "force", "languages": ["deu"]}`, or a `password` for an encrypted
    PDF). The current archive, thumbnail and text stay until the new ones are
    complete. 409 while it is still pending or processing. Follow it with
    `GET /api/v1/tasks?document_id=` (`pages_done`/`pages_total` while OCR runs).

    Args:
        document_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        document_id=document_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    document_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Document | Problem | None:
    """Reprocess Document

     Process a `ready` or `failed` document again from its current version's
    original, with the OCR settings given (each one left out is the server's default;
    e.g. `{"mode": "force", "languages": ["deu"]}`, or a `password` for an encrypted
    PDF). The current archive, thumbnail and text stay until the new ones are
    complete. 409 while it is still pending or processing. Follow it with
    `GET /api/v1/tasks?document_id=` (`pages_done`/`pages_total` while OCR runs).

    Args:
        document_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return (
        await asyncio_detailed(
            document_id=document_id,
            client=client,
            body=body,
        )
    ).parsed
