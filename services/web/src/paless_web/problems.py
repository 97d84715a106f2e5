"""One error shape for the whole API: RFC 9457 problem details."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from paless_shared.platform.errors import (
    DEPENDENCY_ERRORS,
    DomainError,
    concurrent_transaction,
    refused_value,
    unavailable_dependency,
)

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:paless:problem:"


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (extension members allowed)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[TYPE_BASE + "not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["document 7a0f… not found"])
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For validation errors: each invalid field and why."
    )


def problem_response(
    status: int, detail: str, *, slug: str | None = None, title: str | None = None, **extra: Any
) -> JSONResponse:
    phrase = HTTPStatus(status).phrase
    body = Problem(
        type=TYPE_BASE + (slug or phrase.lower().replace(" ", "-")),
        title=title or phrase,
        status=status,
        detail=detail,
        **extra,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_MEDIA_TYPE
    )


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting the problem responses a route can give."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    response = problem_response(exc.status, exc.detail, slug=exc.type_slug, title=exc.title)
    response.headers.update(exc.response_headers())
    return response


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        # FastAPI answers a body that is not JSON with a 422, but one that is not even
        # UTF-8 with a bare 400: the same mistake, the same answer.
        return problem_response(
            422,
            "the request is not valid: body",
            slug="validation-error",
            errors=[{"field": "body", "message": "the body is not UTF-8 JSON"}],
        )
    response = problem_response(exc.status_code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]
    fields = ", ".join(error["field"] for error in errors)
    return problem_response(
        422, f"the request is not valid: {fields}", slug="validation-error", errors=errors
    )


# Postgres refuses text it cannot store: NUL (U+0000) above all.
_UNSTORABLE_TEXT = {"22021", "22P05"}


def _sqlstate(exc: Exception) -> str | None:
    original = getattr(exc, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state) if state else None


async def _dependency_error(request: Request, exc: Exception) -> Response:
    if _sqlstate(exc) in _UNSTORABLE_TEXT:
        return problem_response(
            422,
            "text must not contain NUL (U+0000) or other characters Postgres cannot store",
            slug="invalid-input",
            title="Invalid input",
        )
    if refused_value(exc):
        # The same request would be refused again: a 422, not an outage to retry.
        log.info("web.request.value_refused", extra={"path": request.url.path, "error": str(exc)})
        return problem_response(
            422,
            "a value in the request is out of the range paless can store or compare "
            "(integers: 64-bit; dates: years 1 to 9999 in UTC)",
            slug="invalid-input",
            title="Invalid input",
        )
    if concurrent_transaction(exc):
        # Postgres broke a deadlock (or a serialization conflict) by rolling this
        # request's transaction back: nothing changed, and the same request succeeds.
        log.warning(
            "web.request.concurrent_transaction",
            extra={"path": request.url.path, "error": str(exc)},
        )
        response = problem_response(
            503,
            "the change met another one made at the same time and was not made; send it again",
            slug="concurrent-change",
            title="Concurrent change",
        )
        response.headers["Retry-After"] = "1"
        return response
    dependency = unavailable_dependency(exc)
    if dependency is None:
        return await _unexpected_error(request, exc)
    # Nothing was accepted: the client may simply try again.
    log.warning(
        "web.dependency.unavailable",
        extra={"path": request.url.path, "dependency": dependency, "error": str(exc)},
    )
    response = problem_response(
        503, f"the {dependency} is unavailable; try again shortly", slug="unavailable"
    )
    response.headers["Retry-After"] = "5"
    return response


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("web.request.crashed", extra={"path": request.url.path}, exc_info=exc)
    return problem_response(500, "an unexpected error occurred; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Outages get their own handlers: those run inside the app and answer normally,
    # whereas the catch-all runs in Starlette's outermost middleware, which re-raises
    # after answering, and the server then closes the connection.
    for outage in DEPENDENCY_ERRORS:
        app.add_exception_handler(outage, _dependency_error)
    app.add_exception_handler(Exception, _unexpected_error)
