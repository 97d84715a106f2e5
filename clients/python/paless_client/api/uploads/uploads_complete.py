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
    upload_id: UUID,
    *,
    body: None | OcrRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/uploads/{upload_id}/complete".format(
            upload_id=quote(str(upload_id), safe=""),
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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
    upload_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Response[Document | Problem]:
    """Complete Upload

     Finish a direct upload: the file is checked (a PDF or an image, recognised by
    its content; 415 lists the accepted types) and becomes a `pending` document,
    processed with the OCR settings given in the body (optional, as for reprocess).

    409 if the file has not reached storage yet; calling it again after success
    returns the same document.

    Args:
        upload_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        upload_id=upload_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    upload_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Document | Problem | None:
    """Complete Upload

     Finish a direct upload: the file is checked (a PDF or an image, recognised by
    its content; 415 lists the accepted types) and becomes a `pending` document,
    processed with the OCR settings given in the body (optional, as for reprocess).

    409 if the file has not reached storage yet; calling it again after success
    returns the same document.

    Args:
        upload_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return sync_detailed(
        upload_id=upload_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    upload_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Response[Document | Problem]:
    """Complete Upload

     Finish a direct upload: the file is checked (a PDF or an image, recognised by
    its content; 415 lists the accepted types) and becomes a `pending` document,
    processed with the OCR settings given in the body (optional, as for reprocess).

    409 if the file has not reached storage yet; calling it again after success
    returns the same document.

    Args:
        upload_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        upload_id=upload_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    upload_id: UUID,
    *,
    client: AuthenticatedClient,
    body: None | OcrRequest | Unset = UNSET,
) -> Document | Problem | None:
    """Complete Upload

     Finish a direct upload: the file is checked (a PDF or an image, recognised by
    its content; 415 lists the accepted types) and becomes a `pending` document,
    processed with the OCR settings given in the body (optional, as for reprocess).

    409 if the file has not reached storage yet; calling it again after success
    returns the same document.

    Args:
        upload_id (UUID):
        body (None | OcrRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return (
        await asyncio_detailed(
            upload_id=upload_id,
            client=client,
            body=body,
        )
    ).parsed
