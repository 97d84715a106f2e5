"""The FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from paless_shared.platform.settings import HttpSettings, load
from paless_web import apidocs, problems, security, ui
from paless_web.observability import RequestContextMiddleware
from paless_web.routes import (
    access,
    audit,
    auth,
    documents,
    groups,
    health,
    metrics,
    organisation,
    saved_views,
    sharing,
    tasks,
    tokens,
    trash,
    uploads,
    users,
    versions,
)
from paless_web.state import WebConfig, open_state

API_PREFIX = "/api/v1"

DESCRIPTION = """
paless keeps your documents: upload PDFs and scans, let the workers read them, find and
download them again. Files never pass through this API on the way out: downloads
are short-lived signed URLs straight to storage.

Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.
Every error is `application/problem+json` (RFC 9457).
"""


def create_app(config: WebConfig | None = None, *, http: HttpSettings | None = None) -> FastAPI:
    """Build the app. Settings are read from the environment at startup unless given
    (the HTTP limits and CORS origins now, since middleware is set up here)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_state(config or WebConfig.from_env()) as state:
            app.state.paless = state
            yield

    app = FastAPI(
        title="paless",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Served by apidocs instead, from this process rather than a CDN.
        docs_url=None,
        redoc_url=None,
    )
    problems.install(app)
    apidocs.install(app)
    # Each API router is included in the app itself, under the API's prefix, rather
    # than in an /api/v1 router included in turn: FastAPI matches a request against
    # the included routers on every request, and each level of inclusion matches the
    # path again (two levels cost about as much CPU as the download route's own work).
    for router in (
        auth.router,
        documents.router,
        versions.router,
        uploads.router,
        trash.router,
        tasks.router,
        saved_views.router,
        organisation.tags,
        organisation.correspondents,
        organisation.document_types,
        organisation.custom_fields,
        organisation.autocomplete,
        *access.permission_routers,
        sharing.share_links,
        audit.audit_log,
        # Accounts: users, groups, API tokens.
        users.router,
        groups.router,
        tokens.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(sharing.public)
    app.include_router(health.router)
    app.include_router(metrics.router)
    # The web UI under / (after the API, so its catch-all error page never answers an API
    # route).
    ui.install(app)
    # Limits, CORS and security headers, inside the request-id/logging middleware.
    security.install(app, http or load(HttpSettings))
    app.add_middleware(RequestContextMiddleware)
    return app
