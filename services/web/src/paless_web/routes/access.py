"""Permissions on every kind of object: who owns it, who may view or change it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path

from paless_shared import tables
from paless_shared.access import service
from paless_web.deps import CurrentPrincipal, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.access import Grantees, ObjectPermissions


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

    async def read(
        object_id: Any, principal: CurrentPrincipal, uow: UnitOfWorkDep
    ) -> ObjectPermissions:
        return _out(await service.get_permissions(uow.session, principal, model, object_id))

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
        object_id: Any, body: ObjectPermissions, principal: CurrentPrincipal, uow: UnitOfWorkDep
    ) -> ObjectPermissions:
        wanted = service.Permissions(
            owner=body.owner,
            view=service.Grantees(users=body.view.users, groups=body.view.groups),
            change=service.Grantees(users=body.change.users, groups=body.change.groups),
        )
        return _out(await service.set_permissions(uow.session, principal, model, object_id, wanted))

    write.__annotations__["object_id"] = id_path
    write.__doc__ = (
        f"Replace the {label}'s grants (and owner). Only its owner or an admin may (403). "
        "`change` implies `view`. The change is in the audit log. A new owner who already "
        "has one of the same name (or, for a document, the same archive serial number) "
        "is refused with 409."
    )
    router.add_api_route(
        f"/{{{singular}_id}}/permissions",
        write,
        methods=["PUT"],
        operation_id=f"{tag}_permissions_set",
        response_model=ObjectPermissions,
        responses=responses(401, 403, 404, 409, 422),
    )
    return router


permission_routers = [
    permission_routes(
        prefix="/documents", tag="documents", model=tables.Document, singular="document"
    ),
    permission_routes(prefix="/tags", tag="tags", model=tables.Tag, singular="tag"),
    permission_routes(
        prefix="/correspondents",
        tag="correspondents",
        model=tables.Correspondent,
        singular="correspondent",
    ),
    permission_routes(
        prefix="/document_types",
        tag="document_types",
        model=tables.DocumentType,
        singular="document_type",
    ),
    permission_routes(
        prefix="/custom_fields",
        tag="custom_fields",
        model=tables.CustomField,
        singular="custom_field",
    ),
    permission_routes(
        prefix="/saved_views",
        tag="saved_views",
        model=tables.SavedView,
        singular="saved_view",
    ),
]
