from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.document import Document
from ...models.documents_upload_document_upload import DocumentsUploadDocumentUpload
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: DocumentsUploadDocumentUpload,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/documents",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Document | Problem | None:
    if response.status_code == 202:
        response_202 = Document.from_dict(response.json())

        return response_202

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
    *,
    client: AuthenticatedClient,
    body: DocumentsUploadDocumentUpload,
) -> Response[Document | Problem]:
    """Upload Document

     Upload a PDF or an image (multipart field `file`, optional `title`, optional
    OCR settings `ocr_mode`, `ocr_languages`, `ocr_deskew`, `ocr_rotate_pages`,
    `ocr_clean`, `ocr_pdfa`, and `password` for an encrypted PDF).

    The type is recognised from the file's content (415 lists the accepted types);
    images become a PDF and are read by OCR. The file is streamed to storage as it
    arrives. The document is answered at once with status `pending`; poll it until
    `ready` or `failed`. For files over a few hundred MB, use a direct upload
    (`POST /api/v1/uploads`) instead.

    Args:
        body (DocumentsUploadDocumentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: DocumentsUploadDocumentUpload,
) -> Document | Problem | None:
    """Upload Document

     Upload a PDF or an image (multipart field `file`, optional `title`, optional
    OCR settings `ocr_mode`, `ocr_languages`, `ocr_deskew`, `ocr_rotate_pages`,
    `ocr_clean`, `ocr_pdfa`, and `password` for an encrypted PDF).

    The type is recognised from the file's content (415 lists the accepted types);
    images become a PDF and are read by OCR. The file is streamed to storage as it
    arrives. The document is answered at once with status `pending`; poll it until
    `ready` or `failed`. For files over a few hundred MB, use a direct upload
    (`POST /api/v1/uploads`) instead.

    Args:
        body (DocumentsUploadDocumentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DocumentsUploadDocumentUpload,
) -> Response[Document | Problem]:
    """Upload Document

     Upload a PDF or an image (multipart field `file`, optional `title`, optional
    OCR settings `ocr_mode`, `ocr_languages`, `ocr_deskew`, `ocr_rotate_pages`,
    `ocr_clean`, `ocr_pdfa`, and `password` for an encrypted PDF).

    The type is recognised from the file's content (415 lists the accepted types);
    images become a PDF and are read by OCR. The file is streamed to storage as it
    arrives. The document is answered at once with status `pending`; poll it until
    `ready` or `failed`. For files over a few hundred MB, use a direct upload
    (`POST /api/v1/uploads`) instead.

    Args:
        body (DocumentsUploadDocumentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Document | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DocumentsUploadDocumentUpload,
) -> Document | Problem | None:
    """Upload Document

     Upload a PDF or an image (multipart field `file`, optional `title`, optional
    OCR settings `ocr_mode`, `ocr_languages`, `ocr_deskew`, `ocr_rotate_pages`,
    `ocr_clean`, `ocr_pdfa`, and `password` for an encrypted PDF).

    The type is recognised from the file's content (415 lists the accepted types);
    images become a PDF and are read by OCR. The file is streamed to storage as it
    arrives. The document is answered at once with status `pending`; poll it until
    `ready` or `failed`. For files over a few hundred MB, use a direct upload
    (`POST /api/v1/uploads`) instead.

    Args:
        body (DocumentsUploadDocumentUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Document | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
