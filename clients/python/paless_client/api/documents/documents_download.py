from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.documents_download_disposition import DocumentsDownloadDisposition
from ...models.documents_download_rendition_type_0 import (
    DocumentsDownloadRenditionType0,
)
from ...models.problem import Problem
from ...models.signed_url import SignedUrl
from ...types import UNSET, Response, Unset


def _get_kwargs(
    document_id: UUID,
    *,
    redirect: bool | Unset = True,
    disposition: DocumentsDownloadDisposition | Unset = "attachment",
    version: int | None | Unset = UNSET,
    rendition: DocumentsDownloadRenditionType0 | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["redirect"] = redirect

    json_disposition: str | Unset = UNSET
    if not isinstance(disposition, Unset):
        json_disposition = disposition

    params["disposition"] = json_disposition

    json_version: int | None | Unset
    if isinstance(version, Unset):
        json_version = UNSET
    else:
        json_version = version
    params["version"] = json_version

    json_rendition: None | str | Unset
    if isinstance(rendition, Unset):
        json_rendition = UNSET
    elif isinstance(rendition, str):
        json_rendition = rendition
    else:
        json_rendition = rendition
    params["rendition"] = json_rendition

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/documents/{document_id}/download".format(
            document_id=quote(str(document_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | SignedUrl | None:
    if response.status_code == 200:
        response_200 = SignedUrl.from_dict(response.json())

        return response_200

    if response.status_code == 307:
        response_307 = cast(Any, None)
        return response_307

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
) -> Response[Any | Problem | SignedUrl]:
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
    redirect: bool | Unset = True,
    disposition: DocumentsDownloadDisposition | Unset = "attachment",
    version: int | None | Unset = UNSET,
    rendition: DocumentsDownloadRenditionType0 | None | Unset = UNSET,
) -> Response[Any | Problem | SignedUrl]:
    """Download Document

     A file of the document, through a short-lived signed URL straight from storage:
    by default the current version's archive (the PDF with a text layer) when it has
    one, else its original as uploaded; `version` and `rendition` choose another.

    The original keeps its name (`Content-Disposition`, RFC 6266).

    Args:
        document_id (UUID):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.
        disposition (DocumentsDownloadDisposition | Unset):  Default: 'attachment'.
        version (int | None | Unset):
        rendition (DocumentsDownloadRenditionType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | SignedUrl]
    """

    kwargs = _get_kwargs(
        document_id=document_id,
        redirect=redirect,
        disposition=disposition,
        version=version,
        rendition=rendition,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    document_id: UUID,
    *,
    client: AuthenticatedClient,
    redirect: bool | Unset = True,
    disposition: DocumentsDownloadDisposition | Unset = "attachment",
    version: int | None | Unset = UNSET,
    rendition: DocumentsDownloadRenditionType0 | None | Unset = UNSET,
) -> Any | Problem | SignedUrl | None:
    """Download Document

     A file of the document, through a short-lived signed URL straight from storage:
    by default the current version's archive (the PDF with a text layer) when it has
    one, else its original as uploaded; `version` and `rendition` choose another.

    The original keeps its name (`Content-Disposition`, RFC 6266).

    Args:
        document_id (UUID):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.
        disposition (DocumentsDownloadDisposition | Unset):  Default: 'attachment'.
        version (int | None | Unset):
        rendition (DocumentsDownloadRenditionType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | SignedUrl
    """

    return sync_detailed(
        document_id=document_id,
        client=client,
        redirect=redirect,
        disposition=disposition,
        version=version,
        rendition=rendition,
    ).parsed


async def asyncio_detailed(
    document_id: UUID,
    *,
    client: AuthenticatedClient,
    redirect: bool | Unset = True,
    disposition: DocumentsDownloadDisposition | Unset = "attachment",
    version: int | None | Unset = UNSET,
    rendition: DocumentsDownloadRenditionType0 | None | Unset = UNSET,
) -> Response[Any | Problem | SignedUrl]:
    """Download Document

     A file of the document, through a short-lived signed URL straight from storage:
    by default the current version's archive (the PDF with a text layer) when it has
    one, else its original as uploaded; `version` and `rendition` choose another.

    The original keeps its name (`Content-Disposition`, RFC 6266).

    Args:
        document_id (UUID):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.
        disposition (DocumentsDownloadDisposition | Unset):  Default: 'attachment'.
        version (int | None | Unset):
        rendition (DocumentsDownloadRenditionType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | SignedUrl]
    """

    kwargs = _get_kwargs(
        document_id=document_id,
        redirect=redirect,
        disposition=disposition,
        version=version,
        rendition=rendition,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    document_id: UUID,
    *,
    client: AuthenticatedClient,
    redirect: bool | Unset = True,
    disposition: DocumentsDownloadDisposition | Unset = "attachment",
    version: int | None | Unset = UNSET,
    rendition: DocumentsDownloadRenditionType0 | None | Unset = UNSET,
) -> Any | Problem | SignedUrl | None:
    """Download Document

     A file of the document, through a short-lived signed URL straight from storage:
    by default the current version's archive (the PDF with a text layer) when it has
    one, else its original as uploaded; `version` and `rendition` choose another.

    The original keeps its name (`Content-Disposition`, RFC 6266).

    Args:
        document_id (UUID):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.
        disposition (DocumentsDownloadDisposition | Unset):  Default: 'attachment'.
        version (int | None | Unset):
        rendition (DocumentsDownloadRenditionType0 | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | SignedUrl
    """

    return (
        await asyncio_detailed(
            document_id=document_id,
            client=client,
            redirect=redirect,
            disposition=disposition,
            version=version,
            rendition=rendition,
        )
    ).parsed
