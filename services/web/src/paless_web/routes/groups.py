"""Groups of users (admins only). Permissions on documents and tags name groups."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from paless_shared.accounts import groups as accounts
from paless_web.deps import AdminPrincipal, Pagination, UnitOfWorkDep
from paless_web.problems import responses
from paless_web.schemas.accounts import (
    Group,
    GroupCreate,
    GroupPage,
    GroupSummary,
    GroupUpdate,
    UserSummary,
)

router = APIRouter(prefix="/groups", tags=["groups"])


def _group(found: accounts.GroupWithMembers) -> Group:
    return Group(
        **GroupSummary.model_validate(found.group).model_dump(),
        members=[UserSummary.model_validate(member) for member in found.members],
    )


@router.get(
    "", operation_id="groups_list", response_model=GroupPage, responses=responses(401, 403, 422)
)
async def list_groups(_: AdminPrincipal, uow: UnitOfWorkDep, page: Pagination) -> GroupPage:
    """Every group, oldest first, a page at a time."""
    found = await accounts.list_groups(uow.session, limit=page.limit, cursor=page.cursor)
    return GroupPage(
        items=[GroupSummary.model_validate(group) for group in found.items],
        next_cursor=found.next_cursor,
    )


@router.post(
    "",
    operation_id="groups_create",
    status_code=status.HTTP_201_CREATED,
    response_model=Group,
    responses=responses(401, 403, 404, 409, 422),
)
async def create_group(body: GroupCreate, _: AdminPrincipal, uow: UnitOfWorkDep) -> Group:
    """Create a group, optionally with its first members. `409` if the name is taken;
    `404` if a member id is not a user."""
    return _group(
        await accounts.create_group(uow.session, name=body.name, member_ids=body.member_ids)
    )


@router.get(
    "/{group_id}",
    operation_id="groups_get",
    response_model=Group,
    responses=responses(401, 403, 404, 422),
)
async def get_group(group_id: uuid.UUID, _: AdminPrincipal, uow: UnitOfWorkDep) -> Group:
    """One group and its members."""
    return _group(await accounts.get_group(uow.session, group_id))


@router.patch(
    "/{group_id}",
    operation_id="groups_update",
    response_model=Group,
    responses=responses(401, 403, 404, 409, 422),
)
async def rename_group(
    group_id: uuid.UUID, body: GroupUpdate, _: AdminPrincipal, uow: UnitOfWorkDep
) -> Group:
    """Rename a group (`409` if another group has that name)."""
    return _group(await accounts.rename_group(uow.session, group_id, name=body.name))


@router.delete(
    "/{group_id}",
    operation_id="groups_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
)
async def delete_group(group_id: uuid.UUID, _: AdminPrincipal, uow: UnitOfWorkDep) -> None:
    """Delete a group; its members lose what was granted to it."""
    await accounts.delete_group(uow.session, group_id)


@router.put(
    "/{group_id}/members/{user_id}",
    operation_id="groups_add_member",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
)
async def add_member(
    group_id: uuid.UUID, user_id: uuid.UUID, _: AdminPrincipal, uow: UnitOfWorkDep
) -> None:
    """Add a user to a group (doing it twice is harmless)."""
    await accounts.add_member(uow.session, group_id, user_id)


@router.delete(
    "/{group_id}/members/{user_id}",
    operation_id="groups_remove_member",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
)
async def remove_member(
    group_id: uuid.UUID, user_id: uuid.UUID, _: AdminPrincipal, uow: UnitOfWorkDep
) -> None:
    """Remove a user from a group (`204` also when they were not a member)."""
    await accounts.remove_member(uow.session, group_id, user_id)
