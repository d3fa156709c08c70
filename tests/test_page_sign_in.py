"""Pages with sign-in on, not signed in (AppTest: the public's view): the council's own data
is gone from the pages and each section says why, with the way to sign in. Signing in as
each role through a real OpenID provider: tests/browser/test_browser_sign_in.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import assert_no_exception, chart_specs, chart_title, open_page

from contract import settings

NOTE = "the council's own data, not published. Council staff can sign in"


@pytest.fixture(scope="module")
def signed_out(demo_warehouse: Path, tmp_path_factory):
    """The app on the demo warehouse with ``[sign_in] enabled = true``."""
    base = (settings.DEFAULT_DATA_DIR / "config.toml").read_text(encoding="utf-8")
    config = tmp_path_factory.mktemp("sign_in") / "config.toml"
    config.write_text(base.replace("enabled = false", "enabled = true", 1), encoding="utf-8")
    assert settings.load_config(config).sign_in.enabled
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        patch.setenv(settings.CONFIG_ENV, str(config))
        yield


def _infos(at) -> list[str]:
    return [i.value for i in at.info]


def test_the_sidebar_offers_sign_in_and_says_what_the_public_sees(signed_out):
    at = open_page("county_overview.py")
    assert_no_exception(at)
    assert [b.label for b in at.sidebar.button] == ["Sign in"]
    assert any("seeing the DfE's published data" in c.value for c in at.sidebar.caption)


def test_the_partnership_page_has_no_top_up_funding_and_says_why(signed_out):
    at = open_page("partnership.py", {"partnership": "Abingdon Town Partnership"})
    assert_no_exception(at)
    assert any(
        i.startswith("High needs top-up funding by partnership: " + NOTE) for i in _infos(at)
    )
    assert not any("top-up funding for pupils at" in m.value for m in at.markdown)
    assert not any(chart_title(s).startswith("Partnerships in") for s in chart_specs(at))
    # the school-by-school tables' top-up column says why it is empty, not only "Not available"
    assert any(
        i.startswith("High needs top-up funding in these tables: " + NOTE) for i in _infos(at)
    )


def test_the_send_board_leaves_out_the_councils_kpis_and_top_up_projection(signed_out):
    at = open_page("send_board.py")
    assert_no_exception(at)
    assert any(i.startswith("Not shown here: SEND part-time") and NOTE in i for i in _infos(at))
    shown = " ".join(m.value for m in at.markdown)
    assert "part-time timetable" not in shown.lower()
    (project,) = [r for r in at.radio if r.label == "Project"]
    assert "High needs top-up funding" not in " ".join(map(str, project.options))
    assert len(project.options) == 2


def test_the_exclusions_reasons_and_groups_say_they_are_the_councils(signed_out):
    for section in ("Reasons", "Groups of pupils"):
        at = open_page(
            "exclusions.py",
            {
                "level": "Partnership",
                "partnership": "Abingdon Town Partnership",
                "section": section,
            },
        )
        assert_no_exception(at)
        notes = [i for i in _infos(at) if "from the council's exclusions log): " + NOTE in i]
        assert len(notes) == 1, (section, _infos(at))
