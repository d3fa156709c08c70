"""The app shell: navigation, first-run build, demo banner."""

from __future__ import annotations

from apptest_helpers import APP, assert_no_exception
from streamlit.testing.v1 import AppTest


def test_app_opens_on_the_county_overview_with_the_demo_banner(app_warehouse) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert_no_exception(at)
    assert any("Demo data" in w.value for w in at.warning)


def test_app_reports_a_missing_warehouse_in_plain_words(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(tmp_path / "nowhere"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("could not be built" in e.value for e in at.error)
