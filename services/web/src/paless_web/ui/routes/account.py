"""The account screen (password, API tokens) and, for admins, users and groups."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from paless_shared.accounts import groups, tokens, users
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
    return render(
        request,
        "manage/users.html",
        {
            "session": session,
            "csrf": session.csrf,
            "users": found.items,
            "groups": found_groups.items,
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
