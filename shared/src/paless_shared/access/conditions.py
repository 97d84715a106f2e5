"""Who may see and change what, as SQL conditions other domains' queries compose.

paperless-ngx's model: every document, tag, correspondent, document type and custom
field has an owner, and grants give `view` or `change` (which implies view) to users
and to groups. Admins see and change everything. Every list, search and lookup puts
these conditions inside its query, so pages, counts and cursors only ever cover what
the caller may see, with no filtering afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true

from paless_shared.platform.principal import Principal
from paless_shared.tables import (
    Correspondent,
    CustomField,
    Document,
    DocumentType,
    Grant,
    GroupMember,
    Permission,
    SavedView,
    Tag,
)

OBJECT_TYPES: dict[Any, str] = {
    Document: "document",
    Tag: "tag",
    Correspondent: "correspondent",
    DocumentType: "document_type",
    CustomField: "custom_field",
    SavedView: "saved_view",
}


def _granted(model: Any, principal: Principal, permissions: list[Permission]) -> Any:
    """Ids of `model` objects granted to the principal directly or through a group."""
    groups = select(GroupMember.group_id).where(GroupMember.user_id == principal.user_id)
    return select(Grant.object_id).where(
        Grant.object_type == OBJECT_TYPES[model],
        Grant.permission.in_(permissions),
        or_(Grant.user_id == principal.user_id, Grant.group_id.in_(groups)),
    )


def can_view(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Rows of `model` the principal may see: owned, granted view or change, or any
    row for an admin."""
    if principal.is_admin:
        return true()
    return or_(
        model.owner_id == principal.user_id,
        model.id.in_(_granted(model, principal, [Permission.view, Permission.change])),
    )


def can_change(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Rows of `model` the principal may change: owned, granted change, or admin."""
    if principal.is_admin:
        return true()
    return or_(
        model.owner_id == principal.user_id,
        model.id.in_(_granted(model, principal, [Permission.change])),
    )
