"""paless-web: serve the API with uvicorn."""

from __future__ import annotations

from typing import Any

import uvicorn

from paless_shared.platform.observability import configure_logging
from paless_shared.platform.settings import (
    AppSettings,
    HttpSettings,
    WebSettings,
    exit_on_configuration_error,
    load,
)
from paless_web.state import WebConfig


def server_options(web: WebSettings, http: HttpSettings, log_level: str) -> dict[str, Any]:
    """How uvicorn serves the app (the tests serve it the same way)."""
    return {
        "host": web.web_host,
        "port": web.web_port,
        "workers": web.web_workers,
        "root_path": web.web_root_path,
        "proxy_headers": True,
        "forwarded_allow_ips": web.web_forwarded_allow_ips,
        # h11 rather than httptools, which buffers request headers of any size. Headers
        # over PALESS_WEB_MAX_HEADER_BYTES get a 431 problem from the app; a request head
        # over twice that is dropped by h11 (400) before it is all held in memory.
        "http": "h11",
        "h11_max_incomplete_event_size": 2 * http.web_max_header_bytes,
        "timeout_graceful_shutdown": 30,
        "log_level": log_level.lower(),
        "log_config": None,  # keep the JSON/text handler configure_logging installed
        "access_log": False,  # the app logs each request as a `web.request` event
    }


@exit_on_configuration_error
def main() -> None:
    app_settings = load(AppSettings)
    web = load(WebSettings)
    http = load(HttpSettings)
    WebConfig.from_env()  # fail now, naming the variable, rather than in a worker
    configure_logging(app_settings.log_level, app_settings.log_format)
    uvicorn.run(
        "paless_web.app:create_app",
        factory=True,
        **server_options(web, http, app_settings.log_level),
    )
