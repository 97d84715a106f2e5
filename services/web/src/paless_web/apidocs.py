"""The API's documentation pages: Swagger UI at /docs and ReDoc at /redoc.

Their scripts and styles are served by this process, from the pinned copies the
fastapi-offline package ships (Swagger UI 5.32.6, ReDoc 2.5.3 in fastapi-offline
1.7.7), not from a public CDN: the pages work in a cluster without internet access, and
their Content-Security-Policy (security.py) allows this origin only. /docs has no inline
script; its start-up code is a script of its own.
"""

from __future__ import annotations

import html
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_PATH = "/docs"
REDOC_PATH = "/redoc"
ASSETS_PATH = "/docs/assets"
SWAGGER_INIT_PATH = "/docs/swagger-init.js"
ASSETS = Path(fastapi_offline.__file__).parent / "static"

# Reads the spec URL from the page, so that the page needs no inline script.
SWAGGER_INIT = """\
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
"""

SWAGGER_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - Swagger UI</title>
<link rel="icon" href="{root}{assets}/favicon.png">
<link rel="stylesheet" href="{root}{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{root}{openapi}"></div>
<script src="{root}{assets}/swagger-ui-bundle.js"></script>
<script src="{root}{init}"></script>
</body>
</html>
"""

REDOC_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - ReDoc</title>
<link rel="icon" href="{root}{assets}/favicon.png">
</head>
<body>
<redoc spec-url="{root}{openapi}"></redoc>
<script src="{root}{assets}/redoc.standalone.js"></script>
</body>
</html>
"""


def _page(template: str, app: FastAPI, request: Request) -> HTMLResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return HTMLResponse(
        template.format(
            title=html.escape(app.title),
            root=html.escape(root),
            assets=ASSETS_PATH,
            init=SWAGGER_INIT_PATH,
            openapi=html.escape(app.openapi_url or ""),
        )
    )


def install(app: FastAPI) -> None:
    """Serve both pages and their assets (the app is created with docs_url and
    redoc_url set to None, so FastAPI adds no CDN-based pages of its own)."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get(SWAGGER_PATH, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _page(SWAGGER_PAGE, app, request)

    @app.get(SWAGGER_INIT_PATH, include_in_schema=False)
    async def swagger_ui_init() -> Response:
        return Response(SWAGGER_INIT, media_type="text/javascript")

    @app.get(REDOC_PATH, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _page(REDOC_PAGE, app, request)
