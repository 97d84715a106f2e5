"""Tags, correspondents, document types and custom fields: CRUD with document counts,
and name autocomplete."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel

from paless_shared import tables
from paless_shared.organisation import service
from paless_web.deps import CurrentPrincipal, LongPagination, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.organisation import (
    Correspondent,
    CorrespondentCreate,
    CorrespondentPage,
    CorrespondentUpdate,
    CustomField,
    CustomFieldCreate,
    CustomFieldPage,
    CustomFieldUpdate,
    DocumentType,
    DocumentTypeCreate,
    DocumentTypePage,
    DocumentTypeUpdate,
    Suggestion,
    Suggestions,
    Tag,
    TagCreate,
    TagPage,
    TagUpdate,
)

NameQuery = Annotated[
    str | None, Query(max_length=128, description="Exact name (case-insensitive).")
]
NameContains = Annotated[
    str | None, Query(max_length=128, description="Part of the name (case-insensitive).")
]


@dataclass(frozen=True)
class NameFilter:
    name: str | None
    name_contains: str | None


async def name_filter(name: NameQuery = None, name_contains: NameContains = None) -> NameFilter:
    return NameFilter(name=name, name_contains=name_contains)


NameFilterDep = Annotated[NameFilter, Depends(name_filter)]


def _crud_router(
    *,
    prefix: str,
    tag: str,
    singular: str,
    model: type[Any],
    out: type[BaseModel],
    page: type[BaseModel],
    create: type[BaseModel],
    update: type[BaseModel],
    description: str,
) -> APIRouter:
    """List/create/get/update/delete routes for one kind of organising object."""
    router = APIRouter(prefix=prefix, tags=[tag])
    id_name = f"{singular}_id"
    id_path = Annotated[uuid.UUID, Path(alias=id_name)]

    def present(counted: service.Counted) -> Any:
        return out.model_validate(counted.item).model_copy(
            update={"document_count": counted.document_count}
        )

    async def list_objects(
        principal: CurrentPrincipal,
        uow: UnitOfWorkDep,
        paging: LongPagination,
        names: NameFilterDep,
    ) -> Any:
        found = await service.list_objects(
            uow.session,
            principal,
            model,
            limit=paging.limit,
            cursor=paging.cursor,
            name=names.name,
            name_contains=names.name_contains,
        )
        return page(items=[present(item) for item in found.items], next_cursor=found.next_cursor)

    list_objects.__doc__ = f"Your {description}, by name, each with its document count."
    router.add_api_route(
        "",
        list_objects,
        methods=["GET"],
        operation_id=f"{tag}_list",
        response_model=page,
        responses=responses(401, 422),
    )

    async def create_object(body: Any, principal: CurrentPrincipal, uow: UnitOfWorkDep) -> Any:
        created = await service.create_object(
            uow.session, principal, model, body.model_dump(by_alias=False)
        )
        return present(service.Counted(created, 0))

    create_object.__annotations__["body"] = create
    create_object.__doc__ = (
        f"Create a {singular.replace('_', ' ')}. Names are unique per owner (409). "
        "A regular expression that does not compile is refused (422)."
    )
    router.add_api_route(
        "",
        create_object,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        operation_id=f"{tag}_create",
        response_model=out,
        responses=responses(401, 409, 422),
    )

    async def get_object(
        object_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
    ) -> Any:
        found = await service.get_object(uow.session, principal, model, object_id)
        return present(await service.counted(uow.session, principal, found))

    get_object.__doc__ = f"One {singular.replace('_', ' ')} with its document count."
    get_object.__annotations__["object_id"] = id_path
    router.add_api_route(
        f"/{{{id_name}}}",
        get_object,
        methods=["GET"],
        operation_id=f"{tag}_get",
        response_model=out,
        responses=responses(401, 404, 422),
    )

    async def update_object(
        object_id: uuid.UUID, body: Any, principal: CurrentPrincipal, uow: UnitOfWorkDep
    ) -> Any:
        updated = await service.update_object(
            uow.session,
            principal,
            model,
            object_id,
            body.model_dump(exclude_unset=True, by_alias=False),
        )
        return present(await service.counted(uow.session, principal, updated))

    update_object.__annotations__["body"] = update
    update_object.__doc__ = (
        f"Change a {singular.replace('_', ' ')}; only the fields sent change. A change "
        "grant suffices, except for a new name: only the owner or an admin may rename "
        "(403 otherwise). A new name is searchable on its documents at once."
    )
    update_object.__annotations__["object_id"] = id_path
    router.add_api_route(
        f"/{{{id_name}}}",
        update_object,
        methods=["PATCH"],
        operation_id=f"{tag}_update",
        response_model=out,
        responses=responses(401, 403, 404, 409, 422),
    )

    async def delete_object(
        object_id: uuid.UUID, principal: CurrentPrincipal, uow: UnitOfWorkDep
    ) -> None:
        await service.delete_object(uow.session, principal, model, object_id)

    delete_object.__doc__ = (
        f"Delete a {singular.replace('_', ' ')} (its owner or an admin only; 403 for "
        "others who may see it); documents keep everything else."
    )
    delete_object.__annotations__["object_id"] = id_path
    router.add_api_route(
        f"/{{{id_name}}}",
        delete_object,
        methods=["DELETE"],
        status_code=status.HTTP_204_NO_CONTENT,
        response_class=Response,
        operation_id=f"{tag}_delete",
        responses=responses(401, 403, 404, 422),
    )
    return router


tags = _crud_router(
    prefix="/tags",
    tag="tags",
    singular="tag",
    model=tables.Tag,
    out=Tag,
    page=TagPage,
    create=TagCreate,
    update=TagUpdate,
    description="tags",
)
correspondents = _crud_router(
    prefix="/correspondents",
    tag="correspondents",
    singular="correspondent",
    model=tables.Correspondent,
    out=Correspondent,
    page=CorrespondentPage,
    create=CorrespondentCreate,
    update=CorrespondentUpdate,
    description="correspondents",
)
document_types = _crud_router(
    prefix="/document_types",
    tag="document_types",
    singular="document_type",
    model=tables.DocumentType,
    out=DocumentType,
    page=DocumentTypePage,
    create=DocumentTypeCreate,
    update=DocumentTypeUpdate,
    description="document types",
)
custom_fields = _crud_router(
    prefix="/custom_fields",
    tag="custom_fields",
    singular="custom_field",
    model=tables.CustomField,
    out=CustomField,
    page=CustomFieldPage,
    create=CustomFieldCreate,
    update=CustomFieldUpdate,
    description="custom fields",
)

autocomplete = APIRouter(tags=["autocomplete"])


@autocomplete.get(
    "/autocomplete",
    operation_id="autocomplete_names",
    response_model=Suggestions,
    responses=responses(401, 422),
)
async def suggest(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    term: Annotated[str, Query(min_length=1, max_length=128)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Suggestions:
    """Tag and correspondent names for a search box: names starting with `term` first,
    then similar ones (typos tolerated, by trigram similarity)."""
    found = await service.autocomplete(uow.session, principal, term, limit=limit)
    return Suggestions(
        items=[Suggestion(kind=kind, id=obj.id, name=obj.name) for kind, obj in found]
    )
