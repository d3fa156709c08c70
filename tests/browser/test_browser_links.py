"""Every in-app link opens exactly what it names, by clicking it (not by opening its address),
on every page that has links; Back returns to the view the link was clicked from, and
Forward to the linked view.

AppTest opens pages by address, so it cannot see state lost in navigation; these click.
From the Banbury locality page and the Banbury North Partnership profile — chosen, like a
chair would, from a page first opened on another area — each link in the page's main
area is clicked in turn. The destination must be the page the link points to, its
selections those the link names (the address after the page has drawn is what the page's
pickers hold, as every picker writes itself back).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import AppPage

LINK = '[data-testid="stMain"] [data-testid="stPageLink-NavLink"]'

#: Where the chair starts and what they choose there: another area is open first, so a
#: selection left over from it would show.
STARTS = [
    ("locality", {"locality": "Abingdon"}, "Locality", "Banbury"),
    ("partnership", {"partnership": "Banbury South Partnership"}, "Partnership",
     "Banbury North Partnership"),
    # the other pages with links, each as it first opens
    ("county_overview", {}, None, None),
    ("compare_localities", {"locality": "Bicester"}, None, None),
    ("exclusions", {"level": "Partnership", "partnership": "Banbury North Partnership"}, None,
     None),
    ("statistical_comparisons", {}, None, None),
    ("send_board", {}, None, None),
    ("data_pack", {"level": "Partnership", "partnership": "Bicester Partnership"}, None, None),
]  # fmt: skip


def _params(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def _path(url: str) -> str:
    return urlsplit(url).path.strip("/")


def _links(app: AppPage) -> list[tuple[int, str, str]]:
    """(index, text, address) of each link a reader can see (links in closed tabs are not)."""
    locator = app.page.locator(LINK)
    return [
        (i, locator.nth(i).inner_text().strip(), locator.nth(i).get_attribute("href") or "")
        for i in range(locator.count())
        if locator.nth(i).is_visible()
    ]


def _start(
    app: AppPage, path: str, first: dict, label: str | None, choice: str | None
) -> dict[str, str]:
    app.open(path, first)
    if label is not None and choice is not None:
        app.choose(label, choice)
    return app.query_params()


@pytest.mark.parametrize(("path", "first", "label", "choice"), STARTS)
def test_every_link_opens_what_it_names(
    app: AppPage, path: str, first: dict, label: str, choice: str
) -> None:
    _start(app, path, first, label, choice)
    links = _links(app)
    assert len(links) >= 2, links
    for number, (index, text, href) in enumerate(links):
        if number:  # each link from the same starting view, reached the same way
            _start(app, path, first, label, choice)
        _click(app, index)
        wanted = _params(href)
        landed = app.query_params()
        assert _path(app.page.url) == _path(href), (text, href, app.page.url)
        for param, value in wanted.items():
            assert landed.get(param) == value, (text, param, wanted, landed)
        assert app.problems() == [], text


@pytest.mark.parametrize(("path", "first", "label", "choice"), STARTS[:2])
def test_back_and_forward_return_to_each_view(
    app: AppPage, path: str, first: dict, label: str, choice: str
) -> None:
    before = _start(app, path, first, label, choice)
    _click(app, 0)
    linked_path, linked = _path(app.page.url), app.query_params()
    _history(app, app.page.go_back)
    assert _path(app.page.url) == path
    assert app.query_params() == before
    assert app.selectbox_value(label) == choice
    _history(app, app.page.go_forward)
    assert _path(app.page.url) == linked_path
    assert app.query_params() == linked
    _history(app, app.page.go_back)  # and back again, twice over the same entries
    assert app.selectbox_value(label) == choice
    assert app.problems() == []


def _history(app: AppPage, move) -> None:
    app.navigate(move)


def _click(app: AppPage, index: int) -> None:
    app.navigate(app.page.locator(LINK).nth(index).click)
