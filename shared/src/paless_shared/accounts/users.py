"""Users: created by an admin (or `paless create-user`), their flags and passwords.

Two rules keep an installation manageable: an admin cannot demote, deactivate or
delete themselves, and so at least one active admin always remains; and a user who
still owns documents is deactivated rather than deleted, so no document (nor its
objects in S3) disappears along with its owner.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.accounts import queries
from paless_shared.platform.errors import Conflict, InvalidInput, NotFound
from paless_shared.platform.jobs import DELETE_OBJECTS, JobBuffer
from paless_shared.platform.pagination import Page, decode_cursor, split_page
from paless_shared.platform.principal import Principal
from paless_shared.platform.security import hash_password
from paless_shared.tables import Group, UploadStatus, User
from paless_shared.tasks.service import create_task


def principal_of(user: User) -> Principal:
    return Principal(user_id=user.id, is_admin=user.is_admin, username=user.username)


def check_password_policy(password: str, *, min_length: int) -> None:
    if len(password) < min_length:
        raise InvalidInput(f"the password must be at least {min_length} characters long")


async def create_user(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    is_admin: bool = False,
    exist_ok: bool = False,
) -> User:
    """Create a user (the admin command); with `exist_ok`, an existing one gets the new
    password and role."""
    existing = await queries.user_by_username(session, username)
    if existing is not None:
        if not exist_ok:
            raise Conflict(f"user {username!r} already exists")
        existing.password_hash = hash_password(password)
        existing.is_admin = is_admin
        existing.is_active = True
        await session.flush()
        return existing
    user = User(username=username, password_hash=hash_password(password), is_admin=is_admin)
    await queries.add(session, user)
    return user


async def list_users(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[User]:
    rows = await queries.list_users(
        session, limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return split_page(rows, limit, lambda row: (row.created_at, row.id))


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await queries.get_user(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


async def create_account(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    is_admin: bool,
    is_active: bool,
    min_length: int,
) -> User:
    if await queries.user_by_username(session, username) is not None:
        raise Conflict(f"user {username!r} already exists")
    check_password_policy(password, min_length=min_length)
    password_hash = await asyncio.to_thread(hash_password, password)
    user = User(
        username=username, password_hash=password_hash, is_admin=is_admin, is_active=is_active
    )
    await queries.add(session, user)
    return user


async def _keep_an_admin(session: AsyncSession, actor: Principal, target: User) -> None:
    """Refuse a change that would take `target`'s admin rights away if it is the actor
    themselves. Locks the active admins first: two admins demoting each other at once
    are serialized, and the second finds they are no longer an admin."""
    admins = await queries.lock_active_admins(session)
    if target.id == actor.user_id:
        raise Conflict("you cannot remove your own admin rights, deactivate or delete yourself")
    if actor.user_id not in admins:
        raise Conflict("you are no longer an active admin")


async def update_user(
    session: AsyncSession,
    actor: Principal,
    user_id: uuid.UUID,
    *,
    is_admin: bool | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    min_length: int,
) -> User:
    """Change a user's flags or reset their password. A reset or a deactivation revokes
    every token of the user: they log in again (once reactivated) with the new state."""
    user = await queries.get_user(session, user_id, for_update=True)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    loses_admin = user.is_admin and user.is_active and (is_admin is False or is_active is False)
    if loses_admin:
        await _keep_an_admin(session, actor, user)
    if password is not None:
        check_password_policy(password, min_length=min_length)
        user.password_hash = await asyncio.to_thread(hash_password, password)
    if is_admin is not None:
        user.is_admin = is_admin
    if is_active is not None:
        user.is_active = is_active
    await session.flush()
    if password is not None or is_active is False:
        await queries.delete_tokens_of(session, user.id)
    return user


async def delete_user(
    session: AsyncSession, jobs: JobBuffer, actor: Principal, user_id: uuid.UUID
) -> None:
    """Delete a user who owns no documents. What goes with them is tidied too: a task
    removes the objects of their direct uploads (after commit), which no row will name
    any more. (Their tags, correspondents and types go with them; search matches those
    names at query time, so no document's index needs refreshing.)"""
    user = await queries.get_user(session, user_id, for_update=True)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    if user.id == actor.user_id or (user.is_admin and user.is_active):
        await _keep_an_admin(session, actor, user)
    if await queries.owns_documents(session, user.id):
        raise Conflict(
            f"user {user.username!r} still owns documents: deactivate the account instead "
            "(is_active=false), or delete their documents and empty their trash first"
        )
    uploads = await queries.uploads_of(session, user.id)
    await queries.keep_unfinished_tasks(session, user.id, DELETE_OBJECTS)
    await queries.delete_row(session, user)
    if uploads:
        # Staging keys, and (by upload id) a copy a completion left without committing.
        keys = [upload.object_key for upload in uploads]
        pending = [str(upload.id) for upload in uploads if upload.status == UploadStatus.pending]
        await create_task(session, jobs, DELETE_OBJECTS, keys, pending)


async def groups_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Group]:
    return await queries.groups_of(session, user_id)


async def usernames(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The usernames of these users (ids that match no user are left out)."""
    return await queries.usernames(session, list(dict.fromkeys(ids)))


async def ids_by_username(session: AsyncSession, names: Sequence[str]) -> list[uuid.UUID]:
    """The ids of these users, in the order given; an unknown username is an error."""
    return await ids_in_order(session, names, queries.users_by_username, "user")


async def ids_in_order(
    session: AsyncSession,
    names: Sequence[str],
    lookup: Callable[[AsyncSession, list[str]], Awaitable[dict[str, uuid.UUID]]],
    kind: str,
) -> list[uuid.UUID]:
    """The ids `lookup` finds for these names (blank ones and repeats dropped), in the
    order given; a name it does not find is an error naming the `kind`."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    found = await lookup(session, wanted)
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InvalidInput(f"no such {kind}: {', '.join(missing)}")
    return [found[name] for name in wanted]
