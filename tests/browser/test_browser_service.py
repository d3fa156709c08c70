"""The app behaves like a council service: no Deploy button or developer menu, and no
request to any host but the app's own (it must work offline, behind a council firewall).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_helpers import PAGE_PATHS, AppPage

from contract.pages import TITLES


def test_no_deploy_button_or_developer_menu(app: AppPage) -> None:
    app.open("locality")
    assert app.page.locator('[data-testid="stAppDeployButton"]').count() == 0
    assert app.page.get_by_text("Deploy", exact=True).count() == 0
    menu = app.page.locator('[data-testid="stMainMenu"]')
    if menu.count():
        menu.first.click()
        items = app.page.locator('[data-testid="stMainMenuList"]').inner_text()
        for developer in ("Clear cache", "Rerun", "Record a screencast", "Developer"):
            assert developer not in items, items
        app.page.keyboard.press("Escape")


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_no_request_leaves_the_app(app: AppPage, path: str) -> None:
    outside: list[str] = []
    own = urlsplit(app.base_url).netloc

    def record(request) -> None:
        where = urlsplit(request.url)
        if where.scheme in ("http", "https", "ws", "wss") and where.netloc != own:
            outside.append(request.url)

    app.page.on("request", record)
    app.open(path)
    app.page.wait_for_timeout(500)  # late font and icon requests
    assert outside == [], outside


def test_every_page_has_its_own_title(app: AppPage) -> None:
    assert set(TITLES) == set(PAGE_PATHS)
    for path, title in TITLES.items():
        app.open(path)
        assert app.page.title() == f"{title} – Locality Explorer", path
