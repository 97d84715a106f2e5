"""The web UI: server-rendered pages (Jinja2) with htmx for partial updates, served
under `/` beside the API. Screens call the shared domain services directly, with the
same permission rules as the API; document bytes never pass through here (previews,
thumbnails, downloads and uploads use signed storage URLs)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from paless_shared.platform.errors import DomainError
from paless_web import problems
from paless_web.ui.render import is_htmx, render, url
from paless_web.ui.routes import account, auth, document, documents, manage, uploads, views
from paless_web.ui.session import SignInRequired

STATIC = Path(__file__).parent / "static"
# Paths that answer like the API (problem+json) even though they are not under /api.
_API_LIKE = ("/api/", "/share/", "/healthz", "/readyz", "/metrics")


def _ui_path(request: Request) -> bool:
    path = request.url.path[len(str(request.scope.get("root_path", "")).rstrip("/")) :]
    return not path.startswith(_API_LIKE) and path not in ("/docs", "/redoc", "/openapi.json")


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    target = url(request, f"/login?next={exc.next_path}")
    if is_htmx(request):
        # htmx follows this header with a full page load.
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if not _ui_path(request):
        return await problems._domain_error(request, exc)
    template = "fragments/error.html" if is_htmx(request) else "error.html"
    headers = exc.response_headers()
    if is_htmx(request):
        # Errors go to the page's message area, whatever the request targeted.
        headers |= {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render(
        request,
        template,
        {"status": exc.status, "title": exc.title, "detail": exc.detail},
        status_code=exc.status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # documents before document: /documents/rows is not a document id.
    for module in (auth, documents, document, uploads, views, manage, account):
        app.include_router(module.router)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(DomainError, _domain_error)
