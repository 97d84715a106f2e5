"""Who may see and change what, as SQL conditions other domains' queries compose.

paperless-ngx's model: every document, tag, correspondent, document type and custom
field has an owner, and grants give `view` or `change` (which implies view) to users
and to groups. Admins see and change everything. Every list, search and lookup puts
these conditions inside its query, so pages, counts and cursors only ever cover what
the caller may see, with no filtering afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Uuid,
    and_,
    any_,
    cast,
    exists,
    func,
    inspect,
    or_,
    select,
    true,
)

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
    User,
)

OBJECT_TYPES: dict[Any, str] = {
    Document: "document",
    Tag: "tag",
    Correspondent: "correspondent",
    DocumentType: "document_type",
    CustomField: "custom_field",
    SavedView: "saved_view",
}


def _granted(model: Any, user_id: Any, permissions: list[Permission]) -> Any:
    """Ids of `model` objects (or of an alias of it) granted to the user (an id, or a
    column holding one) directly or through a group."""
    groups = select(GroupMember.group_id).where(GroupMember.user_id == user_id)
    return select(Grant.object_id).where(
        Grant.object_type == OBJECT_TYPES[inspect(model).mapper.class_],
        Grant.permission.in_(permissions),
        or_(Grant.user_id == user_id, Grant.group_id.in_(groups)),
    )


def can_view(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Rows of `model` the principal may see: owned, granted view or change, or any
    row for an admin."""
    return can_view_as(model, principal.user_id, is_admin=principal.is_admin)


def can_view_as(model: Any, user_id: Any, *, is_admin: bool) -> ColumnElement[bool]:
    """`can_view` for a user given as an id or as an expression, e.g. a bind parameter
    of a statement built once and run for many callers."""
    if is_admin:
        return true()
    return or_(
        model.owner_id == user_id,
        model.id.in_(_granted(model, user_id, [Permission.view, Permission.change])),
    )


def can_view_one_by_one(model: Any, principal: Principal) -> ColumnElement[bool]:
    """`can_view` for a statement that fetches rows one at a time (a nested loop over
    another table's index): the ids granted to the principal as one array computed
    once for the statement (an InitPlan) rather than a hashed subquery, whose building
    the planner counts again for every row fetched (and so prefers reading the whole
    table). A row the principal owns is never tested against the array; one it does
    not own, against each of its grants."""
    if principal.is_admin:
        return true()
    granted = _granted(model, principal.user_id, [Permission.view, Permission.change]).subquery()
    ids = select(func.array_agg(granted.c.object_id)).scalar_subquery()
    return or_(model.owner_id == principal.user_id, model.id == any_(cast(ids, ARRAY(Uuid()))))


def can_change(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Rows of `model` the principal may change: owned, granted change, or admin."""
    if principal.is_admin:
        return true()
    return or_(
        model.owner_id == principal.user_id,
        model.id.in_(_granted(model, principal.user_id, [Permission.change])),
    )


def user_can_view(model: Any, user_id: Any) -> ColumnElement[bool]:
    """Rows of `model` that the user in the column `user_id` may see now: an active
    user who owns the row, holds a grant on it, or is an admin. For what a user set
    up and that lasts while they keep their access (share links)."""
    user = select(User.id).where(User.id == user_id, User.is_active.is_(True))
    return and_(
        exists(user),
        or_(
            exists(user.where(User.is_admin.is_(True))),
            model.owner_id == user_id,
            model.id.in_(_granted(model, user_id, [Permission.view, Permission.change])),
        ),
    )
