"""Data packs page: the preview's sentences and tables against sums taken straight from the
warehouse Parquet, the two pack downloads, a suppressed cell, and the URL state."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from apptest_helpers import as_read, assert_no_exception, open_page

import packs

PAGE = "data_pack.py"
YEAR = 202223


def rate(warehouse: Path, table: str, numerator: str, denominator: str, where: str, params):
    """100 * sum(numerator) / sum(denominator) over the area's schools with both published."""
    sql = (
        f"SELECT 100 * sum(f.{numerator}) / sum(f.{denominator}) "  # noqa: S608 - test constants
        "FROM read_parquet(?) AS f JOIN read_parquet(?) AS y USING (time_period, urn) "
        f"WHERE {where} AND f.{numerator} IS NOT NULL AND f.{denominator} IS NOT NULL"
    )
    files = [str(warehouse / f"{table}.parquet"), str(warehouse / "school_year.parquet")]
    with duckdb.connect() as con:
        return con.execute(sql, files + list(params)).fetchone()[0]


@pytest.fixture(scope="module")
def partnership(demo_con) -> str:
    import queries

    frame = queries.list_partnerships(demo_con)
    return str(frame.sort_values(["n_schools", "partnership"]).iloc[-1]["partnership"])


@pytest.fixture
def page(app_warehouse, partnership):
    at = open_page(PAGE, {"level": "Partnership", "partnership": partnership, "year": str(YEAR)})
    assert_no_exception(at)
    return at


def markdown_text(at) -> str:
    return "\n".join(as_read(m.value) for m in at.markdown)


def table_with_row(at, first_cell: str):
    for frame in (d.value for d in at.dataframe):
        if first_cell in frame.iloc[:, 0].tolist():
            return frame
    raise AssertionError(f"no table with a row {first_cell!r}")


def test_widgets_take_the_url_values(page, partnership):
    assert page.radio(key="url-level").value == "Partnership"
    assert page.selectbox(key="url-partnership").value == partnership
    assert page.selectbox(key="url-year").value == YEAR


def test_sentences_state_the_numbers(page, demo_warehouse, partnership):
    area = rate(
        demo_warehouse,
        "pupils",
        "fsm_eligible",
        "headcount",
        "y.partnership = ? AND y.time_period = ?",
        [partnership, YEAR],
    )
    county = rate(
        demo_warehouse, "pupils", "fsm_eligible", "headcount", "y.time_period = ?", [YEAR]
    )
    text = markdown_text(page)
    direction = "above" if area > county else "below"
    assert (
        f"Free school meals eligibility in {partnership} was {area:.1f}% in 2022/23, "
        f"{direction} the county's {county:.1f}%"
    ) in text


def test_summary_table_shows_the_numbers(page, demo_warehouse, partnership):
    area = rate(
        demo_warehouse,
        "exclusions",
        "susp",
        "headcount",
        "y.partnership = ? AND y.time_period = ?",
        [partnership, YEAR],
    )
    county = rate(demo_warehouse, "exclusions", "susp", "headcount", "y.time_period = ?", [YEAR])
    frame = table_with_row(page, "Suspension rate")
    row = frame[frame["Measure"] == "Suspension rate"].iloc[0]
    assert row["Unit"] == "per 100 pupils"
    assert row[f"{partnership} 2022/23"] == f"{area:.2f}"
    assert row["County (Oxfordshire) 2022/23"] == f"{county:.2f}"


def test_sections_headings_and_definitions(page):
    headers = [h.value for h in page.header]
    assert headers == ["Download the pack", "Preview", "Notes"]
    subheaders = [h.value for h in page.subheader]
    assert subheaders == [spec.title for spec in packs.SECTIONS]
    expanders = [e.label for e in page.expander]
    assert len(expanders) == len(packs.SECTIONS)
    assert any(
        "Permanent exclusion rate" in m.value and "every 100 pupils" in m.value
        for m in page.markdown
    )


def test_pack_downloads_and_csv_beside_every_table(page, partnership):
    labels = [d.proto.label for d in page.get("download_button")]
    assert labels[:2] == [
        "Download as Excel (.xlsx)",
        "Download as a printable web page (.html)",
    ]
    assert labels.count("Download this table (CSV)") == len(page.dataframe)
    ids = [d.proto.id for d in page.get("download_button")]
    assert len(set(ids)) == len(ids)


def test_suppressed_value_shows_suppressed(app_warehouse, demo_con):
    row = demo_con.execute(
        "SELECT area, time_period, measure FROM area_measure_year "
        "WHERE level = 'Partnership' AND suppressed AND measure = 'perm_excl_rate' "
        "ORDER BY area, time_period DESC LIMIT 1"
    ).fetchone()
    assert row is not None
    area, tp, _ = row
    at = open_page(PAGE, {"level": "Partnership", "partnership": area, "year": str(tp)})
    assert_no_exception(at)
    frame = table_with_row(at, "Permanent exclusion rate")
    shown = frame[frame["Measure"] == "Permanent exclusion rate"].iloc[0]
    assert shown[f"{area} {tp // 100}/{tp % 100:02d}"] == "Suppressed"
    assert "is suppressed because the numbers are small" in markdown_text(at)


def test_changing_level_updates_the_url(page):
    page.radio(key="url-level").set_value("Locality").run()
    assert_no_exception(page)
    assert page.query_params["level"] == ["Locality"] or page.query_params["level"] == "Locality"
    locality = page.selectbox(key="url-locality").value
    assert page.query_params.get("locality", locality) in ([locality], locality)
    assert any(h.value == "Children and young people" for h in page.subheader)
    assert f"in {locality} was" in markdown_text(page) or f"in {locality} were" in markdown_text(
        page
    )
