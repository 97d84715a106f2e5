"""Permissions on screens: who owns an object and who may view or change it, shown by
username and group name and edited as names (owner or admin only, through the same
service as the API's `PUT …/permissions`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access import service as access
from paless_shared.accounts import groups, users
from paless_shared.platform.errors import InvalidInput, NotFound
from paless_shared.platform.principal import Principal


async def shown(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID
) -> dict[str, Any]:
    """The template's `grants`: names, and whether this user may edit them."""
    permissions = await access.get_permissions(session, principal, model, object_id)
    names = await users.usernames(
        session, [permissions.owner, *permissions.view.users, *permissions.change.users]
    )
    group_names = await groups.group_names(
        session, [*permissions.view.groups, *permissions.change.groups]
    )

    def named(ids: list[uuid.UUID], found: dict[uuid.UUID, str]) -> list[str]:
        return sorted(found.get(item, str(item)) for item in ids)

    return {
        "owner": names.get(permissions.owner, str(permissions.owner)),
        "view_users": named(permissions.view.users, names),
        "view_groups": named(permissions.view.groups, group_names),
        "change_users": named(permissions.change.users, names),
        "change_groups": named(permissions.change.groups, group_names),
        "editable": principal.is_admin or permissions.owner == principal.user_id,
    }


def _names(raw: Any) -> list[str]:
    return [name.strip() for name in str(raw or "").replace("\n", ",").split(",") if name.strip()]


async def save(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID, form: Any
) -> None:
    """Replace the owner and grants from the form; an unknown name is refused."""
    owner = _names(form.get("owner"))
    if len(owner) != 1:
        raise InvalidInput("owner: one username")
    wanted = access.Permissions(
        owner=(await users.ids_by_username(session, owner))[0],
        view=access.Grantees(
            users=await users.ids_by_username(session, _names(form.get("view_users"))),
            groups=await groups.ids_by_name(session, _names(form.get("view_groups"))),
        ),
        change=access.Grantees(
            users=await users.ids_by_username(session, _names(form.get("change_users"))),
            groups=await groups.ids_by_name(session, _names(form.get("change_groups"))),
        ),
    )
    await access.set_permissions(session, principal, model, object_id, wanted)


async def still_visible(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID
) -> bool:
    """After a change of owner: does this user still see the object?"""
    try:
        await access.get_permissions(session, principal, model, object_id)
    except NotFound:
        return False
    return True
