"""The account screen (password, API tokens) and, for admins, users and groups."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared.accounts import groups, tokens, users
from paless_shared.audit import service as audit
from paless_shared.platform.errors import Forbidden, InvalidInput
from paless_web.deps import ConfigDep, UnitOfWorkDep
from paless_web.ui.render import render, url
from paless_web.ui.session import Session, UiSession

router = APIRouter(include_in_schema=False)


async def _account_page(
    request: Request,
    session: UiSession,
    uow: UnitOfWorkDep,
    *,
    message: str | None = None,
    new_secret: str | None = None,
) -> Response:
    page = await tokens.list_tokens(uow.session, session.principal, limit=100, cursor=None)
    return render(
        request,
        "account.html",
        {
            "session": session,
            "csrf": session.csrf,
            "tokens": page.items,
            "current_token": session.authentication.token_id,
            "message": message,
            "new_secret": new_secret,
        },
    )


@router.get("/account")
async def account(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    return await _account_page(request, session, uow)


@router.post("/account/password")
async def change_password(
    request: Request, session: Session, uow: UnitOfWorkDep, config: ConfigDep
) -> Response:
    """A new password; every other session and token of the account ends."""
    form = await request.form()
    if form.get("new_password") != form.get("confirm_password"):
        raise InvalidInput("the new passwords do not match")
    revoked = await tokens.change_password(
        uow.session,
        session.principal,
        current_password=str(form.get("current_password") or ""),
        new_password=str(form.get("new_password") or ""),
        min_length=config.auth.password_min_length,
        keep_token_id=session.authentication.token_id,
    )
    return await _account_page(
        request, session, uow, message=f"Password changed; {revoked} other token(s) revoked."
    )


@router.post("/account/tokens")
async def create_token(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    name = str((await request.form()).get("name") or "").strip()[:150]
    if not name:
        raise InvalidInput("name: required")
    created = await tokens.create_api_token(
        uow.session, session.principal, name=name, expires_at=None
    )
    return await _account_page(request, session, uow, new_secret=created.secret)


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, token_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    await tokens.revoke_token(uow.session, session.principal, token_id)
    return RedirectResponse(url(request, "/account"), status_code=303)


def _admin(session: UiSession) -> None:
    if not session.principal.is_admin:
        raise Forbidden("only an admin may manage users and groups")


@router.get("/admin/users")
async def user_list(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    _admin(session)
    found = await users.list_users(uow.session, limit=500, cursor=None)
    found_groups = await groups.list_groups(uow.session, limit=500, cursor=None)
    members = await groups.memberships(uow.session)
    names = {user.id: user.username for user in found.items}
    return render(
        request,
        "manage/users.html",
        {
            "session": session,
            "csrf": session.csrf,
            "users": found.items,
            "groups": [
                (
                    group,
                    sorted(
                        (
                            (member, names.get(member, str(member)))
                            for member in members.get(group.id, [])
                        ),
                        key=lambda pair: pair[1],
                    ),
                )
                for group in found_groups.items
            ],
        },
    )


@router.post("/admin/users")
async def create_user(
    request: Request, session: Session, uow: UnitOfWorkDep, config: ConfigDep
) -> Response:
    _admin(session)
    form = await request.form()
    await users.create_account(
        uow.session,
        username=str(form.get("username") or "").strip()[:150],
        password=str(form.get("password") or ""),
        is_admin=form.get("is_admin") == "on",
        is_active=True,
        min_length=config.auth.password_min_length,
    )
    return RedirectResponse(url(request, "/admin/users"), status_code=303)


@router.post("/admin/groups")
async def create_group(request: Request, session: Session, uow: UnitOfWorkDep) -> Response:
    _admin(session)
    name = str((await request.form()).get("name") or "").strip()[:150]
    if not name:
        raise InvalidInput("name: required")
    await groups.create_group(uow.session, name=name)
    return RedirectResponse(url(request, "/admin/users"), status_code=303)


def _flag(value: object) -> bool | None:
    return {"true": True, "false": False}.get(str(value or ""))


@router.post("/admin/users/{user_id}")
async def update_user(
    request: Request,
    user_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
    config: ConfigDep,
) -> Response:
    """Make a user admin or not, active or not: the same service and audit event as
    `PATCH /api/v1/users/{id}` (deactivating revokes the user's tokens; an admin cannot
    demote or deactivate themselves)."""
    _admin(session)
    form = await request.form()
    is_admin, is_active = _flag(form.get("is_admin")), _flag(form.get("is_active"))
    if is_admin is None and is_active is None:
        raise InvalidInput("nothing to change")
    user = await users.update_user(
        uow.session,
        session.principal,
        user_id,
        is_admin=is_admin,
        is_active=is_active,
        password=None,
        min_length=config.auth.password_min_length,
    )
    changed = {
        key: value
        for key, value in (("is_admin", is_admin), ("is_active", is_active))
        if value is not None
    }
    await audit.record(
        uow.session,
        session.principal,
        "user.updated",
        object_type="user",
        object_id=user.id,
        details={"fields": sorted(changed), **changed},
    )
    return RedirectResponse(url(request, "/admin/users"), status_code=303)


@router.post("/admin/groups/{group_id}/members")
async def add_member(
    request: Request, group_id: uuid.UUID, session: Session, uow: UnitOfWorkDep
) -> Response:
    _admin(session)
    raw = str((await request.form()).get("user") or "")
    try:
        user_id = uuid.UUID(raw)
    except ValueError:
        raise InvalidInput("user: choose one") from None
    await groups.add_member(uow.session, group_id, user_id)
    return RedirectResponse(url(request, "/admin/users#groups"), status_code=303)


@router.post("/admin/groups/{group_id}/members/{user_id}/remove")
async def remove_member(
    request: Request,
    group_id: uuid.UUID,
    user_id: uuid.UUID,
    session: Session,
    uow: UnitOfWorkDep,
) -> Response:
    _admin(session)
    await groups.remove_member(uow.session, group_id, user_id)
    return RedirectResponse(url(request, "/admin/users#groups"), status_code=303)
