"""Every page at phone width (390 x 844, a common phone): the menu starts closed, nothing is
wider than the screen, and charts and maps use the width of the screen."""

from __future__ import annotations

import pytest
from browser_helpers import PAGE_PATHS, AppPage

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

_STICKING_OUT_JS = """
(width) => {
  const clipped = (e) => {
    for (let n = e.parentElement; n && n.dataset.testid !== 'stMain'; n = n.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(n).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !clipped(e))
    .slice(0, 5)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`);
}
"""


@pytest.fixture
def phone(chromium, app_server) -> AppPage:
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        yield AppPage(context.new_page(), app_server.base_url)
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_fits_a_phone(phone: AppPage, path: str) -> None:
    phone.open(path)
    assert phone.problems() == []
    sidebar = phone.page.locator('[data-testid="stSidebar"]')
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 1, f"the menu covers the page: {box}"
    # nothing needs sideways scrolling: no element sticks out of the screen unless it is
    # inside a box that scrolls or clips on its own (a table's grid)
    sticking_out = phone.page.evaluate(_STICKING_OUT_JS, PHONE["width"])
    assert sticking_out == [], sticking_out
    for width, height in phone.chart_sizes():
        assert width >= 0.85 * PHONE["width"], (width, height)
        assert height >= 150, (width, height)
