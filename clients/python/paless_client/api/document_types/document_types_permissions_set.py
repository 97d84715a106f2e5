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
    document_type_id: UUID,
    *,
    body: ObjectPermissions,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/document_types/{document_type_id}/permissions".format(
            document_type_id=quote(str(document_type_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
) -> Response[ObjectPermissions | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    document_type_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ObjectPermissions,
) -> Response[ObjectPermissions | Problem]:
    """Write

     Replace the document type's grants (and owner). Only its owner or an admin may (403). `change`
    implies `view`. The change is in the audit log. A new owner who already has one of the same name
    (or, for a document, the same archive serial number) is refused with 409.

    Args:
        document_type_id (UUID):
        body (ObjectPermissions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ObjectPermissions | Problem]
    """

    kwargs = _get_kwargs(
        document_type_id=document_type_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    document_type_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ObjectPermissions,
) -> ObjectPermissions | Problem | None:
    """Write

     Replace the document type's grants (and owner). Only its owner or an admin may (403). `change`
    implies `view`. The change is in the audit log. A new owner who already has one of the same name
    (or, for a document, the same archive serial number) is refused with 409.

    Args:
        document_type_id (UUID):
        body (ObjectPermissions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ObjectPermissions | Problem
    """

    return sync_detailed(
        document_type_id=document_type_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    document_type_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ObjectPermissions,
) -> Response[ObjectPermissions | Problem]:
    """Write

     Replace the document type's grants (and owner). Only its owner or an admin may (403). `change`
    implies `view`. The change is in the audit log. A new owner who already has one of the same name
    (or, for a document, the same archive serial number) is refused with 409.

    Args:
        document_type_id (UUID):
        body (ObjectPermissions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ObjectPermissions | Problem]
    """

    kwargs = _get_kwargs(
        document_type_id=document_type_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    document_type_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ObjectPermissions,
) -> ObjectPermissions | Problem | None:
    """Write

     Replace the document type's grants (and owner). Only its owner or an admin may (403). `change`
    implies `view`. The change is in the audit log. A new owner who already has one of the same name
    (or, for a document, the same archive serial number) is refused with 409.

    Args:
        document_type_id (UUID):
        body (ObjectPermissions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ObjectPermissions | Problem
    """

    return (
        await asyncio_detailed(
            document_type_id=document_type_id,
            client=client,
            body=body,
        )
    ).parsed
