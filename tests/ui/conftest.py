"""The browser tests' stack: paless-web and paless-worker as real processes against the
test servers, and Chromium (Debian's package, installed by .ci/run when missing)
driven by Playwright."""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from paless_devstack import free_port
from tests.conftest import REPO_ROOT, Account
from tests.e2e.processes import Service, Services, service_env

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Every run takes the screenshots (a failing page is one to look at); they go into the
# repository's docs only when asked (`make screenshots` sets PALESS_UI_SCREENSHOTS=docs/ui),
# so a test run leaves the work tree clean.
SCREENSHOTS = REPO_ROOT / os.environ.get("PALESS_UI_SCREENSHOTS", ".test/ui-screenshots")
# Few enough to reach the lockout quickly in the sign-in test.
LOGIN_MAX_FAILURES = 3


@pytest.fixture(scope="module")
def live_url(servers: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """paless-web and paless-worker running for the module; the web's base URL."""
    folder = tmp_path_factory.mktemp("ui-stack")
    port = free_port()
    env = service_env(
        folder, PALESS_WEB_PORT=str(port), PALESS_LOGIN_MAX_FAILURES=str(LOGIN_MAX_FAILURES)
    )
    services = Services(folder)
    try:
        web = services.start("paless-web", env=env)
        services.start("paless-worker", env=env)
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_ready(base_url, web)
        yield base_url
    finally:
        services.kill_all()


def _wait_until_ready(base_url: str, web: Service, within: float = 30) -> None:
    # Synchronous: Playwright's sync API and these fixtures run outside the event loop.
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        web.assert_running()
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base_url} not ready after {within}s:\n{web.log()[-4000:]}")


@pytest.fixture
async def owner_and_viewer(make_account: Any) -> tuple[Account, Account]:
    return await make_account(), await make_account()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, driven by Playwright (which cannot download its own here).
    Playwright's async API: the suite's fixtures share one asyncio loop, which the
    sync API (and pytest-playwright's fixtures) cannot run beside."""
    if not Path(CHROMIUM).exists():  # noqa: ASYNC240 - once per session
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    yield await context.new_page()
    await context.close()


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now. axe is
    evaluated through the DevTools protocol, not a <script>: the page's CSP allows
    none from elsewhere, and the test does not loosen it."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())
    results = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results
        if violation["impact"] in ("serious", "critical")
    ]


async def assert_accessible(page: Page, screen: str) -> None:
    found = await axe_violations(page)
    assert not found, f"{screen}: {json.dumps(found, indent=1)}"


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
