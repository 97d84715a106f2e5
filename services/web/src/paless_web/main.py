"""paless-web: serve the API with uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from paless_shared.settings import AppSettings, WebSettings, load
from paless_web.state import WebConfig


def main() -> None:
    app_settings = load(AppSettings)
    web = load(WebSettings)
    WebConfig.from_env()  # fail now, naming the variable, rather than in a worker
    logging.basicConfig(
        level=app_settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    uvicorn.run(
        "paless_web.app:create_app",
        factory=True,
        host=web.web_host,
        port=web.web_port,
        workers=web.web_workers,
        root_path=web.web_root_path,
        proxy_headers=True,
        timeout_graceful_shutdown=30,
        log_level=app_settings.log_level.lower(),
    )
