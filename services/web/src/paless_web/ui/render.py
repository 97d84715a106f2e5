"""Rendering UI pages: the templates, and the headers every page carries.

Pages allow scripts and styles from this origin only (no inline script, no inline
style); previews, thumbnails and uploads talk to storage directly, so its origin (and
the CDN's, when one serves downloads) is allowed for frames, images and uploads.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from paless_web.state import WebConfig

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def storage_origins(config: WebConfig) -> list[str]:
    found = [
        _origin(config.s3.s3_public_endpoint_url or config.s3.s3_endpoint_url),
        _origin(config.cdn.cdn_base_url),
    ]
    origins = [origin for origin in found if origin]
    # Without an endpoint, storage is AWS S3 itself.
    return origins or ["https://*.amazonaws.com"]


def page_csp(config: WebConfig) -> str:
    storage = " ".join(storage_origins(config))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: {storage}; connect-src 'self' {storage}; "
        f"frame-src {storage}; object-src {storage}; font-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def _when(value: datetime | date | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    return value.isoformat()


def _size(size: int | None) -> str:
    if size is None:
        return ""
    amount = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return str(size)


TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.filters["size"] = _size
TEMPLATES.env.filters["tojson_attr"] = lambda value: json.dumps(value)


def url(request: Request, path: str) -> str:
    """A path of this app, under the deployment's root path."""
    return str(request.scope.get("root_path", "")).rstrip("/") + path


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    state = request.app.state.paless
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"root": str(request.scope.get("root_path", "")).rstrip("/"), **(context or {})},
        status_code=status_code,
        headers=headers,
    )
    response.headers["content-security-policy"] = page_csp(state.config)
    response.headers["cache-control"] = "no-store"
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
