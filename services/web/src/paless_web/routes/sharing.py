"""Permissions on every kind of object, share links, and the global audit log."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from paless_shared import models
from paless_shared.access import Principal
from paless_shared.errors import Forbidden
from paless_shared.services import audit, sharing
from paless_shared.services import documents as documents_service
from paless_shared.services import permissions as service
from paless_web.delivery import RedirectQuery, signed_answer
from paless_web.deps import ConfigDep, CurrentUser, DeliveryDep, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas import (
    AuditEvent,
    AuditPage,
    Grantees,
    ObjectPermissions,
    ShareLink,
    ShareLinkCreate,
    ShareLinkList,
    SignedUrl,
)


def _out(permissions: service.Permissions) -> ObjectPermissions:
    return ObjectPermissions(
        owner=permissions.owner,
        view=Grantees(users=permissions.view.users, groups=permissions.view.groups),
        change=Grantees(users=permissions.change.users, groups=permissions.change.groups),
    )


def permission_routes(*, prefix: str, tag: str, model: Any, singular: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[tag])
    id_path = Annotated[uuid.UUID, Path(alias=f"{singular}_id")]
    label = singular.replace("_", " ")

    async def read(object_id: Any, user: CurrentUser, uow: UnitOfWorkDep) -> ObjectPermissions:
        return _out(
            await service.get_permissions(uow.session, Principal.of(user), model, object_id)
        )

    read.__annotations__["object_id"] = id_path
    read.__doc__ = f"Who owns the {label} and who may view or change it."
    router.add_api_route(
        f"/{{{singular}_id}}/permissions",
        read,
        methods=["GET"],
        operation_id=f"{tag}_permissions_get",
        response_model=ObjectPermissions,
        responses=responses(401, 404, 422),
    )

    async def write(
        object_id: Any, body: ObjectPermissions, user: CurrentUser, uow: UnitOfWorkDep
    ) -> ObjectPermissions:
        wanted = service.Permissions(
            owner=body.owner,
            view=service.Grantees(users=body.view.users, groups=body.view.groups),
            change=service.Grantees(users=body.change.users, groups=body.change.groups),
        )
        return _out(
            await service.set_permissions(uow.session, Principal.of(user), model, object_id, wanted)
        )

    write.__annotations__["object_id"] = id_path
    write.__doc__ = (
        f"Replace the {label}'s grants (and owner). Only its owner or an admin may (403). "
        "`change` implies `view`. The change is in the audit log."
    )
    router.add_api_route(
        f"/{{{singular}_id}}/permissions",
        write,
        methods=["PUT"],
        operation_id=f"{tag}_permissions_set",
        response_model=ObjectPermissions,
        responses=responses(401, 403, 404, 422),
    )
    return router


permission_routers = [
    permission_routes(
        prefix="/documents", tag="documents", model=models.Document, singular="document"
    ),
    permission_routes(prefix="/tags", tag="tags", model=models.Tag, singular="tag"),
    permission_routes(
        prefix="/correspondents",
        tag="correspondents",
        model=models.Correspondent,
        singular="correspondent",
    ),
    permission_routes(
        prefix="/document_types",
        tag="document_types",
        model=models.DocumentType,
        singular="document_type",
    ),
    permission_routes(
        prefix="/custom_fields",
        tag="custom_fields",
        model=models.CustomField,
        singular="custom_field",
    ),
]


share_links = APIRouter()


def _link_out(link: models.ShareLink) -> ShareLink:
    return ShareLink(
        id=link.id,
        document_id=link.document_id,
        url=f"/share/{link.slug}",
        slug=link.slug,
        created_at=link.created_at,
        created_by=link.created_by_id,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
    )


@share_links.post(
    "/documents/{document_id}/share_links",
    tags=["documents"],
    operation_id="documents_share_links_create",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareLink,
    responses=responses(401, 404, 422),
)
async def create_share_link(
    document_id: uuid.UUID, body: ShareLinkCreate, user: CurrentUser, uow: UnitOfWorkDep
) -> ShareLink:
    """Create a public link to the document (anyone who may view it may share it). Whoever
    has the link can download the file, without an account, until it expires or is
    revoked."""
    principal = Principal.of(user)
    document = await documents_service.get_document(uow.session, principal, document_id)
    link = await sharing.create_link(uow.session, principal, document, expires_at=body.expires_at)
    return _link_out(link)


@share_links.get(
    "/documents/{document_id}/share_links",
    tags=["documents"],
    operation_id="documents_share_links_list",
    response_model=ShareLinkList,
    responses=responses(401, 404, 422),
)
async def list_share_links(
    document_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep
) -> ShareLinkList:
    """The document's links, newest first, revoked and expired ones included."""
    document = await documents_service.get_document(uow.session, Principal.of(user), document_id)
    links = await sharing.list_links(uow.session, document.id)
    return ShareLinkList(items=[_link_out(link) for link in links])


@share_links.delete(
    "/share_links/{share_link_id}",
    tags=["share_links"],
    operation_id="share_links_revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
async def revoke_share_link(
    share_link_id: uuid.UUID, user: CurrentUser, uow: UnitOfWorkDep
) -> None:
    """Revoke a link: it answers 404 from the next request on."""
    await sharing.revoke_link(uow.session, Principal.of(user), share_link_id)


public = APIRouter(tags=["share"])


@public.get(
    "/share/{slug}",
    operation_id="share_links_open",
    response_model=SignedUrl,
    responses={
        307: {"description": "Redirect to a short-lived signed URL."},
        **responses(404, 422),
    },
)
async def open_share_link(
    slug: Annotated[str, Path(max_length=64)],
    uow: UnitOfWorkDep,
    delivery: DeliveryDep,
    config: ConfigDep,
    redirect: RedirectQuery = True,
) -> Any:
    """No authentication: an active link redirects to the file (a signed URL valid five
    minutes at most); an unknown, expired or revoked link is 404."""
    document = await sharing.resolve(uow.session, slug)
    signed = await delivery.signed_url(
        document.original_key,
        filename=document.original_filename,
        content_type=document.mime_type,
        disposition="attachment",
        expires_in=min(config.delivery.download_url_expiry_seconds, 300),
    )
    return signed_answer(signed, redirect)


audit_log = APIRouter(tags=["audit"])


@audit_log.get(
    "/audit",
    operation_id="audit_list",
    response_model=AuditPage,
    responses=responses(401, 403, 422),
)
async def list_audit_events(
    user: CurrentUser,
    uow: UnitOfWorkDep,
    actor: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=64, examples=["login.failed"])] = None,
    document_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> AuditPage:
    """Every event, newest first (admins only; a document's own history is at
    `/api/v1/documents/{id}/history`)."""
    if not user.is_admin:
        raise Forbidden("only admins may read the whole audit log")
    page = await audit.list_events(
        uow.session,
        limit=limit,
        cursor=cursor,
        document_id=document_id,
        actor_id=actor,
        action=action,
    )
    return AuditPage(
        items=[AuditEvent.model_validate(event) for event in page.items],
        next_cursor=page.next_cursor,
    )
