"""Request dependencies: the unit of work, the current user, the process's clients."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from paless_shared.errors import InvalidCredentials
from paless_shared.jobs import JobBuffer
from paless_shared.models import User
from paless_shared.services.auth import user_for_token
from paless_shared.storage import Storage
from paless_web.delivery import Delivery
from paless_web.state import WebConfig, WebState

log = logging.getLogger(__name__)


def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.paless
    return state


StateDep = Annotated[WebState, Depends(get_state)]


def get_config(state: StateDep) -> WebConfig:
    return state.config


def get_storage(state: StateDep) -> Storage:
    return state.storage


def get_delivery(state: StateDep) -> Delivery:
    return state.delivery


ConfigDep = Annotated[WebConfig, Depends(get_config)]
StorageDep = Annotated[Storage, Depends(get_storage)]
DeliveryDep = Annotated[Delivery, Depends(get_delivery)]


@dataclass
class UnitOfWork:
    session: AsyncSession
    jobs: JobBuffer


async def get_unit_of_work(state: StateDep) -> AsyncIterator[UnitOfWork]:
    """One transaction per request, committed before the response is sent; jobs the
    request asked for are enqueued only after that commit, and dropped on rollback."""
    jobs = JobBuffer()
    async with state.sessionmaker() as session:
        try:
            yield UnitOfWork(session, jobs)
        except BaseException:
            await session.rollback()
            jobs.discard()
            raise
        await session.commit()
    try:
        await jobs.flush(state.queue)
    except (RedisError, OSError):
        # Committed but not queued: the document stays pending and the scheduler's
        # reconcile job enqueues it again. The request itself succeeded.
        log.exception("web.enqueue.failed")


# scope="function": commit before the response goes out, so a 2xx means committed.
UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


async def get_current_user(
    uow: UnitOfWorkDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidCredentials("authentication required: send Authorization: Bearer <token>")
    user = await user_for_token(uow.session, credentials.credentials)
    if user is None:
        raise InvalidCredentials("the token is invalid or has expired")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
