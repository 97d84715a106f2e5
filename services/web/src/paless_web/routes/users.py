"""Users: your own account for everyone, the rest for admins."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from paless_shared.accounts import users as accounts
from paless_shared.accounts.tokens import WrongPassword, change_password
from paless_shared.audit import service as audit
from paless_shared.tables import User as UserRow
from paless_web.deps import (
    AdminPrincipal,
    Authentication,
    ClientAddress,
    ConfigDep,
    CurrentUser,
    LoginThrottleDep,
    Pagination,
    UnitOfWorkDep,
)
from paless_web.problems import responses
from paless_web.schemas.accounts import (
    GroupSummary,
    PasswordChange,
    User,
    UserCreate,
    UserDetail,
    UserPage,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"])


async def _detail(uow: UnitOfWorkDep, user: UserRow) -> UserDetail:
    summary = User.model_validate(user)
    groups = await accounts.groups_of(uow.session, summary.id)
    return UserDetail(
        **summary.model_dump(), groups=[GroupSummary.model_validate(g) for g in groups]
    )


@router.get("/me", operation_id="users_get_me", response_model=UserDetail, responses=responses(401))
async def get_me(user: CurrentUser, uow: UnitOfWorkDep) -> UserDetail:
    """Your own account, with the groups you belong to."""
    return await _detail(uow, user)


@router.post(
    "/me/password",
    operation_id="users_change_password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 422, 429),
)
async def change_my_password(
    body: PasswordChange,
    authenticated: Authentication,
    uow: UnitOfWorkDep,
    config: ConfigDep,
    throttle: LoginThrottleDep,
    address: ClientAddress,
) -> None:
    """Change your password, proving the current one.

    A wrong `current_password` is `403` and counts as a failed login (so guessing it
    runs into the same `429` lockout as logging in). On success every other token of
    yours is revoked; the one this request used keeps working.
    """
    principal = authenticated.principal
    username = authenticated.user.username
    await throttle.begin_attempt(username, address)
    try:
        await change_password(
            uow.session,
            principal,
            current_password=body.current_password,
            new_password=body.new_password,
            min_length=config.auth.password_min_length,
            keep_token_id=authenticated.token_id,
        )
    except WrongPassword:
        raise  # the attempt stays counted as a failed login
    except Exception:
        await throttle.undecided(username, address)
        raise
    await throttle.succeeded(username, address)
    await audit.record(
        uow.session,
        principal,
        "user.password_changed",
        object_type="user",
        object_id=principal.user_id,
    )


@router.get(
    "", operation_id="users_list", response_model=UserPage, responses=responses(401, 403, 422)
)
async def list_users(_: AdminPrincipal, uow: UnitOfWorkDep, page: Pagination) -> UserPage:
    """Every user, oldest first, a page at a time (admins only)."""
    found = await accounts.list_users(uow.session, limit=page.limit, cursor=page.cursor)
    return UserPage(
        items=[User.model_validate(user) for user in found.items], next_cursor=found.next_cursor
    )


@router.post(
    "",
    operation_id="users_create",
    status_code=status.HTTP_201_CREATED,
    response_model=UserDetail,
    responses=responses(401, 403, 409, 422),
)
async def create_user(
    body: UserCreate, admin: AdminPrincipal, uow: UnitOfWorkDep, config: ConfigDep
) -> UserDetail:
    """Create a user who can log in (admins only). `409` if the username is taken."""
    user = await accounts.create_account(
        uow.session,
        username=body.username,
        password=body.password,
        is_admin=body.is_admin,
        is_active=body.is_active,
        min_length=config.auth.password_min_length,
    )
    await audit.record(
        uow.session,
        admin,
        "user.created",
        object_type="user",
        object_id=user.id,
        details={"username": user.username, "is_admin": user.is_admin},
    )
    return UserDetail(**User.model_validate(user).model_dump(), groups=[])


@router.get(
    "/{user_id}",
    operation_id="users_get",
    response_model=UserDetail,
    responses=responses(401, 403, 404, 422),
)
async def get_user(user_id: uuid.UUID, _: AdminPrincipal, uow: UnitOfWorkDep) -> UserDetail:
    """One user and their groups (admins only)."""
    return await _detail(uow, await accounts.get_user(uow.session, user_id))


@router.patch(
    "/{user_id}",
    operation_id="users_update",
    response_model=UserDetail,
    responses=responses(401, 403, 404, 409, 422),
)
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    admin: AdminPrincipal,
    uow: UnitOfWorkDep,
    config: ConfigDep,
) -> UserDetail:
    """Make a user admin or not, active or not, or reset their password (admins only).

    Deactivating a user or resetting their password revokes all their tokens at once.
    You cannot take away your own admin rights or deactivate yourself (`409`), so an
    active admin always remains.
    """
    user = await accounts.update_user(
        uow.session,
        admin,
        user_id,
        is_admin=body.is_admin,
        is_active=body.is_active,
        password=body.password,
        min_length=config.auth.password_min_length,
    )
    changed = body.model_dump(exclude_unset=True)
    await audit.record(
        uow.session,
        admin,
        "user.updated",
        object_type="user",
        object_id=user.id,
        details={
            "fields": sorted(changed),
            **{key: changed[key] for key in ("is_admin", "is_active") if key in changed},
        },
    )
    return await _detail(uow, user)


@router.delete(
    "/{user_id}",
    operation_id="users_delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 409, 422),
)
async def delete_user(user_id: uuid.UUID, admin: AdminPrincipal, uow: UnitOfWorkDep) -> None:
    """Delete a user, their tokens and group memberships (admins only).

    A user who still owns documents (trash included) is not deleted (`409`):
    deactivate them instead. You cannot delete yourself.
    """
    await accounts.delete_user(uow.session, uow.jobs, admin, user_id)
    await audit.record(uow.session, admin, "user.deleted", object_type="user", object_id=user_id)
