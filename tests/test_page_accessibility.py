"""Accessibility statement page (AppTest): the public-sector statement's parts, the known
Streamlit issues from explorer.accessibility (the browser test's allow-list), and the
council's contact from the settings."""

from __future__ import annotations

from pathlib import Path

from apptest_helpers import assert_no_exception, open_page

from explorer.accessibility import AXE_CORE_VERSION, STREAMLIT_KNOWN_ISSUES

PAGE = "accessibility.py"


def page_text(at) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.header, *at.subheader])


def test_statement_has_the_usual_parts_and_every_known_issue(app_warehouse):
    at = open_page(PAGE)
    assert_no_exception(at)
    assert at.title[0].value == "Accessibility statement"
    headers = [h.value for h in at.header]
    for part in (
        "Using Locality Explorer",
        "How accessible this service is",
        "Reporting accessibility problems",
        "Non-accessible content",
        "How we tested",
    ):
        assert part in headers
    text = page_text(at)
    assert "partially compliant" in text
    assert f"axe-core]({'https://github.com/dequelabs/axe-core'}) {AXE_CORE_VERSION}" in text
    for issue in STREAMLIT_KNOWN_ISSUES:
        assert issue.what in text and issue.criterion in text
    assert "has not yet added its contact address" in text  # the demo settings have none


def test_the_councils_contact_is_shown(app_warehouse, tmp_path: Path, monkeypatch):
    settings = (Path(__file__).resolve().parents[1] / "data" / "config.toml").read_text()
    settings = settings.replace('contact = ""', 'contact = "send.help@council.example"', 1)
    (tmp_path / "config.toml").write_text(settings, encoding="utf-8")
    monkeypatch.setenv("LOCALITY_EXPLORER_CONFIG", str(tmp_path / "config.toml"))
    at = open_page(PAGE)
    assert_no_exception(at)
    text = page_text(at)
    assert "contact **send.help@council.example**" in text
    assert "has not yet added" not in text
