"""Every page opens in a real browser, draws, and can be reached and used with the keyboard."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from browser_helpers import PAGE_PATHS, AppPage

from contract.pages import TITLES

pytestmark = pytest.mark.browser

SIDEBAR_LINKS = {title: path for path, title in TITLES.items()}

# Charts (Vega: maps included) each page draws at least, on its default view.
MIN_CHARTS = {
    "county_overview": 1,
    "locality": 2,
    "partnership": 3,
    "compare_localities": 1,
    "compare_partnerships": 0,  # until two partnerships are chosen
    "exclusions": 2,
    "statistical_comparisons": 1,
    "send_board": 11,  # a sparkline per KPI, the projection and the scenario
    "data_pack": 0,
    "data_and_definitions": 0,
    "accessibility": 0,
}


def nav_label(link_text: str) -> str:
    """A sidebar link's words without its Material icon's ligature name (the first line)."""
    return link_text.strip().splitlines()[-1].strip()


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_opens_and_draws_without_errors(app: AppPage, path: str) -> None:
    app.open(path)

    # The default page (county) is served at the site root.
    expected_path = "" if path == "county_overview" else f"/{path}"
    assert app.page.url.split("?")[0].removeprefix(app.base_url).rstrip("/") == expected_path
    heading = app.main.locator("h1").first.inner_text().strip()
    assert heading, "every page starts with a title"
    assert "Demo data" in app.main_text(), "the demo banner is shown on demo data"
    assert app.problems() == []
    # wait_idle already waited for every chart; check there are some and none is empty.
    assert app.chart_count() >= MIN_CHARTS[path]
    for width, height in app.chart_sizes():
        assert width > 0 and height > 0


def test_sidebar_lists_every_page_and_its_links_open_them(app: AppPage) -> None:
    app.open("county_overview")
    links = app.page.locator('[data-testid="stSidebarNavLink"]')
    hrefs = {
        nav_label(link.inner_text()): link.get_attribute("href").removeprefix(app.base_url)
        for link in links.all()
    }
    assert hrefs == {
        label: "/" if path == "county_overview" else f"/{path}"
        for label, path in SIDEBAR_LINKS.items()
    }

    titles = {app.main.locator("h1").first.inner_text()}
    for label, path in [("Locality", "locality"), ("Data and definitions", "data_and_definitions")]:
        app.navigate(links.filter(has_text=label).click)
        app.page.wait_for_url(f"**/{path}*")
        assert app.problems() == []
        titles.add(app.main.locator("h1").first.inner_text())
    assert len(titles) == 3, f"each page has its own title: {titles}"


def test_keyboard_alone_reaches_the_sidebar_navigation_and_opens_a_page(app: AppPage) -> None:
    app.open("county_overview")
    reached = []
    for _ in range(60):
        app.page.keyboard.press("Tab")
        focused = app.page.evaluate(
            """() => {
                 const e = document.activeElement;
                 const link = e && e.closest('[data-testid="stSidebarNavLink"]');
                 return link ? link.innerText : null;
               }"""
        )
        if focused:
            reached.append(nav_label(focused))
        if reached and reached[-1] == "Data and definitions":
            break
    assert reached[:1] == ["County overview"], reached
    assert "Data and definitions" in reached

    app.navigate(lambda: app.page.keyboard.press("Enter"))
    app.page.wait_for_url("**/data_and_definitions*")
    assert app.problems() == []


def test_the_rejected_rows_download_holds_every_row_the_button_counts(
    app: AppPage, tmp_path: Path
) -> None:
    """The Data page's rejects CSV is written from the build when its button is pressed
    (the click also reruns the page, which waits for the file to start: see
    explorer.downloads._note_if_replaced); the file has as many rows as the label says."""
    app.open("data_and_definitions")
    button = app.main.get_by_role("button", name=re.compile(r"^Download all [\d,]+ rejected"))
    said = int(re.search(r"all ([\d,]+) rejected", button.inner_text()).group(1).replace(",", ""))
    saved = tmp_path / "rejects.csv"
    app.download(button).save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert said > 0 and len(rows) == 1 + said, (said, len(rows))
    app.wait_idle()
    assert app.problems() == []
