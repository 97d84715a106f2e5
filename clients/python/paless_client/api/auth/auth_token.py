from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_token_data_token_request import AuthTokenDataTokenRequest
from ...models.auth_token_json_token_request import AuthTokenJsonTokenRequest
from ...models.problem import Problem
from ...models.token import Token
from ...types import Response


def _get_kwargs(
    *,
    body: AuthTokenJsonTokenRequest | AuthTokenDataTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/token",
    }

    if isinstance(body, AuthTokenJsonTokenRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, AuthTokenDataTokenRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Token | None:
    if response.status_code == 200:
        response_200 = Token.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Token]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AuthTokenJsonTokenRequest | AuthTokenDataTokenRequest,
) -> Response[Problem | Token]:
    """Create Token

     Exchange a username and password for a bearer token.

    Send them as a form (`username=…&password=…`, as OAuth2 clients do) or as JSON.
    Use the token as `Authorization: Bearer <access_token>` until `expires_at`.

    Repeated failures for one username, or from one address, lock further attempts
    out for a while: `429` with `Retry-After` (seconds), whatever the password.

    Args:
        body (AuthTokenJsonTokenRequest):
        body (AuthTokenDataTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Token]
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
    client: AuthenticatedClient | Client,
    body: AuthTokenJsonTokenRequest | AuthTokenDataTokenRequest,
) -> Problem | Token | None:
    """Create Token

     Exchange a username and password for a bearer token.

    Send them as a form (`username=…&password=…`, as OAuth2 clients do) or as JSON.
    Use the token as `Authorization: Bearer <access_token>` until `expires_at`.

    Repeated failures for one username, or from one address, lock further attempts
    out for a while: `429` with `Retry-After` (seconds), whatever the password.

    Args:
        body (AuthTokenJsonTokenRequest):
        body (AuthTokenDataTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Token
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: AuthTokenJsonTokenRequest | AuthTokenDataTokenRequest,
) -> Response[Problem | Token]:
    """Create Token

     Exchange a username and password for a bearer token.

    Send them as a form (`username=…&password=…`, as OAuth2 clients do) or as JSON.
    Use the token as `Authorization: Bearer <access_token>` until `expires_at`.

    Repeated failures for one username, or from one address, lock further attempts
    out for a while: `429` with `Retry-After` (seconds), whatever the password.

    Args:
        body (AuthTokenJsonTokenRequest):
        body (AuthTokenDataTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Token]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: AuthTokenJsonTokenRequest | AuthTokenDataTokenRequest,
) -> Problem | Token | None:
    """Create Token

     Exchange a username and password for a bearer token.

    Send them as a form (`username=…&password=…`, as OAuth2 clients do) or as JSON.
    Use the token as `Authorization: Bearer <access_token>` until `expires_at`.

    Repeated failures for one username, or from one address, lock further attempts
    out for a while: `429` with `Retry-After` (seconds), whatever the password.

    Args:
        body (AuthTokenJsonTokenRequest):
        body (AuthTokenDataTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Token
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
