"""Prometheus metrics and the queue depth (for autoscaling)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from paless_shared.documents.service import count_by_status
from paless_shared.platform.jobs import queue_depth
from paless_web.deps import StateDep
from paless_web.observability import DOCUMENTS, QUEUE_DEPTH
from paless_web.problems import responses

router = APIRouter(tags=["operations"])


class QueueDepth(BaseModel):
    queue_depth: int = Field(
        description=(
            "Jobs in hand on the work queue: waiting to start or running. Jobs deferred "
            "to later (retries waiting out their back-off) count once they are due."
        )
    )


@router.get(
    "/metrics",
    operation_id="operations_metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}},
            "description": "Prometheus text exposition format.",
        }
    },
)
async def metrics(state: StateDep) -> Response:
    """Prometheus metrics of this web process, plus queue depth and documents by status.

    Meant for the cluster's monitoring; keep it off the public ingress.
    """
    redis = state.config.redis
    for queue_name in (redis.queue_name, redis.ocr_queue_name):
        QUEUE_DEPTH.labels(queue_name).set(await queue_depth(state.queue, queue_name))
    # Read only: a session without a unit of work (nothing to commit).
    async with state.sessionmaker() as session:
        for status, count in (await count_by_status(session)).items():
            DOCUMENTS.labels(status.value).set(count)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/metrics/queue",
    operation_id="operations_queue_depth",
    response_model=QueueDepth,
    responses=responses(422),
)
async def queue(
    state: StateDep,
    queue: Annotated[Literal["default", "ocr"], Query()] = "default",
) -> QueueDepth:
    """Queue depth as JSON, for KEDA's `metrics-api` scaler to size a worker pool:
    `queue=ocr` counts pages waiting for OCR (one job per page), the default queue
    everything else."""
    redis = state.config.redis
    name = redis.ocr_queue_name if queue == "ocr" else redis.queue_name
    return QueueDepth(queue_depth=await queue_depth(state.queue, name))
