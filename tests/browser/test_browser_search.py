"""Finding anything in one step, as a chair would: the sidebar's search box finds a school by
part of its name, its URN or its postcode district, and a partnership or locality by name,
and opens its page; the Exclusions explorer's school level lists every school; Compare
partnerships puts partnerships from different localities side by side.

Names and counts are read from the demo warehouse (the query layer), not typed from memory.
"""

from __future__ import annotations

import pandas as pd
import pytest
from browser_helpers import AppPage

import queries

SEARCH = "Find a school, partnership or locality"


@pytest.fixture(scope="module")
def index(demo_warehouse) -> pd.DataFrame:
    con = queries.connect(demo_warehouse)
    try:
        return queries.search_index(con)
    finally:
        con.close()


def _search(app: AppPage, typed: str, option_starts: str, opens: str) -> None:
    """Type into the search box and choose the first option that starts with
    ``option_starts``, then wait for the page it opens (``opens``: its path)."""
    runs = app.runs()
    box = app.selectbox(SEARCH)
    box.focus()
    app.page.keyboard.type(typed)
    options = app.page.get_by_role("option")
    # the list filters as the keys arrive: under load the first options shown can be those
    # of the first characters typed, so wait for the wanted one before reading the list
    options.filter(has_text=option_starts).first.wait_for()
    texts = [t.strip() for t in options.all_inner_texts()]
    assert any(t.startswith(option_starts) for t in texts), (typed, texts[:10])
    for _ in range(next(i for i, t in enumerate(texts) if t.startswith(option_starts))):
        app.page.keyboard.press("ArrowDown")
    app.page.keyboard.press("Enter")
    app.wait_for_rerun(runs)
    # choosing runs the page once, and that run opens the other page in a second run: under
    # load the app can look idle between the two (CI, 2026-12-02), so wait for the address
    app.page.wait_for_function(
        f"location.pathname.endsWith('/{opens}')", polling=50, timeout=45_000
    )
    app.wait_idle()


def _school(index: pd.DataFrame, name: str) -> pd.Series:
    return index[(index["kind"] == "School") & (index["name"] == name)].iloc[0]


@pytest.mark.parametrize("typed", ["Hornton Acad", "URN"])
def test_a_school_is_found_by_name_or_urn_and_opens_in_its_partnership(
    app: AppPage, index: pd.DataFrame, typed: str
) -> None:
    school = _school(index, "Hornton Academy")
    app.open("locality", {"locality": "Witney"})  # somewhere else first
    _search(app, str(school["urn"]) if typed == "URN" else typed, "Hornton Academy", "partnership")
    assert app.page.url.split("?")[0].endswith("/partnership")
    assert app.selectbox_value("Partnership") == school["partnership"]
    assert app.query_params()["school"] == str(school["urn"])
    assert f"Hornton Academy (URN {school['urn']}) is one of this partnership" in app.main_text()
    assert app.problems() == []


def test_a_postcode_district_lists_its_schools(app: AppPage, index: pd.DataFrame) -> None:
    in_district = index[index["postcode_district"] == "OX15"]
    assert len(in_district) > 1
    first = in_district.sort_values("name").iloc[0]
    app.open("county_overview")
    _search(app, "OX15", str(first["name"]), "partnership")
    assert app.selectbox_value("Partnership") == first["partnership"]


@pytest.mark.parametrize(
    ("kind", "name", "path", "label"),
    [
        ("Partnership", "Chipping Norton Partnership", "partnership", "Partnership"),
        ("Locality", "Thame", "locality", "Locality"),
    ],
)
def test_a_partnership_or_locality_opens_its_page(
    app: AppPage, kind: str, name: str, path: str, label: str
) -> None:
    app.open("exclusions")
    _search(app, name, f"{name} – {kind.lower()}", path)
    assert app.page.url.split("?")[0].endswith(f"/{path}")
    assert app.selectbox_value(label) == name
    assert app.problems() == []


def test_the_school_level_lists_every_school(app: AppPage, index: pd.DataFrame) -> None:
    schools = index[index["kind"] == "School"]
    app.open("exclusions", {"level": "School"})
    box = app.main.get_by_role("combobox", name="School (open in", exact=False)
    box.click()
    options = app.page.get_by_role("option")
    options.first.wait_for()
    # the list is virtualised: typing narrows it; a school from every locality is offered
    for locality, group in schools.groupby("locality"):
        pick = group.iloc[0]
        box.fill(str(pick["urn"]))
        assert (
            app.page.get_by_role("option")
            .first.inner_text()
            .startswith(f"{pick['name']} ({pick['urn']})")
        ), locality


def test_partnerships_in_different_localities_side_by_side(app: AppPage) -> None:
    chosen = ["Banbury North Partnership", "Chipping Norton Partnership"]
    app.open("compare_partnerships", {"partnership": chosen, "measure": "perm_excl_rate"})
    text = app.main_text()
    for phrase in (*chosen, "Banbury locality", "Witney locality", "England"):
        assert phrase in text, phrase
    assert app.chart_count() >= 2
    assert app.query_params().get("measure") == "perm_excl_rate"
    assert app.problems() == []
