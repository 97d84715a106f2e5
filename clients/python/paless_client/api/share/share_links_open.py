from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.signed_url import SignedUrl
from ...types import UNSET, Response, Unset


def _get_kwargs(
    slug: str,
    *,
    redirect: bool | Unset = True,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["redirect"] = redirect

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/share/{slug}".format(
            slug=quote(str(slug), safe=""),
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
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect: bool | Unset = True,
) -> Response[Any | Problem | SignedUrl]:
    """Open Share Link

     No authentication: an active link redirects to the file (a signed URL valid five
    minutes at most); an unknown, expired or revoked link is 404.

    Args:
        slug (str):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | SignedUrl]
    """

    kwargs = _get_kwargs(
        slug=slug,
        redirect=redirect,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect: bool | Unset = True,
) -> Any | Problem | SignedUrl | None:
    """Open Share Link

     No authentication: an active link redirects to the file (a signed URL valid five
    minutes at most); an unknown, expired or revoked link is 404.

    Args:
        slug (str):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | SignedUrl
    """

    return sync_detailed(
        slug=slug,
        client=client,
        redirect=redirect,
    ).parsed


async def asyncio_detailed(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect: bool | Unset = True,
) -> Response[Any | Problem | SignedUrl]:
    """Open Share Link

     No authentication: an active link redirects to the file (a signed URL valid five
    minutes at most); an unknown, expired or revoked link is 404.

    Args:
        slug (str):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | SignedUrl]
    """

    kwargs = _get_kwargs(
        slug=slug,
        redirect=redirect,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect: bool | Unset = True,
) -> Any | Problem | SignedUrl | None:
    """Open Share Link

     No authentication: an active link redirects to the file (a signed URL valid five
    minutes at most); an unknown, expired or revoked link is 404.

    Args:
        slug (str):
        redirect (bool | Unset): true: answer 307 to the signed URL; false: return it as JSON.
            Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | SignedUrl
    """

    return (
        await asyncio_detailed(
            slug=slug,
            client=client,
            redirect=redirect,
        )
    ).parsed
