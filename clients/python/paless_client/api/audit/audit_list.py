from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_page import AuditPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor: None | Unset | UUID = UNSET,
    action: None | str | Unset = UNSET,
    document_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    elif isinstance(actor, UUID):
        json_actor = str(actor)
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_document_id: None | str | Unset
    if isinstance(document_id, Unset):
        json_document_id = UNSET
    elif isinstance(document_id, UUID):
        json_document_id = str(document_id)
    else:
        json_document_id = document_id
    params["document_id"] = json_document_id

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
        "url": "/api/v1/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditPage | Problem | None:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | Unset | UUID = UNSET,
    action: None | str | Unset = UNSET,
    document_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Response[AuditPage | Problem]:
    """List Audit Events

     Every event, newest first (admins only; a document's own history is at
    `/api/v1/documents/{id}/history`).

    Args:
        actor (None | Unset | UUID):
        action (None | str | Unset):
        document_id (None | Unset | UUID):
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        document_id=document_id,
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
    actor: None | Unset | UUID = UNSET,
    action: None | str | Unset = UNSET,
    document_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> AuditPage | Problem | None:
    """List Audit Events

     Every event, newest first (admins only; a document's own history is at
    `/api/v1/documents/{id}/history`).

    Args:
        actor (None | Unset | UUID):
        action (None | str | Unset):
        document_id (None | Unset | UUID):
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Problem
    """

    return sync_detailed(
        client=client,
        actor=actor,
        action=action,
        document_id=document_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | Unset | UUID = UNSET,
    action: None | str | Unset = UNSET,
    document_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> Response[AuditPage | Problem]:
    """List Audit Events

     Every event, newest first (admins only; a document's own history is at
    `/api/v1/documents/{id}/history`).

    Args:
        actor (None | Unset | UUID):
        action (None | str | Unset):
        document_id (None | Unset | UUID):
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        document_id=document_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor: None | Unset | UUID = UNSET,
    action: None | str | Unset = UNSET,
    document_id: None | Unset | UUID = UNSET,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
) -> AuditPage | Problem | None:
    """List Audit Events

     Every event, newest first (admins only; a document's own history is at
    `/api/v1/documents/{id}/history`).

    Args:
        actor (None | Unset | UUID):
        action (None | str | Unset):
        document_id (None | Unset | UUID):
        limit (int | Unset):  Default: 100.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            action=action,
            document_id=document_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
