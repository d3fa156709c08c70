"""The county data pack's one-page SEND board: the same rows as the SEND board page (one
set of rules, analysis.send_board), the council's targets from the settings the connection
was opened with, in the HTML, the workbook and on one printed page; other packs have none."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from apptest_helpers import assert_no_exception, open_page

import packs
import queries
from contract import catalogue, settings
from packs.html import render_html
from packs.model import BOARD_COLUMNS

YEAR = None  # the latest year


@pytest.fixture(scope="module")
def county(demo_con) -> packs.Pack:
    return packs.build_pack(demo_con, "County", "ignored", YEAR)


def _board_rows(pack: packs.Pack) -> dict[str, dict[str, str]]:
    table = pack.board.table
    headers = [c.header for c in table.columns]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in table.rows}


def test_the_county_pack_has_the_board_and_the_others_do_not(demo_con, county) -> None:
    assert county.board is not None
    rows = _board_rows(county)
    assert list(rows) == [m.heading for m in catalogue.board()]
    assert [c.header for c in county.board.table.columns] == [
        "Oxfordshire" if c == "Council" else c for c in BOARD_COLUMNS
    ]
    partnership = queries.list_partnerships(demo_con)["partnership"].iloc[0]
    assert packs.build_pack(demo_con, "Partnership", partnership, YEAR).board is None
    assert packs.build_pack(demo_con, "Locality", "Banbury", YEAR).board is None


def test_the_board_figures_are_the_demo_files(county, demo_warehouse: Path) -> None:
    """Oxfordshire's latest 20-week rate (excluding exceptions) and England's, from the demo's
    raw timeliness file read with the csv module, not through the warehouse."""
    path = demo_warehouse.parents[1] / "raw" / "demo" / "timeliness_20_week.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        found = [r for r in csv.DictReader(handle) if r["breakdown"] == "All EHC plans"]
    latest = max(int(r["time_period"]) for r in found)
    oxon, england = (
        next(r for r in found if int(r["time_period"]) == latest and test(r))
        for test in (lambda r: r["old_la_code"] == "931",
                     lambda r: r["geographic_level"] == "National")
    )  # fmt: skip
    measure = catalogue.measure("ehc_20_weeks_ex_pct")

    def rate(r: dict[str, str]) -> str:
        value = 100 * int(r["plans_issued_20_weeks_ex"]) / int(r["plans_issued_den_ex"])
        return measure.fmt.text(value, measure.unit)

    row = _board_rows(county)[catalogue.measure("ehc_20_weeks_ex_pct").heading]
    assert row["Year"] == str(latest)
    assert (row["Oxfordshire"], row["England"]) == (rate(oxon), rate(england))
    assert row["Against target"] in {"Green", "Amber", "Red"}  # the shipped example target


def test_the_pack_says_what_the_board_page_says(county, app_warehouse) -> None:
    at = open_page("send_board.py")
    assert_no_exception(at)
    page = at.dataframe[0].value
    page = page.rename(columns={"Council": "Oxfordshire"})
    shown = [c if c != "Council" else "Oxfordshire" for c in BOARD_COLUMNS]
    assert [tuple(r) for r in page[shown].itertuples(index=False)] == list(county.board.table.rows)
    covers = next(m.value for m in at.markdown if m.value.startswith("**Oxfordshire, "))
    assert covers == f"**{county.board.covers}** {county.board.counts}"


def test_the_targets_come_from_the_settings_the_build_recorded(demo_warehouse, tmp_path) -> None:
    """A council's own target, recorded with the build, is what the pack rates against."""
    copy = tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, copy)
    recorded = copy / settings.BUILD_SETTINGS
    document = json.loads(recorded.read_text(encoding="utf-8"))
    document["send_board"] = {
        "targets": {"ehc_mainstream_pct": {"target": 99.0, "by": 2030, "from": 2019}}
    }
    recorded.write_text(json.dumps(document), encoding="utf-8")
    con = queries.connect(copy)
    try:
        assert queries.send_board_settings(con).target_for("ehc_mainstream_pct").target == 99.0
        pack = packs.build_pack(con, "County", "ignored", YEAR)
    finally:
        con.close()
    rows = _board_rows(pack)
    mainstream = rows[catalogue.measure("ehc_mainstream_pct").heading]
    assert "99.0% by 2030" in mainstream["Target"]
    assert mainstream["Against target"] in {"Amber", "Red"}  # far behind a line to 99%
    # the example targets went with the recorded settings
    assert rows[catalogue.measure("ehc_20_weeks_ex_pct").heading]["Target"] == "No target set"


def test_the_board_is_in_the_html_and_the_workbook(county, tmp_path) -> None:
    html = render_html(county)
    section = html[
        html.index('id="send-board"') : html.index("</section>", html.index('id="send-board"'))
    ]
    assert section.count("<tr>") == 1 + len(catalogue.board())  # header + a row each
    assert county.board.covers in section and '<a href="#send-board">' in html
    book = openpyxl.load_workbook(io.BytesIO(packs.write_excel(county)), read_only=True)
    assert "SEND board" in book.sheetnames
    cells = [c for row in book["SEND board"].iter_rows(values_only=True) for c in row if c]
    for heading in (m.heading for m in catalogue.board()):
        assert heading in cells


def test_a_build_without_sen2_has_no_board(tmp_path) -> None:
    """No SEN2 file in the raw folder: the county pack has no board, and no error."""
    from etl_raw_files import CONFIG_TOML, write_minimal_raw

    from etl import warehouse_path
    from queries.prepare import build_warehouse

    data = tmp_path / "data"
    write_minimal_raw(data / "raw")
    (data / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    build_warehouse(data_dir=data)
    con = queries.connect(warehouse_path(data))
    try:
        pack = packs.build_pack(con, "County", "ignored")
    finally:
        con.close()
    assert pack.board is None
    assert 'id="send-board"' not in render_html(pack)


def test_the_board_on_one_page_for_the_meeting(demo_con, county, tmp_path) -> None:
    """The SEND board page's download: the county pack's board section on its own, one h1,
    every KPI, the demo notice, and (with Chromium) exactly one printed A4 page."""
    summary = packs.build_board_summary(demo_con, build={"build_id": "b1", "mode": "demo"})
    assert summary.board == county.board  # the same rows, columns and words
    html = packs.render_board_html(summary)
    assert html.count("<h1>") == 1 and "Oxfordshire SEND board" in html
    assert html.count("<tr>") == 1 + len(catalogue.board())
    assert "Demo data" in html and "b1" in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    if not packs.pdf_available():
        pytest.skip("Chromium is not installed: the PDF is not made here")
    pdf = packs.write_board_pdf(summary, tmp_path / "board.pdf")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1


def test_the_board_page_offers_the_one_page_board(app_warehouse) -> None:
    at = open_page("send_board.py")
    assert_no_exception(at)
    labels = [b.label for b in at.get("download_button")]
    assert "Download the board on one page (.html)" in labels
    assert any(b.label == "Make a PDF of the board (A4)" for b in at.button) or not (
        packs.pdf_available()
    )
