from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.operations_queue_depth_queue import OperationsQueueDepthQueue
from ...models.problem import Problem
from ...models.queue_depth import QueueDepth
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    queue: OperationsQueueDepthQueue | Unset = "default",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_queue: str | Unset = UNSET
    if not isinstance(queue, Unset):
        json_queue = queue

    params["queue"] = json_queue

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/metrics/queue",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | QueueDepth | None:
    if response.status_code == 200:
        response_200 = QueueDepth.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | QueueDepth]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    queue: OperationsQueueDepthQueue | Unset = "default",
) -> Response[Problem | QueueDepth]:
    """Queue

     Queue depth as JSON, for KEDA's `metrics-api` scaler to size a worker pool:
    `queue=ocr` counts pages waiting for OCR (one job per page), the default queue
    everything else.

    Args:
        queue (OperationsQueueDepthQueue | Unset):  Default: 'default'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | QueueDepth]
    """

    kwargs = _get_kwargs(
        queue=queue,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    queue: OperationsQueueDepthQueue | Unset = "default",
) -> Problem | QueueDepth | None:
    """Queue

     Queue depth as JSON, for KEDA's `metrics-api` scaler to size a worker pool:
    `queue=ocr` counts pages waiting for OCR (one job per page), the default queue
    everything else.

    Args:
        queue (OperationsQueueDepthQueue | Unset):  Default: 'default'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | QueueDepth
    """

    return sync_detailed(
        client=client,
        queue=queue,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    queue: OperationsQueueDepthQueue | Unset = "default",
) -> Response[Problem | QueueDepth]:
    """Queue

     Queue depth as JSON, for KEDA's `metrics-api` scaler to size a worker pool:
    `queue=ocr` counts pages waiting for OCR (one job per page), the default queue
    everything else.

    Args:
        queue (OperationsQueueDepthQueue | Unset):  Default: 'default'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | QueueDepth]
    """

    kwargs = _get_kwargs(
        queue=queue,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    queue: OperationsQueueDepthQueue | Unset = "default",
) -> Problem | QueueDepth | None:
    """Queue

     Queue depth as JSON, for KEDA's `metrics-api` scaler to size a worker pool:
    `queue=ocr` counts pages waiting for OCR (one job per page), the default queue
    everything else.

    Args:
        queue (OperationsQueueDepthQueue | Unset):  Default: 'default'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | QueueDepth
    """

    return (
        await asyncio_detailed(
            client=client,
            queue=queue,
        )
    ).parsed
