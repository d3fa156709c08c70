"""Printing a page prints its content, whole: no sidebar, header or buttons, and the main area
at its full length instead of the one screenful Streamlit's scrolling box shows."""

from __future__ import annotations

import re

import pytest
from browser_helpers import AppPage

pytestmark = pytest.mark.browser

_HIDDEN_IN_PRINT = ['[data-testid="stSidebar"]', '[data-testid="stHeader"]']


def printed_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("path", ["partnership", "data_and_definitions"])
def test_a_printed_page_has_no_menu_and_runs_to_its_end(app: AppPage, path: str) -> None:
    app.page.set_viewport_size({"width": 1100, "height": 900})
    app.open(path)
    app.page.emulate_media(media="print")
    for selector in _HIDDEN_IN_PRINT:
        shown = app.page.eval_on_selector_all(
            selector, "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
        )
        assert shown == 0, selector
    content = app.page.evaluate(
        """() => document.querySelector('[data-testid="stMainBlockContainer"]')
            .getBoundingClientRect().height"""
    )
    document = app.page.evaluate("() => document.documentElement.scrollHeight")
    assert content > 900, content  # the page is longer than a screen...
    assert document >= content - 1, (document, content)  # ...and the document holds all of it
    pdf = app.page.pdf(format="A4", print_background=True)
    # A4 at 96 px per inch is about 1,050 px of content a page: every page of it is printed
    assert printed_pages(pdf) >= int(content // 1400) + 1, (printed_pages(pdf), content)
    assert printed_pages(pdf) >= 2
