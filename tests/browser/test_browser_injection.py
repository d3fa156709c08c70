"""Names from data are shown, never run (issue 21): on a warehouse whose every name
(partnership, locality, school, other LAs, region, exclusion reason) is a Markdown and
HTML payload, every page and every tab makes no request outside this machine, draws no
link or image to another host, no LaTeX, colour or emoji from a name, and the partnership
page shows the names literally.

The warehouse is built by the real ETL from the demo's raw files with the names replaced
(tests/hostile_names.py). Before the fix the pages made 63+ requests to the payloads'
host in one walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import PAGE_PATHS, VIEWPORT, AppPage, AppServer
from hostile_names import EVIL_HOST, payload, write_hostile_demo_raw

from explorer.text import JOINER

pytestmark = pytest.mark.browser

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """(warehouse, renames): the demo with every name a payload, built by the ETL."""
    from etl import warehouse_path
    from queries.prepare import build_warehouse

    data = tmp_path_factory.mktemp("hostile_data")
    (data / "raw").mkdir()
    (data / "config.toml").write_text(
        (PROJECT_DIR / "data" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    renames = write_hostile_demo_raw(data / "raw")
    build_warehouse(data_dir=data, progress=lambda _message: None)
    return warehouse_path(data).resolve(), renames


@pytest.fixture(scope="module")
def hostile_server(chromium, hostile, tmp_path_factory) -> Iterator[AppServer]:
    warehouse, _ = hostile
    log = tmp_path_factory.mktemp("hostile_server") / "streamlit.log"
    server = AppServer(warehouse=warehouse, log_path=log).start()
    try:
        context = chromium.new_context(viewport=VIEWPORT)
        AppPage(context.new_page(), server.base_url).open("county_overview")  # warm up
        context.close()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def names(hostile) -> dict[str, str]:
    """One real name of each kind from the hostile warehouse, for the views' addresses."""
    import queries

    warehouse, _ = hostile
    con = queries.connect(warehouse)
    try:
        index = queries.run(con, "search_index")
    finally:
        con.close()
    schools = index[(index["kind"] == "School") & index["partnership"].notna()]
    school = schools.iloc[0]
    partnerships = index[index["kind"] == "Partnership"]
    other = partnerships[partnerships["name"] != school["partnership"]].iloc[0]
    return {
        "partnership": str(school["partnership"]),
        "locality": str(school["locality"]),
        "school": str(int(school["urn"])),
        "other_partnership": str(other["name"]),
    }


def _outside(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript"):
        return parts.scheme == "javascript"
    if parts.scheme in ("http", "https", "ws", "wss"):
        return parts.hostname not in LOCAL_HOSTS
    return True  # mailto:, tel:, anything else that leaves the page


@pytest.fixture
def watched(chromium, hostile_server) -> Iterator[tuple[AppPage, list[str]]]:
    """A fresh tab on the hostile app, and every request it made outside this machine
    (each is refused, so no test waits on the network)."""
    outside: list[str] = []
    context = chromium.new_context(viewport=VIEWPORT)

    context.route(_outside, lambda route: route.abort())
    context.on("request", lambda r: outside.append(r.url) if _outside(r.url) else None)
    try:
        yield AppPage(context.new_page(), hostile_server.base_url), outside
    finally:
        context.close()


def tab_names(app: AppPage) -> list[str]:
    tabs = app.main.locator('[role="tab"]')
    return [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]


def open_tab(app: AppPage, index: int) -> None:
    tab = app.main.locator('[role="tab"]').nth(index)
    if tab.get_attribute("aria-selected") == "true":
        return
    app.switch_tab(tab.click)


# What a name must never become on screen: a link or image to the payloads' host, LaTeX,
# a colour or an emoji (the app's own text uses none of these; its own outside links, such
# as the accessibility statement's to the W3C, are not names from data).
_DRAWN_FROM_NAMES_JS = """
() => {
  const found = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (/^(https?:)?\\/\\//i.test(href) || /^(mailto|tel|javascript):/i.test(href)) {
      const host = /^(https?:)?\\/\\//i.test(href) ? new URL(href, location.href).hostname : '';
      if (host.endsWith('EVIL_HOST') || /^(mailto|tel|javascript):/i.test(href)) found.push('link ' + href);
    }
  }
  for (const img of document.querySelectorAll('img[src], source[srcset], image')) {
    const src = img.getAttribute('src') || img.getAttribute('srcset') || img.getAttribute('href')
      || '';
    if (/^(https?:)?\\/\\//i.test(src) && !['127.0.0.1', 'localhost'].includes(
        new URL(src, location.href).hostname)) found.push('image ' + src);
  }
  for (const el of document.querySelectorAll('.katex, .stMarkdownColoredText'))
    found.push('rendered ' + el.className + ': ' + el.textContent.slice(0, 60));
  if (document.body.innerText.includes('\\u{1F604}')) found.push('emoji from :smile:');
  return found;
}
""".replace("EVIL_HOST", EVIL_HOST)


def _views(names: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Every page as it opens, and the views that show more names: a partnership level,
    a school, chosen partnerships, a highlighted locality."""
    p, loc, urn = names["partnership"], names["locality"], names["school"]
    return [
        *[(path, {}) for path in PAGE_PATHS],
        ("partnership", {"partnership": p, "locality": loc, "school": urn}),
        ("locality", {"locality": loc}),
        ("compare_localities", {"locality": loc}),
        ("compare_partnerships", {"partnership": [p, names["other_partnership"]]}),
        ("exclusions", {"level": "Locality", "locality": loc}),
        ("exclusions", {"level": "Partnership", "partnership": p, "locality": loc}),
        ("exclusions", {"level": "School", "school": urn}),
        ("statistical_comparisons", {"level": "School"}),
        ("statistical_comparisons", {"level": "Locality"}),
        ("data_pack", {"level": "Partnership", "partnership": p}),
        # an unknown partnership in the address is not echoed as Markdown either
        ("partnership", {"partnership": payload("address")}),
        ("exclusions", {"level": "Partnership", "partnership": payload("address")}),
    ]


def test_names_from_data_never_run_on_any_page_or_tab(watched, names) -> None:
    app, outside = watched
    failures: list[str] = []
    for path, params in _views(names):
        app.open(path, params)  # type: ignore[arg-type]
        for index in range(len(tab_names(app)) or 1):
            if tab_names(app):
                open_tab(app, index)
            where = f"{path}?{params}" + (f" tab {index}" if index else "")
            failures += [f"[{where}] {line}" for line in app.page.evaluate(_DRAWN_FROM_NAMES_JS)]
            failures += [f"[{where}] {line}" for line in app.problems()]
        app.page.wait_for_timeout(300)  # let any image a name asked for be requested
        failures += [f"[{path}?{params}] outside request {url}" for url in outside]
        outside.clear()
    assert failures == [], f"{len(failures)} problems:\n" + "\n".join(failures[:80])


def test_partnership_page_shows_the_names_literally(watched, names) -> None:
    app, outside = watched
    app.open("partnership", {"partnership": names["partnership"], "school": names["school"]})
    text = app.main_text().replace(JOINER, "")
    expected = payload("partnership")
    assert names["partnership"].startswith(expected)
    # the heading, the sentence and the page links name it as it is in the file
    assert text.count(names["partnership"]) >= 3, text[:2000]
    assert re.search(r"\*\*bold\*\* \$x\$ :red\[red\] :smile: www\.evil\.example", text)
    assert EVIL_HOST in text and outside == []
