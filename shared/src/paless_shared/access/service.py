"""Reading and replacing who may see and change an object."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.access import queries
from paless_shared.access.conditions import OBJECT_TYPES
from paless_shared.audit.service import record
from paless_shared.platform.database import flush_unique
from paless_shared.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from paless_shared.platform.principal import Principal
from paless_shared.tables import Grant, Group, Permission, User


@dataclass
class Grantees:
    users: list[uuid.UUID] = field(default_factory=list)
    groups: list[uuid.UUID] = field(default_factory=list)


@dataclass
class Permissions:
    owner: uuid.UUID
    view: Grantees = field(default_factory=Grantees)
    change: Grantees = field(default_factory=Grantees)


async def _visible_object(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID
) -> Any:
    found = await queries.visible_object(session, principal, model, object_id)
    if found is None:
        raise NotFound(f"{OBJECT_TYPES[model].replace('_', ' ')} {object_id} not found")
    return found


async def get_permissions(
    session: AsyncSession, principal: Principal, model: Any, object_id: uuid.UUID
) -> Permissions:
    obj = await _visible_object(session, principal, model, object_id)
    return await _read(session, model, obj)


async def _read(session: AsyncSession, model: Any, obj: Any) -> Permissions:
    grants = await queries.grants_on(session, OBJECT_TYPES[model], obj.id)
    permissions = Permissions(owner=obj.owner_id)
    for grant in grants:
        target = permissions.change if grant.permission is Permission.change else permissions.view
        if grant.user_id is not None:
            target.users.append(grant.user_id)
        elif grant.group_id is not None:
            target.groups.append(grant.group_id)
    return permissions


async def _check_exist(session: AsyncSession, model: Any, ids: set[uuid.UUID], what: str) -> None:
    found = await queries.existing_ids(session, model, ids)
    missing = sorted(str(item) for item in ids - found)
    if missing:
        raise InvalidInput(f"{what}: no such {what.rstrip('s')}: {', '.join(missing)}")


async def set_permissions(
    session: AsyncSession,
    principal: Principal,
    model: Any,
    object_id: uuid.UUID,
    wanted: Permissions,
) -> Permissions:
    """Replace the grants (and possibly the owner). Only the owner or an admin may."""
    obj = await _visible_object(session, principal, model, object_id)
    if not principal.is_admin and obj.owner_id != principal.user_id:
        raise Forbidden("only the owner or an admin may change permissions")
    await _check_exist(
        session,
        User,
        {wanted.owner, *wanted.view.users, *wanted.change.users},
        "users",
    )
    await _check_exist(session, Group, {*wanted.view.groups, *wanted.change.groups}, "groups")
    before = await _read(session, model, obj)
    object_type = OBJECT_TYPES[model]
    await queries.drop_grants(session, object_type, [obj.id])
    rows: dict[tuple[str, uuid.UUID], Permission] = {}
    for permission, grantees in (
        (Permission.view, wanted.view),
        (Permission.change, wanted.change),
    ):
        for user_id in grantees.users:
            if user_id != wanted.owner:
                rows[("user", user_id)] = max(
                    rows.get(("user", user_id), permission), permission, key=_strength
                )
        for group_id in grantees.groups:
            rows[("group", group_id)] = max(
                rows.get(("group", group_id), permission), permission, key=_strength
            )
    await queries.add_grants(
        session,
        (
            Grant(
                object_type=object_type,
                object_id=obj.id,
                user_id=grantee if kind == "user" else None,
                group_id=grantee if kind == "group" else None,
                permission=permission,
            )
            for (kind, grantee), permission in rows.items()
        ),
    )
    obj.owner_id = wanted.owner
    await flush_unique(session, Conflict(_clash(object_type, obj)))
    after = await _read(session, model, obj)
    await record(
        session,
        principal,
        "permissions.changed",
        object_type=object_type,
        object_id=obj.id,
        document_id=obj.id if object_type == "document" else None,
        details={"before": _plain(before), "after": _plain(after)},
    )
    return after


def _clash(object_type: str, obj: Any) -> str:
    """Why a new owner cannot take the object: names (and archive serial numbers) are
    unique per owner."""
    if object_type == "document":
        return (
            f"the new owner already has a document with archive serial number "
            f"{obj.archive_serial_number}"
        )
    return f"the new owner already has a {object_type.replace('_', ' ')} named {obj.name!r}"


def _strength(permission: Permission) -> int:
    return 1 if permission is Permission.change else 0


def _plain(permissions: Permissions) -> dict[str, Any]:
    return {
        "owner": str(permissions.owner),
        "view": {
            "users": sorted(map(str, permissions.view.users)),
            "groups": sorted(map(str, permissions.view.groups)),
        },
        "change": {
            "users": sorted(map(str, permissions.change.users)),
            "groups": sorted(map(str, permissions.change.groups)),
        },
    }


async def forget_objects(session: AsyncSession, model: Any, ids: Sequence[uuid.UUID]) -> None:
    """Drop the grants on objects that are being deleted (grants hold no foreign key)."""
    await queries.drop_grants(session, OBJECT_TYPES[model], ids)
