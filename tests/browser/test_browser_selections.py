"""Changing a selection in the browser updates the address and redraws the page; an address
with query parameters opens the same view."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from browser_helpers import AppPage

import queries

pytestmark = pytest.mark.browser


def year_label(time_period: int) -> str:
    """202223 -> "2022/23", written out here so the test does not trust the app's formatter."""
    start = time_period // 100
    return f"{start}/{time_period % 100:02d}"


@pytest.fixture(scope="module")
def years(demo_con) -> list[int]:
    """The warehouse's academic years, newest first."""
    return sorted(queries.list_years(demo_con)["time_period"].tolist(), reverse=True)


@dataclass(frozen=True)
class Change:
    """Open ``path`` with ``start`` in the address, pick ``option`` in the selectbox ``label``
    by keyboard; the address must then hold ``param=value`` and the page show ``shows``."""

    path: str
    start: dict[str, str]
    label: str
    option: str
    param: str
    value: str
    shows: str
    no_longer_shows: str | None = None


CHANGES = [
    Change("county_overview", {}, "Academic year", "2022/23", "year", "202223", "In 2022/23,"),
    Change(
        "locality",
        {"year": "202324"},
        "Locality",
        "Banbury",
        "locality",
        "Banbury",
        "Partnerships and schools in Banbury",
        "Partnerships and schools in Abingdon",
    ),
    Change(
        "partnership",
        {"locality": "Banbury", "partnership": "Banbury North Partnership"},
        "Partnership",
        "Cherwell Valley Partnership",
        "partnership",
        "Cherwell Valley Partnership",
        "Schools in Cherwell Valley Partnership",
        "Schools in Banbury North Partnership",
    ),
    Change(
        "compare_localities",
        {"year": "202324"},
        "Highlight a locality",
        "Banbury",
        "locality",
        "Banbury",
        "Banbury is highlighted",
    ),
    Change(
        "exclusions",
        {"level": "Locality", "locality": "Abingdon", "year": "202324"},
        "Locality",
        "Banbury",
        "locality",
        "Banbury",
        "Banbury, 2023/24",
        "Abingdon, 2023/24",
    ),
    Change("statistical_comparisons", {}, "Academic year", "2022/23", "year", "202223", "2022/23"),
    Change(
        "data_pack",
        {"level": "Locality", "locality": "Abingdon", "year": "202324"},
        "Locality",
        "Banbury",
        "locality",
        "Banbury",
        "Banbury",
    ),
    Change(
        "data_and_definitions",
        {"measure": "pupils"},
        "Look up a measure",
        "Exclusions: Suspension rate",
        "measure",
        "susp_rate",
        "Suspension rate",
    ),
]


def check_change(app: AppPage, change: Change) -> None:
    app.open(change.path, change.start)
    assert app.problems() == []
    text_before, charts_before = app.main_text(), app.chart_pixels_signature()
    if change.no_longer_shows:
        assert change.no_longer_shows in text_before

    app.choose(change.label, change.option)

    assert app.selectbox_value(change.label) == change.option
    assert app.query_params().get(change.param) == change.value
    text_after = app.main_text()
    assert text_after != text_before
    assert change.shows in text_after
    if change.no_longer_shows:
        assert change.no_longer_shows not in text_after
    if charts_before:
        assert app.chart_count() > 0
        assert app.chart_pixels_signature() != charts_before, "charts redraw for the new choice"
    assert app.problems() == []


@pytest.mark.parametrize("change", CHANGES, ids=[change.path for change in CHANGES])
def test_choosing_by_keyboard_updates_the_address_and_the_page(
    app: AppPage, change: Change
) -> None:
    check_change(app, change)


def test_a_link_with_query_parameters_opens_the_same_view_as_choosing(
    app: AppPage, years: list[int]
) -> None:
    earlier = years[1]
    app.open("locality")
    app.choose("Locality", "Banbury")
    app.choose("Academic year", year_label(earlier))
    assert app.query_params() == {"locality": "Banbury", "year": str(earlier)}
    chosen_text, chosen_charts = app.main_text(), app.chart_count()

    app.open("locality", {"locality": "Banbury", "year": str(earlier)})

    assert app.selectbox_value("Locality") == "Banbury"
    assert app.selectbox_value("Academic year") == year_label(earlier)
    assert app.query_params() == {"locality": "Banbury", "year": str(earlier)}
    assert app.chart_count() == chosen_charts
    assert app.main_text() == chosen_text
    assert app.problems() == []


def test_keyboard_alone_reaches_the_selectors_and_changes_the_locality(app: AppPage) -> None:
    app.open("locality")
    focused_labels = []
    for _ in range(60):
        app.page.keyboard.press("Tab")
        label = app.page.evaluate(
            "() => document.activeElement && document.activeElement.getAttribute('aria-label')"
        )
        focused_labels.append(label)
        if label == "Locality":
            break
    assert "Locality" in focused_labels, focused_labels

    runs_before = app.runs()
    app.page.keyboard.press("ControlOrMeta+a")
    app.page.keyboard.type("Witney")
    app.page.get_by_role("option", name="Witney", exact=True).wait_for()
    app.page.keyboard.press("Enter")
    app.wait_for_rerun(runs_before)
    assert app.query_params()["locality"] == "Witney"
    assert "Partnerships and schools in Witney" in app.main_text()

    # Focus stays in the form after the rerun: Tab moves on to the year (past its help icon).
    next_labels = []
    for _ in range(3):
        app.page.keyboard.press("Tab")
        next_labels.append(
            app.page.evaluate("() => document.activeElement.getAttribute('aria-label')")
        )
    assert "Academic year" in next_labels, next_labels


def test_a_data_set_tab_opens_its_section_by_keyboard_and_its_link_reopens_it(
    app: AppPage,
) -> None:
    app.open("locality", {"locality": "Banbury"})
    assert "Pupils on roll" in app.main_text()  # the first tab: numbers of children
    assert "Overall absence" not in app.main_text()
    charts_before = app.chart_count()

    first_tab = app.page.get_by_role("tab", name="Children and young people")
    first_tab.focus()

    # Arrow keys move along the tabs (the ARIA tabs pattern); the focused tab opens.
    def arrow_then_enter() -> None:
        app.page.keyboard.press("ArrowRight")  # the second tab: attendance
        app.page.keyboard.press("Enter")

    app.switch_tab(arrow_then_enter)
    app.wait_for_charts()
    assert app.page.get_by_role("tab", name="Attendance").get_attribute("aria-selected") == "true"
    assert app.query_params()["section"] == "Attendance"
    text = app.main_text()
    assert "Overall absence" in text and "Pupils on roll" not in text
    assert app.chart_count() == charts_before  # the map and the section's trend chart
    absence_text = text

    app.open("locality", {"locality": "Banbury", "section": "Attendance"})
    assert app.page.get_by_role("tab", name="Attendance").get_attribute("aria-selected") == "true"
    assert app.main_text() == absence_text
    assert app.problems() == []
