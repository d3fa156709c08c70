"""Data packs (packs/): numbers, sentences, the Excel workbook, the HTML page and the CLI.

Expected numbers are summed independently from the demo warehouse's Parquet files with
DuckDB (numerators and denominators over the area's schools, as at the census of the
year), never read back from the query layer the packs use.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest

import packs
import queries
from packs.__main__ import main as cli_main
from packs.excel import CONTENTS_SHEET, DEFINITIONS_SHEET, NOTES_SHEET
from packs.model import DEMO_NOTICE, SUPPRESSED

PROJECT_DIR = Path(__file__).resolve().parents[1]
YEAR = 202324


# --------------------------------------------------------------------------- independent sums


def parquet_sums(
    warehouse: Path, table: str, numerator: str, denominator: str | None, where: str, params: list
) -> tuple[float, float | None]:
    """sum(numerator), sum(denominator) over schools with both known, straight from Parquet.

    ``where`` filters school_year (alias y), e.g. "y.partnership = ?"; test-owned SQL.
    """
    both = f" AND f.{denominator} IS NOT NULL" if denominator else ""
    den = f"sum(f.{denominator})" if denominator else "NULL"
    # The column names are this test's own constants, not user input; paths are bound.
    sql = (
        f"SELECT sum(f.{numerator}), {den} FROM read_parquet(?) AS f "  # noqa: S608
        "JOIN read_parquet(?) AS y USING (time_period, urn) "
        f"WHERE {where} AND f.{numerator} IS NOT NULL{both}"
    )
    files = [str(warehouse / f"{table}.parquet"), str(warehouse / "school_year.parquet")]
    with duckdb.connect() as con:
        num, den_value = con.execute(sql, files + params).fetchone()
    return float(num), (None if den_value is None else float(den_value))


def partnership_rate(warehouse, table, numerator, denominator, partnership, tp=YEAR) -> float:
    num, den = parquet_sums(
        warehouse,
        table,
        numerator,
        denominator,
        "y.partnership = ? AND y.time_period = ?",
        [partnership, tp],
    )
    return 100 * num / den


def county_rate(warehouse, table, numerator, denominator, tp=YEAR) -> float:
    num, den = parquet_sums(warehouse, table, numerator, denominator, "y.time_period = ?", [tp])
    return 100 * num / den


@pytest.fixture(scope="module")
def partnership(demo_con) -> str:
    """The largest partnership (no small-number suppression on its headline rates)."""
    frame = queries.list_partnerships(demo_con)
    return str(frame.sort_values(["n_schools", "partnership"]).iloc[-1]["partnership"])


@pytest.fixture(scope="module")
def pack(demo_con, demo_warehouse, partnership) -> packs.Pack:
    return packs.build_pack(
        demo_con,
        "Partnership",
        partnership,
        YEAR,
        build=queries.build_report(demo_warehouse),
    )


@pytest.fixture(scope="module")
def suppressed_case(demo_con) -> tuple[str, int, str]:
    """A (partnership, year, measure) whose value the query layer hides, for a pack measure."""
    measures = [m for spec in packs.SECTIONS for m in spec.measures]
    row = demo_con.execute(
        "SELECT area, time_period, measure FROM area_measure_year "
        "WHERE level = 'Partnership' AND suppressed AND measure = ANY($m) "
        "ORDER BY measure = 'perm_excl_rate' DESC, area, time_period DESC LIMIT 1",
        {"m": measures},
    ).fetchone()
    assert row is not None, "the demo data should hold at least one suppressed partnership figure"
    return str(row[0]), int(row[1]), str(row[2])


def internal_ids(catalogue) -> set[str]:
    """The catalogue's measure ids that are not plain words ('pupils' is also its unit)."""
    return {
        str(m)
        for m, label in zip(catalogue["measure"], catalogue["label"], strict=True)
        if str(m) not in str(label).lower().split()
    }


def figure(pack: packs.Pack, measure: str) -> packs.Figure:
    return next(f for s in pack.sections for f in s.figures if f.measure == measure)


# --------------------------------------------------------------------------- query layer additions


def test_area_measures_trend_matches_parquet_sums(demo_con, demo_warehouse, partnership):
    trend = queries.area_measures_trend(demo_con, "Partnership", partnership)
    fsm = trend[
        (trend["measure"] == "fsm_percent")
        & (trend["time_period"] == YEAR)
        & ~trend["is_reference"]
    ].iloc[0]
    expected = partnership_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount", partnership)
    assert fsm["value"] == pytest.approx(expected)
    county = trend[
        (trend["measure"] == "fsm_percent")
        & (trend["time_period"] == YEAR)
        & (trend["level"] == "County")
    ].iloc[0]
    assert county["value"] == pytest.approx(
        county_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount")
    )
    # Every year, every catalogue measure, for the area and both references.
    assert set(trend["level"]) == {"Partnership", "County", "National"}
    catalogue = set(queries.list_measures(demo_con)["measure"])
    assert set(trend.loc[~trend["is_reference"], "measure"]) == catalogue


def test_area_measures_trend_rejects_school_level(demo_con):
    with pytest.raises(ValueError, match="level must be one of"):
        queries.area_measures_trend(demo_con, "School", "123456")


def test_council_settings_are_the_config_thresholds(demo_con):
    settings = queries.council_settings(demo_con)
    config = queries.load_config()
    assert settings["min_count"] == config["suppression"]["min_count"]
    assert settings["min_denominator"] == config["suppression"]["min_denominator"]
    assert settings["council_name"] == config["council"]["name"]


# --------------------------------------------------------------------------- the pack's numbers


def test_sections_mirror_the_banbury_data_set(pack):
    assert [s.title for s in pack.sections] == [
        "Children and young people",
        "Attendance",
        "Exclusions and suspensions",
        "Attainment",
        "Special educational needs",
        "High needs funding",
    ]
    assert pack.year == "2023/24" and pack.time_period == YEAR
    assert pack.demo is True


@pytest.mark.parametrize(
    ("measure", "table", "numerator", "denominator"),
    [
        ("fsm_percent", "pupils", "fsm_eligible", "headcount"),
        ("overall_absence_rate", "absence", "sess_overall", "sess_possible"),
        ("susp_rate", "exclusions", "susp", "headcount"),
        ("ehc_plan_percent", "sen", "ehc_plan", "total_pupils"),
    ],
)
def test_figures_equal_independent_sums(
    pack, demo_warehouse, partnership, measure, table, numerator, denominator
):
    f = figure(pack, measure)
    expected = partnership_rate(demo_warehouse, table, numerator, denominator, partnership)
    expected_county = county_rate(demo_warehouse, table, numerator, denominator)
    assert not f.suppressed
    assert f.value == pytest.approx(expected)
    assert f.comparator_value == pytest.approx(expected_county)
    assert f.difference == pytest.approx(expected - expected_county)
    # Trend: one point per year up to the pack's year, the last being this year's value.
    assert f.trend[-1].time_period == YEAR and f.trend[-1].value == pytest.approx(expected)
    assert [p.time_period for p in f.trend] == sorted(p.time_period for p in f.trend)


def test_count_figure_gives_share_of_county(pack, demo_warehouse, partnership):
    f = figure(pack, "pupils")
    num, _ = parquet_sums(
        demo_warehouse,
        "pupils",
        "headcount",
        None,
        "y.partnership = ? AND y.time_period = ?",
        [partnership, YEAR],
    )
    county, _ = parquet_sums(
        demo_warehouse, "pupils", "headcount", None, "y.time_period = ?", [YEAR]
    )
    assert f.value == num
    assert f.share_of_comparator == pytest.approx(100 * num / county)
    assert f.sentence == (
        f"Pupils on roll in {partnership} were {num:,.0f} in 2023/24. "
        f"That is {100 * num / county:.1f}% of the county total of {county:,.0f}."
    )


def test_rate_sentence_states_the_numbers_and_direction(pack, demo_warehouse, partnership):
    area = partnership_rate(demo_warehouse, "exclusions", "susp", "headcount", partnership)
    county = county_rate(demo_warehouse, "exclusions", "susp", "headcount")
    sentence = figure(pack, "susp_rate").sentence
    assert sentence.startswith(
        f"Suspension rate in {partnership} was {area:.2f} per 100 pupils in 2023/24, "
    )
    # Independent check of the verdict: Poisson z-score of the area's suspensions against
    # the number expected at the county rate; clear cases must get the clear verdict.
    num, den = parquet_sums(
        demo_warehouse,
        "exclusions",
        "susp",
        "headcount",
        "y.partnership = ? AND y.time_period = ?",
        [partnership, YEAR],
    )
    expected_events = county / 100 * den
    z = (num - expected_events) / expected_events**0.5
    word = "above" if area > county else "below"
    if abs(z) > 2.5:
        judged = "(worse than)" if area > county else "(better than)"
        assert f"{word} {judged} the county's {county:.2f}" in sentence
        assert sentence.endswith("a statistically significant difference.")
    elif abs(z) < 1.5:
        assert f"{word} the county's {county:.2f}" in sentence
        assert sentence.endswith("a difference within what chance alone could produce.")
    else:
        assert f"the county's {county:.2f}" in sentence


def test_percentage_sentence_and_trend_sentence(pack, demo_warehouse, partnership):
    area = partnership_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount", partnership)
    county = county_rate(demo_warehouse, "pupils", "fsm_eligible", "headcount")
    f = figure(pack, "fsm_percent")
    direction = "above" if area > county else "below"  # neutral measure: no better/worse
    assert f.sentence.startswith(
        f"Free school meals eligibility in {partnership} was {area:.1f}% in 2023/24, "
        f"{direction} the county's {county:.1f}%"
    )
    first = min(p.time_period for p in f.trend)
    assert f"from {queries.period_label(first)} to 2023/24" in f.trend_sentence
    # sentences are listed comparison first, then the trend, measure by measure
    section = pack.sections[0]
    index = section.sentences.index(f.sentence)
    assert section.sentences[index + 1] == f.trend_sentence


def test_suppressed_figure_says_suppressed(demo_con, demo_warehouse, suppressed_case):
    area, tp, measure = suppressed_case
    pack = packs.build_pack(demo_con, "Partnership", area, tp)
    f = figure(pack, measure)
    assert f.suppressed and f.value is None and f.difference is None
    assert "suppressed because the numbers are small" in f.sentence
    section = next(s for s in pack.sections if f in s.figures)
    summary = section.tables[0]
    row = next(r for r in summary.rows if r[0] == f.label)
    assert row[2] == SUPPRESSED


def test_no_small_count_reaches_a_pack(demo_con, suppressed_case):
    """Every count shown is 0 or at least min_count (3), in every table of the pack."""
    pack = packs.build_pack(demo_con, "Partnership", suppressed_case[0], suppressed_case[1])
    count_units = {"pupils", "exclusions", "suspensions", "places"}
    checked = 0
    for section in pack.sections:
        for table in section.tables:
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row):
                    unit = table.cell_unit(r, c)
                    if unit in count_units and isinstance(cell, int | float):
                        assert cell == 0 or cell >= pack.min_count, (table.key, row)
                        checked += 1
    assert checked > 50


def test_locality_and_county_packs(demo_con, demo_warehouse):
    locality = packs.build_pack(demo_con, "Locality", "Banbury", YEAR)
    num, den = parquet_sums(
        demo_warehouse,
        "exclusions",
        "perm_excl",
        "headcount",
        "y.locality = ? AND y.time_period = ?",
        ["Banbury", YEAR],
    )
    assert figure(locality, "perm_excl_rate").value == pytest.approx(100 * num / den)
    funding = next(t for t in locality.sections[-1].tables if t.key == "funding_share")
    expected = queries.list_partnerships(demo_con, "Banbury")["partnership"]
    assert sorted(r[0] for r in funding.rows) == sorted(expected)

    county = packs.build_pack(demo_con, "County", "ignored", YEAR)
    assert county.area == "Oxfordshire" and county.comparator_name == "England"
    assert figure(county, "perm_excl_rate").value == pytest.approx(
        county_rate(demo_warehouse, "exclusions", "perm_excl", "headcount")
    )


def test_unknown_area_year_and_level_are_plain_errors(demo_con):
    with pytest.raises(ValueError, match="No partnership called"):
        packs.build_pack(demo_con, "Partnership", "Nowhere Partnership", YEAR)
    with pytest.raises(ValueError, match="No data for 2030/31"):
        packs.build_pack(demo_con, "Locality", "Banbury", 203031)
    with pytest.raises(ValueError, match="level must be one of"):
        packs.build_pack(demo_con, "School", "Banbury", YEAR)


def test_default_year_is_the_latest(demo_con):
    pack = packs.build_pack(demo_con, "Locality", "Banbury")
    assert pack.time_period == int(queries.list_years(demo_con)["time_period"].max())


# --------------------------------------------------------------------------- Excel


@pytest.fixture(scope="module")
def workbook(pack, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "pack.xlsx"
    packs.write_excel(pack, path)
    return openpyxl.load_workbook(path)


def find_row(sheet, first_cell: str, start: int = 1) -> tuple:
    for row in sheet.iter_rows(min_row=start, values_only=True):
        if row[0] == first_cell:
            return row
    raise AssertionError(f"no row starting {first_cell!r} in {sheet.title}")


def test_workbook_sheets(workbook, pack):
    names = workbook.sheetnames
    assert names[0] == CONTENTS_SHEET and names[-2:] == [DEFINITIONS_SHEET, NOTES_SHEET]
    assert len(names) == len(pack.sections) + 3
    assert names[3].startswith("3. Exclusions")
    contents = workbook[CONTENTS_SHEET]
    assert contents["A1"].value == pack.title
    assert any(c.value == DEMO_NOTICE for row in contents.iter_rows() for c in row)


def test_workbook_numbers_equal_the_query_layer(workbook, demo_con, partnership):
    sheet = next(workbook[n] for n in workbook.sheetnames if n.startswith("3. Exclusions"))
    header = find_row(sheet, "Measure")
    assert header[2] == f"{partnership} 2023/24" and header[1] == "Unit"
    # the partnership beside its locality, the county and England, as its page shows them
    page = queries.partnership_vs_locality(demo_con, partnership, YEAR).set_index("measure")
    locality = page["locality"].iloc[0]
    assert header[3:6] == (
        f"{locality} locality 2023/24",
        "County (Oxfordshire) 2023/24",
        "England 2023/24",
    )
    for measure, label in [("susp_rate", "Suspension rate"), ("susp", "Suspensions")]:
        row = find_row(sheet, label)
        assert isinstance(row[2], int | float)  # a number, not text
        assert row[2] == pytest.approx(page.at[measure, "value"])
        assert row[3] == pytest.approx(page.at[measure, "locality_value"])
        assert row[4] == pytest.approx(page.at[measure, "county_value"])
        assert row[5] == pytest.approx(page.at[measure, "national_value"])
    # The trend table: one row per measure, the years as columns, oldest first.
    years_row = next(r for r in sheet.iter_rows(values_only=True) if r[2] == "2017/18")
    years = [c for c in years_row[2:] if isinstance(c, str)]
    assert years == sorted(years) and years[-1] == "2023/24" and len(years) >= 5
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == "Suspension rate"]
    assert len(rows) == 2  # this year's table and the trend table
    trend = queries.area_measure_trend(demo_con, "Partnership", partnership, "susp_rate")
    own = trend[trend["level"] == "Partnership"].set_index("year")["value"]
    for year, cell in zip(years, rows[1][2:], strict=False):
        assert cell == pytest.approx(own[year])


def test_workbook_cells_have_number_formats(workbook):
    sheet = next(workbook[n] for n in workbook.sheetnames if n.startswith("3. Exclusions"))
    for row in sheet.iter_rows():
        if row[0].value == "Suspension rate":
            assert row[2].number_format == "0.00"
            break
    funding = next(workbook[n] for n in workbook.sheetnames if n.startswith("6. High"))
    for row in funding.iter_rows():
        if row[0].value == "High needs top-up funding":
            assert row[2].number_format == "£#,##0"
            break


def test_workbook_suppressed_cell_reads_suppressed(demo_con, suppressed_case, tmp_path):
    area, tp, measure = suppressed_case
    pack = packs.build_pack(demo_con, "Partnership", area, tp)
    label = figure(pack, measure).label
    path = tmp_path / "suppressed.xlsx"
    packs.write_excel(pack, path)
    book = openpyxl.load_workbook(path)
    # The summary table comes before the trend table, so the first row is this year's.
    first = next(
        row
        for name in book.sheetnames[1:-2]
        for row in book[name].iter_rows(values_only=True)
        if row[0] == label
    )
    assert first[2] == SUPPRESSED


def test_definitions_sheet_is_the_whole_catalogue(workbook, demo_con):
    catalogue = queries.list_measures(demo_con)
    sheet = workbook[DEFINITIONS_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r[0] == "Measure")
    body = [r for r in rows[header_index + 1 :] if r[0]]
    assert [r[0] for r in body] == catalogue["label"].tolist()
    ids = internal_ids(catalogue)
    for row, (_, measure) in zip(body, catalogue.iterrows(), strict=True):
        assert row[1] == measure["unit"]
        assert row[2].startswith(measure["definition"]) and len(row[2]) > 20
        assert row[2].endswith("better.")  # how to read it, in words
        assert row[5] == measure["source"]
        assert not ids & set(row)  # names, never internal ids


def test_notes_sheet_has_rules_build_and_demo_notice(workbook, pack):
    text = " ".join(
        str(c.value) for row in workbook[NOTES_SHEET].iter_rows() for c in row if c.value
    )
    assert DEMO_NOTICE in text
    assert f"Data build: {pack.build_id}" in text and pack.build_id != "unknown"
    assert "fewer than 10 pupils" in text and "a count of 1 to 2" in text
    assert '"Suppressed"' in text


def test_workbook_text_cannot_run_as_a_formula(pack, tmp_path):
    hostile = dataclasses.replace(pack, area='=HYPERLINK("http://x","y")')
    path = tmp_path / "hostile.xlsx"
    packs.write_excel(hostile, path)
    book = openpyxl.load_workbook(path)
    cells = [c for name in book.sheetnames for row in book[name].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells if c.value)


# --------------------------------------------------------------------------- HTML


class _Outline(HTMLParser):
    """Collects what the accessibility and self-containment tests look at."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[tuple[int, str]] = []
        self.captions: list[str] = []
        self.cells: list[list[str]] = []
        self.text: list[str] = []
        self._open: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in {"h1", "h2", "h3", "h4", "caption", "th", "td"}:
            self._open, self._buffer = tag, []
        if tag == "tr":
            self.cells.append([])

    def handle_endtag(self, tag):
        if tag == self._open:
            text = "".join(self._buffer).strip()
            if tag.startswith("h"):
                self.headings.append((int(tag[1]), text))
            elif tag == "caption":
                self.captions.append(text)
            else:
                self.cells[-1].append(text)
            self._open = None

    def handle_data(self, data):
        self.text.append(data)
        if self._open:
            self._buffer.append(data)


@pytest.fixture(scope="module")
def html_outline(pack) -> tuple[str, _Outline]:
    document = packs.render_html(pack)
    outline = _Outline()
    outline.feed(document)
    return document, outline


def test_html_is_self_contained(html_outline):
    document, outline = html_outline
    tags = {tag for tag, _ in outline.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags
    for _, attributes in outline.tags:
        for name in ("src", "href"):
            value = attributes.get(name)
            assert value is None or value.startswith("#"), value
    assert "@media print" in document and "break-before: page" in document


def test_html_headings_tables_and_scope(html_outline, pack):
    _, outline = html_outline
    levels = [level for level, _ in outline.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))  # no skipped level
    h2 = [text for level, text in outline.headings if level == 2]
    assert h2 == [
        "Summary: what stands out",
        "Contents",
        *(s.title for s in pack.sections),
        "Definitions",
        "Notes",
    ]
    tables = [a for t, a in outline.tags if t == "table"]
    assert len(outline.captions) == len(tables) > len(pack.sections)
    ths = [a for t, a in outline.tags if t == "th"]
    assert ths and all(a.get("scope") in {"col", "row"} for a in ths)
    svgs = [a for t, a in outline.tags if t == "svg" and not a.get("aria-hidden")]
    assert svgs and all(a.get("role") == "img" and a.get("aria-label") for a in svgs)


def test_html_shows_the_sentences_and_numbers(html_outline, pack, demo_warehouse, partnership):
    _, outline = html_outline
    text = "".join(outline.text)
    for section in pack.sections:
        for sentence in section.sentences:
            assert sentence in text
    expected = partnership_rate(demo_warehouse, "exclusions", "susp", "headcount", partnership)
    row = next(r for r in outline.cells if r and r[0] == "Suspension rate")
    assert row[1] == "per 100 pupils" and row[2] == f"{expected:.2f}"
    assert DEMO_NOTICE in text


def test_html_suppressed_cell(demo_con, suppressed_case):
    area, tp, measure = suppressed_case
    pack = packs.build_pack(demo_con, "Partnership", area, tp)
    outline = _Outline()
    outline.feed(packs.render_html(pack))
    label = figure(pack, measure).label
    row = next(r for r in outline.cells if r and r[0] == label)
    assert row[2] == SUPPRESSED


def test_html_escapes_names(pack):
    hostile = dataclasses.replace(pack, area="<script>alert(1)</script>")
    document = packs.render_html(hostile)
    assert "<script>" not in document and "&lt;script&gt;" in document


# --------------------------------------------------------------------------- CLI


def test_cli_writes_one_pack_per_partnership(demo_warehouse, tmp_path):
    stream = io.StringIO()
    status = cli_main(
        [
            "--level",
            "Partnership",
            "--all",
            "--year",
            "202324",
            "--out",
            str(tmp_path),
            "--warehouse",
            str(demo_warehouse),
        ],
        stream=stream,
    )
    assert status == 0, stream.getvalue()
    with duckdb.connect() as con:
        (expected,) = con.execute(
            "SELECT count(DISTINCT partnership) FROM read_parquet(?) "
            "WHERE time_period = 202324 AND partnership IS NOT NULL",
            [str(demo_warehouse / "school_year.parquet")],
        ).fetchone()
    assert expected > 20
    assert len(list(tmp_path.glob("*.xlsx"))) == expected
    assert len(list(tmp_path.glob("*.html"))) == expected
    output = stream.getvalue()
    assert f"{expected}/{expected}" in output and "[#" in output
    assert f"Wrote {2 * expected} files" in output


def test_cli_one_area_one_format(demo_warehouse, tmp_path):
    stream = io.StringIO()
    args = ["--level", "Locality", "--area", "Banbury", "--format", "html"]
    args += ["--out", str(tmp_path), "--warehouse", str(demo_warehouse)]
    assert cli_main(args, stream=stream) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["banbury-data-pack-2023-24.html"]


def test_cli_error_is_one_plain_line(demo_warehouse, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "packs", "--level", "Locality", "--area", "Nowhere"]
        + ["--out", str(tmp_path), "--warehouse", str(demo_warehouse)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "error: No locality called 'Nowhere'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


def test_progress_bar():
    assert packs.__main__.progress_bar(0, 4, "A", width=8) == "[--------] 0/4  A"
    assert packs.__main__.progress_bar(2, 4, "B", width=8) == "[####----] 2/4  B"
    assert packs.__main__.progress_bar(4, 4, "done", width=8) == "[########] 4/4  done"


def test_chart_has_axes_and_a_text_alternative_as_displayed(pack, partnership):
    from packs.html import axis_value, trend_chart

    f = figure(pack, "susp_rate")
    svg = trend_chart(f, pack.comparator_names, area=pack.area)
    label = svg.split('aria-label="', 1)[1].split('"', 1)[0]
    assert label.startswith("Suspension rate by year (per 100 pupils), axis from ")
    for point in f.trend:
        shown = SUPPRESSED if point.suppressed else f"{point.value:.2f}"
        assert f"{point.year}: {partnership} {shown}" in label
    county = f.trend[-1].references[1]
    assert f"County (Oxfordshire) {county:.2f}" in label and "England " in label
    assert f"{pack.locality} locality " in label
    # the y-axis's two labelled values hold every value drawn; the x-axis names the years
    texts = [t.split(">", 1)[1].split("<", 1)[0] for t in svg.split("<text")[1:]]
    assert texts[2:] == [f.trend[0].year, f.trend[-1].year]
    assert all(t.endswith(" per 100") for t in texts[:2])
    top, bottom = (float(t.split()[0]) for t in texts[:2])
    drawn = [p.value for p in f.trend if p.value is not None]
    drawn += [c for p in f.trend for c in p.references if isinstance(c, float)]
    assert bottom <= min(drawn) and max(drawn) <= top
    assert axis_value(7.26, "% of pupils") == "7.3%"
    # counts get no chart (a county total would flatten the area's)
    assert trend_chart(figure(pack, "susp"), pack.comparator_names) == ""


def test_an_estimate_shows_its_range_never_a_bare_number():
    from packs.html import display
    from packs.model import Estimate

    assert display(Estimate(0.18, 0.15, 0.21), "per 100 pupils") == "≈ 0.18 (0.15 to 0.21)"
    assert display(Estimate(23.0, 21.0, None), "pupils") == "≈ 23 (at least 21)"
    assert display(None, "pupils") == "No data" and display(SUPPRESSED, "pupils") == SUPPRESSED


def test_html_names_no_internal_measure_id(html_outline, demo_con):
    _, outline = html_outline
    text = " ".join(outline.text)
    ids = internal_ids(queries.list_measures(demo_con))
    assert "authorised_absence_rate" in ids and "pupils" not in ids
    for measure in ids:
        assert not re.search(rf"(?<![\w-]){re.escape(measure)}(?![\w-])", text), measure


def test_slugs_of_names_alike_as_file_names_are_unique():
    from packs.model import MAX_SLUG, slug, unique_slugs

    names = ["Oxford North", "Oxford-North", "oxford north!", "Banbury", "!!!", "???"]
    slugs = unique_slugs(names)
    assert len(set(slugs.values())) == len(names)
    assert slugs["Banbury"] == "banbury"  # a name that collides with none keeps its slug
    assert all(slugs[n].startswith("oxford-north-") for n in names[:3])
    assert slugs == unique_slugs(list(reversed(names)))  # not order-dependent
    long = slug("A" * 10_000)
    assert len(long) <= MAX_SLUG + 9 and long != slug("A" * 9_999)


def test_cli_packs_for_colliding_names_do_not_overwrite(etl_raw_dir, etl_data_dir, tmp_path):
    """Partnerships whose names reduce to the same file name each get their own files:
    as many files per format as packs."""
    from etl_raw_files import MEMBERSHIP_ROWS, write_membership

    from etl import warehouse_path
    from queries.prepare import build_warehouse

    rows = [list(row) for row in MEMBERSHIP_ROWS]
    rows[3][2] = "Oxford-North"  # Gamma from 15/01/2023 (was Oxford South)
    rows[4][2] = "oxford north!"  # Delta, Banbury
    write_membership(etl_raw_dir, rows)
    build_warehouse(data_dir=etl_data_dir, progress=lambda _m: None)
    warehouse = warehouse_path(etl_data_dir)
    stream = io.StringIO()
    args = ["--level", "Partnership", "--all", "--year", "202223", "--format", "excel", "html"]
    status = cli_main([*args, "--out", str(tmp_path), "--warehouse", str(warehouse)], stream)
    assert status == 0, stream.getvalue()
    names = {"Oxford North", "Oxford-North", "oxford north!"}
    with duckdb.connect() as con:
        listed = {
            row[0]
            for row in con.execute(
                "SELECT DISTINCT partnership FROM read_parquet(?) "
                "WHERE time_period = 202223 AND partnership IS NOT NULL",
                [str(warehouse / "school_year.parquet")],
            ).fetchall()
        }
    assert names <= listed
    assert len(list(tmp_path.glob("*.xlsx"))) == len(listed)
    assert len(list(tmp_path.glob("*.html"))) == len(listed)
    assert f"Wrote {2 * len(listed)} files" in stream.getvalue()


def test_the_html_pack_is_a_template_that_escapes_every_name(pack):
    """packs/templates/pack.html.j2 is rendered with autoescaping: an area, a comparator
    or a section named like markup is shown as text, never run or fetched."""
    import dataclasses

    from packs.html import render_html

    payload = '<img src="http://example.invalid/x.png" onerror="alert(1)">'
    hostile = dataclasses.replace(
        pack,
        area=f"North {payload}",
        sections=tuple(dataclasses.replace(s, title=f"{s.title} {payload}") for s in pack.sections),
    )
    html = render_html(hostile)
    assert "<img" not in html and 'example.invalid/x.png"' not in html
    assert "&lt;img src=&#34;http://example.invalid/x.png&#34;" in html
    assert html.count("&lt;img") >= 2 * len(pack.sections) + 2  # title, h1, contents, h2s
