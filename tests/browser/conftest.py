"""Fixtures for the browser tests: one Streamlit server on the demo warehouse and one headless
Chromium per session, and a fresh tall tab per test.

Without /usr/bin/chromium the browser tests skip, unless REQUIRE_BROWSER=1 (set by CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, VIEWPORT, AppPage, AppServer, launch_chromium


@pytest.fixture(scope="session")
def chromium_available() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium(chromium_available: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def app_server(
    chromium, demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free loopback port, reading the session's demo warehouse,
    warmed up by one visit to the home page (a server's very first session may not yet know
    the navigation's URL paths: see test_browser_cold_start.py)."""
    log = tmp_path_factory.mktemp("streamlit_server") / "streamlit.log"
    server = AppServer(warehouse=demo_warehouse, log_path=log).start()
    try:
        context = chromium.new_context(viewport=VIEWPORT)
        AppPage(context.new_page(), server.base_url).open("county_overview")
        context.close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def app(chromium, app_server: AppServer) -> Iterator[AppPage]:
    """A fresh tab (own cookies and session) on the running app, 1400x3000."""
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        yield AppPage(context.new_page(), app_server.base_url)
    finally:
        context.close()
