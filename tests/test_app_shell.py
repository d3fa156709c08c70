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


def test_suppression_note_states_the_configured_thresholds(
    app_warehouse, tmp_path, monkeypatch
) -> None:
    """Pages say the thresholds of the settings file the app runs with, not fixed words."""
    import streamlit as st
    from apptest_helpers import open_page

    config = tmp_path / "council.toml"
    text = (APP.parent / "data" / "config.toml").read_text(encoding="utf-8")
    config.write_text(
        text.replace("min_count = 3", "min_count = 5").replace(
            "min_denominator = 10", "min_denominator = 20"
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("LOCALITY_EXPLORER_CONFIG", str(config))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = open_page("locality.py")
        assert_no_exception(at)
        captions = " ".join(c.value for c in at.caption)
        assert "a count from 1 to 4, or a rate based on fewer than 20 pupils" in captions
        assert "1 or 2" not in captions
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
