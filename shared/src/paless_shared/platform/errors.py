"""Domain errors. The web maps each to one problem+json response; the worker to a
document failure reason."""

from __future__ import annotations

from typing import ClassVar

from botocore.exceptions import BotoCoreError, ClientError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


class DomainError(Exception):
    status: int = 400
    title: str = "Bad request"
    type_slug: str = "bad-request"
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def response_headers(self) -> dict[str, str]:
        """Headers for the HTTP answer; an error whose headers vary overrides this."""
        return dict(self.headers)


class NotFound(DomainError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class InvalidCredentials(DomainError):
    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class Forbidden(DomainError):
    """Authenticated, but not allowed to do this (e.g. an admin-only operation)."""

    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class TooManyRequests(DomainError):
    """Refused for now (e.g. too many failed logins); try again after `retry_after` s."""

    status = 429
    title = "Too many requests"
    type_slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PayloadTooLarge(DomainError):
    status = 413
    title = "Payload too large"
    type_slug = "payload-too-large"


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"
    type_slug = "invalid-input"


# Errors that can mean a dependency is unreachable (unavailable_dependency decides).
DEPENDENCY_ERRORS: tuple[type[Exception], ...] = (
    BotoCoreError,
    ClientError,
    DBAPIError,
    RedisError,
)


def refused_value(exc: BaseException) -> bool:
    """Whether the database refused a value a statement carried: out of range,
    malformed, or text Postgres cannot store (SQLSTATE class 22), or an argument asyncpg
    could not encode (a date-time or an integer beyond what the column type holds).
    The same value is refused again: it is the caller's input, never an outage."""
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state:
        return str(state).startswith("22")
    # asyncpg's client-side DataError is a ValueError, raised before anything is sent.
    return isinstance(getattr(original, "__cause__", None), ValueError)


# Postgres ended a transaction because of another one running at the same time
# (deadlock detected, serialization failure): nothing was written, and the same work
# run again succeeds.
_CONCURRENCY_STATES = frozenset({"40P01", "40001"})


def concurrent_transaction(exc: BaseException) -> bool:
    """Whether Postgres rolled the transaction back because of a concurrent one: the
    work is to be tried again, it says nothing about the input."""
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state) in _CONCURRENCY_STATES


def unavailable_dependency(exc: BaseException) -> str | None:
    """Which dependency an error says is unreachable ("storage", "database", "queue"),
    or None when the error is about something else."""
    if refused_value(exc):
        return None
    if isinstance(exc, BotoCoreError):
        return "storage"
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return "storage" if status >= 500 else None
    if isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return "database"
    if isinstance(exc, RedisError):
        return "queue"
    return None
