"""Request dependencies: the unit of work, the caller, pagination parameters, the
process's clients.

The unit of work is the web's side of the transaction rule: one transaction per
request, committed by `get_unit_of_work` before the response is sent (or rolled
back), jobs enqueued after that commit. Routes and services do not commit; the two
routes that must are named in docs/architecture.md.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.accounts.tokens import TokenAuthentication, authenticate_token
from paless_shared.audit.service import client_address
from paless_shared.platform.errors import Forbidden, InvalidCredentials
from paless_shared.platform.jobs import JobBuffer
from paless_shared.platform.principal import Principal
from paless_shared.platform.storage import Storage
from paless_shared.tables import User
from paless_web.delivery import Delivery
from paless_web.state import WebConfig, WebState
from paless_web.throttling import LoginThrottle

log = logging.getLogger(__name__)


async def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.paless
    return state


StateDep = Annotated[WebState, Depends(get_state)]


async def get_config(state: StateDep) -> WebConfig:
    return state.config


async def get_storage(state: StateDep) -> Storage:
    return state.storage


async def get_delivery(state: StateDep) -> Delivery:
    return state.delivery


ConfigDep = Annotated[WebConfig, Depends(get_config)]
StorageDep = Annotated[Storage, Depends(get_storage)]
DeliveryDep = Annotated[Delivery, Depends(get_delivery)]


@dataclass
class UnitOfWork:
    session: AsyncSession
    jobs: JobBuffer
    _undo: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def undo_on_rollback(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run `action` if the transaction does not commit (the request fails, or the
        commit does): for what the request did outside Postgres, such as an object
        written to S3 that no row will name."""
        self._undo.append(action)

    async def undo(self) -> None:
        actions, self._undo = self._undo, []
        for action in reversed(actions):
            try:
                await action()
            except Exception:  # best effort: the sanity check reports what is left
                log.exception("web.rollback.undo_failed")


async def get_unit_of_work(request: Request, state: StateDep) -> AsyncIterator[UnitOfWork]:
    """One transaction per request, committed before the response is sent; jobs the
    request asked for are enqueued only after that commit, and dropped (and what the
    request asked to undo undone) when it does not commit."""
    # Audit events written in this request name the caller's address.
    client_address.set(request.client.host if request.client else None)
    jobs = JobBuffer()
    async with state.sessionmaker() as session:
        uow = UnitOfWork(session, jobs)
        try:
            yield uow
            await session.commit()
        except BaseException:
            await session.rollback()
            jobs.discard()
            await uow.undo()
            raise
    try:
        await jobs.flush(state.queue)
    except (RedisError, OSError):
        # Committed but not queued: the document stays pending and the scheduler's
        # reconcile job enqueues it again. The request itself succeeded.
        log.exception("web.enqueue.failed")


# scope="function": commit before the response goes out, so a 2xx means committed.
UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


async def get_authentication(
    uow: UnitOfWorkDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenAuthentication:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidCredentials("authentication required: send Authorization: Bearer <token>")
    authenticated = await authenticate_token(uow.session, credentials.credentials)
    if authenticated is None:
        raise InvalidCredentials("the token is invalid or has expired")
    return authenticated


# The user and the token the request came with (e.g. to keep that token when the
# others are revoked).
Authentication = Annotated[TokenAuthentication, Depends(get_authentication)]


async def get_current_user(authenticated: Authentication) -> User:
    return authenticated.user


# The caller's account row (for answers about the account itself, e.g. /users/me).
CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_principal(authenticated: Authentication) -> Principal:
    return authenticated.principal


# The caller, as every service takes it.
CurrentPrincipal = Annotated[Principal, Depends(get_current_principal)]


# --- Accounts: admin-only routes, login throttling ---------------------------------


async def get_admin_principal(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise Forbidden("only an admin may do this")
    return principal


AdminPrincipal = Annotated[Principal, Depends(get_admin_principal)]


async def get_login_throttle(state: StateDep) -> LoginThrottle:
    # The queue's Redis connection pool: throttling state is shared by every replica.
    return LoginThrottle(state.queue, state.config.auth)


LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]


async def get_client_address(request: Request) -> str:
    """The client's address as the server reports it. Behind a proxy that is the
    proxy's, unless uvicorn trusts its X-Forwarded-For (PALESS_WEB_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(get_client_address)]


# --- Pagination ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageParams:
    """`limit` and `cursor` of a keyset-paginated list."""

    limit: int
    cursor: str | None


def page_params(*, default: int, maximum: int, cursor_length: int) -> Any:
    """A dependency declaring `limit` (1..maximum, default) and `cursor` once for every
    list with these bounds."""

    async def pagination(limit: int, cursor: str | None) -> PageParams:
        return PageParams(limit=limit, cursor=cursor)

    # Built by hand: FastAPI reads the parameters from the signature, and the bounds
    # are this call's values.
    pagination.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "limit",
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=Annotated[int, Query(ge=1, le=maximum)],
            ),
            inspect.Parameter(
                "cursor",
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[str | None, Query(max_length=cursor_length)],
            ),
        ],
        return_annotation=PageParams,
    )
    return Annotated[PageParams, Depends(pagination)]


# Most lists; documents (whose cursors carry a sort value) take longer cursors; the
# organising objects and the audit log, longer pages.
Pagination = page_params(default=50, maximum=200, cursor_length=512)
DocumentPagination = page_params(default=50, maximum=200, cursor_length=1024)
LongPagination = page_params(default=100, maximum=500, cursor_length=512)
