"""The whole audit log, for admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from paless_shared.audit import service
from paless_shared.platform.errors import Forbidden
from paless_web.deps import CurrentPrincipal, LongPagination, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.audit import AuditEvent, AuditPage

audit_log = APIRouter(tags=["audit"])


@audit_log.get(
    "/audit",
    operation_id="audit_list",
    response_model=AuditPage,
    responses=responses(401, 403, 422),
)
async def list_audit_events(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    page: LongPagination,
    actor: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=64, examples=["login.failed"])] = None,
    document_id: uuid.UUID | None = None,
) -> AuditPage:
    """Every event, newest first (admins only; a document's own history is at
    `/api/v1/documents/{id}/history`)."""
    if not principal.is_admin:
        raise Forbidden("only admins may read the whole audit log")
    events = await service.list_events(
        uow.session,
        limit=page.limit,
        cursor=page.cursor,
        document_id=document_id,
        actor_id=actor,
        action=action,
    )
    return AuditPage(
        items=[AuditEvent.model_validate(event) for event in events.items],
        next_cursor=events.next_cursor,
    )
