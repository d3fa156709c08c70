"""Compare partnerships: partnerships from different localities side by side, their figures
read against sums from the Parquet files, and the choice kept in the address."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import assert_no_exception, open_page
from parquet_sums import area_rate, latest_year

from explorer.formatting import format_value

CHOSEN = ["Banbury North Partnership", "Chipping Norton Partnership"]  # Banbury and Witney


@pytest.fixture(scope="module")
def page(demo_warehouse: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        yield open_page("compare_partnerships.py", {"partnership": CHOSEN, "measure": "susp_rate"})


def test_without_two_partnerships_the_page_says_what_to_do(demo_warehouse: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
        at = open_page("compare_partnerships.py", {"partnership": CHOSEN[:1]})
    assert_no_exception(at)
    assert "Choose two or more partnerships" in at.info[0].value
    assert not at.get("vega_lite_chart")


def test_partnerships_beside_their_localities_the_county_and_england(page, demo_warehouse):
    assert_no_exception(page)
    assert page.multiselect(key="url-partnership").value == CHOSEN
    table = page.dataframe[0].value.set_index("shown_as")
    assert set(table.index) == {*CHOSEN, "Banbury locality", "Witney locality", "County", "England"}
    year = latest_year(demo_warehouse)
    compared = 0
    for name in CHOSEN:
        row = table.loc[name]
        if row["figure"] in ("Suppressed",) or str(row["figure"]).startswith("≈"):
            continue
        compared += 1
        expected = area_rate(
            demo_warehouse, "exclusions", "susp", "headcount", year, level="partnership", area=name
        )
        assert row["figure"] == format_value(expected, "per 100 pupils"), name
    assert compared, table  # the demo holds a published figure for at least one of them
    assert len(page.get("vega_lite_chart")) == 2  # this year ranked, and over the years


def test_a_change_is_written_to_the_address(page) -> None:
    page.multiselect(key="url-partnership").select("Bicester Town Partnership").run()
    assert_no_exception(page)
    assert page.query_params["partnership"] == [*CHOSEN, "Bicester Town Partnership"]
    assert "Bicester locality" in page.dataframe[0].value["shown_as"].tolist()
