"""paless-web: serve the API with uvicorn."""

from __future__ import annotations

import uvicorn

from paless_shared.observability import configure_logging
from paless_shared.settings import AppSettings, WebSettings, exit_on_configuration_error, load
from paless_web.state import WebConfig


@exit_on_configuration_error
def main() -> None:
    app_settings = load(AppSettings)
    web = load(WebSettings)
    WebConfig.from_env()  # fail now, naming the variable, rather than in a worker
    configure_logging(app_settings.log_level, app_settings.log_format)
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
        log_config=None,  # keep the JSON/text handler configured above
        access_log=False,  # the app logs each request as a `web.request` event
    )
