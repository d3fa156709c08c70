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


def test_first_start_builds_the_warehouse_from_demo_data(tmp_path, monkeypatch) -> None:
    """A fresh checkout: no raw files, no warehouse. The app builds one from demo data."""
    from etl import warehouse_path

    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "config.toml").write_text(
        (APP.parent / "data" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.delenv("LOCALITY_EXPLORER_WAREHOUSE", raising=False)
    monkeypatch.setenv("LOCALITY_EXPLORER_DATA_DIR", str(data))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert_no_exception(at)
    assert not at.error
    assert (warehouse_path(data) / "build_report.json").is_file()
    assert (data / "raw" / "demo" / "edubasealldata20240901.csv").is_file()
    assert any("Demo data" in w.value for w in at.warning)
