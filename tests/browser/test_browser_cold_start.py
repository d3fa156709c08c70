"""A link shared before anyone has opened the app since it started must still open its page."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import VIEWPORT, AppPage, AppServer

pytestmark = pytest.mark.browser


def test_a_deep_link_works_as_the_first_visit_to_a_fresh_server(
    chromium, demo_warehouse: Path, tmp_path: Path
) -> None:
    server = AppServer(warehouse=demo_warehouse, log_path=tmp_path / "streamlit.log").start()
    try:
        context = chromium.new_context(viewport=VIEWPORT)
        app = AppPage(context.new_page(), server.base_url)
        app.open("compare_localities", {"locality": "Banbury"})
        problems = app.problems()
        text = app.page.inner_text("body")
        context.close()
    finally:
        server.stop()
    assert problems == []
    # app.py ran (its grouped navigation and sidebar note), and the link's selection holds.
    assert "Explore" in text and "Every selection is kept in the page address" in text
    assert "Banbury is highlighted" in text
