"""Data and definitions page (AppTest on the demo warehouse): the catalogue and its year
coverage against the Parquet, thresholds read from the settings, the build report and its
reconciliation check, rejects, and downloads limited to the public tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from apptest_helpers import as_read, assert_no_exception, open_page

import queries

PAGE = "data_and_definitions.py"
PROJECT_DIR = Path(__file__).resolve().parents[1]


def label(time_period: int) -> str:
    return f"{time_period // 100}/{time_period % 100:02d}"


def years_in(warehouse: Path, table: str) -> str:
    """The years a fact table holds for schools the council has (in school_year)."""
    facts = pd.read_parquet(warehouse / f"{table}.parquet", columns=["time_period", "urn"])
    school_year = pd.read_parquet(warehouse / "school_year.parquet", columns=["time_period", "urn"])
    periods = sorted(facts.merge(school_year)["time_period"].unique())
    return ", ".join(label(int(tp)) for tp in periods)


def page_text(at) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.success, *at.info])


def test_catalogue_with_years_and_lookup(app_warehouse):
    at = open_page(PAGE, {"measure": "ks2_rwm_expected_percent"})
    assert_no_exception(at)
    catalogue = at.dataframe[0].value
    expected = pd.read_csv(PROJECT_DIR / "contract" / "measures.csv", dtype=str)
    assert catalogue["measure"].tolist() == expected["measure"].tolist()
    assert catalogue["definition"].tolist() == expected["definition"].tolist()
    by_measure = catalogue.set_index("measure")
    ks2_years = years_in(app_warehouse, "ks2")
    assert by_measure.loc["ks2_rwm_expected_percent", "years"] == ks2_years
    assert ks2_years.count("/") < by_measure.loc["pupils", "years"].count("/")  # fewer years
    assert by_measure.loc["susp_rate", "years"] == years_in(app_warehouse, "exclusions")
    assert by_measure.loc["topup_amount", "years"] == years_in(app_warehouse, "topups")
    assert pd.isna(by_measure.loc["topup_amount", "england_years"])  # council data only

    # the looked-up measure (from the URL) is spelled out with its years
    assert at.selectbox(key="url-measure").value == "ks2_rwm_expected_percent"
    ks2 = expected.set_index("measure").loc["ks2_rwm_expected_percent"]
    text = page_text(at)
    assert str(ks2["definition"]) in text
    assert f"Years for the council's schools:** {ks2_years}" in text
    assert "100 × total pupils meeting the expected standard" in text
    at.selectbox(key="url-measure").set_value("perm_excl_rate").run()
    assert at.query_params["measure"] in ("perm_excl_rate", ["perm_excl_rate"])
    assert len(at.get("download_button")) >= 4


@pytest.fixture
def strict_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Council settings with other thresholds (min_count 5, min_denominator 20), and fresh
    caches so the app opens its connection with them."""
    config = tmp_path / "config.toml"
    text = (PROJECT_DIR / "data" / "config.toml").read_text(encoding="utf-8")
    text = text.replace("min_count = 3", "min_count = 5").replace(
        "min_denominator = 10", "min_denominator = 20"
    )
    assert "min_count = 5" in text and "min_denominator = 20" in text
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("LOCALITY_EXPLORER_CONFIG", str(config))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield config
    st.cache_resource.clear()
    st.cache_data.clear()


def test_thresholds_come_from_the_settings(app_warehouse, strict_settings):
    at = open_page(PAGE)
    assert_no_exception(at)
    text = page_text(at)
    assert "a **count** of 1 to 4 is suppressed" in text
    assert "based on fewer than 20 pupils" in text
    assert "a smallest count of 5 and a smallest base of 20" in text
    assert "1 to 2" not in text and "fewer than 10 pupils" not in text


def test_build_report_reconciles_and_rejects(app_warehouse):
    at = open_page(PAGE)
    assert_no_exception(at)
    report = json.loads((app_warehouse / "build_report.json").read_text(encoding="utf-8"))
    files = next(df.value for df in at.dataframe if "reconciles" in df.value.columns)
    assert files["file"].tolist() == [f["file"] for f in report["files"]]
    assert files["rows_read"].tolist() == [f["rows_read"] for f in report["files"]]
    assert files["rows_rejected"].tolist() == [f["rows_rejected"] for f in report["files"]]
    assert (files["reconciles"] == "✓ Adds up").all()
    text = page_text(at)
    assert report["build_id"] in text and "demonstration data" in text
    assert f"All {len(report['files'])} files reconcile" in text

    rejects = pd.read_parquet(app_warehouse / "rejects.parquet")
    shown = next(df.value for df in at.dataframe if "source_row" in df.value.columns)
    assert len(shown) == len(rejects) > 0
    assert sorted(shown["source_row"]) == sorted(rejects["source_row"])
    n_warnings = int((rejects["severity"] == "warning").sum())
    n_rejects = int((rejects["severity"] == "reject").sum())
    assert f"rejected **{n_rejects:,}** rows and raised **{n_warnings:,}** warnings" in text


def test_a_file_that_does_not_add_up_is_flagged(tmp_path: Path, demo_warehouse: Path, monkeypatch):
    broken = tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, broken)
    report = json.loads((broken / "build_report.json").read_text(encoding="utf-8"))
    report["build_id"] = "broken-report"
    report["files"][1]["rows_read"] += 1
    (broken / "build_report.json").write_text(json.dumps(report), encoding="utf-8")
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(broken))
    at = open_page(PAGE)
    assert_no_exception(at)
    files = next(df.value for df in at.dataframe if "reconciles" in df.value.columns)
    assert files["reconciles"].tolist() == [
        "✗ Does not add up" if i == 1 else "✓ Adds up" for i in range(len(files))
    ]
    assert report["files"][1]["file"] in " ".join(as_read(str(e.value)) for e in at.error)


def test_downloads_are_the_public_tables_only(app_warehouse, demo_con):
    at = open_page(PAGE)
    assert_no_exception(at)
    picker = at.selectbox(key="download-table")
    assert list(picker.options) == [
        name.replace("_", " ").capitalize() for name in queries.DOWNLOADABLE
    ]
    assert not any(name.startswith("int_") for name in queries.DOWNLOADABLE)
    assert not {"exclusions", "pupils", "sen", "topups"} & set(queries.DOWNLOADABLE)
    picker.set_value("exclusions_by_phase").run()
    assert_no_exception(at)
    rows = demo_con.execute("SELECT count(*) FROM exclusions_by_phase").fetchone()[0]
    assert f"**{rows:,} rows**" in page_text(at)
    keys = [button.proto.id for button in at.get("download_button")]
    assert any("exclusions_by_phase" in key for key in keys)
    preview = at.dataframe[-1].value
    assert len(preview) == min(1000, rows)
    assert not preview["perm_excl"].dropna().isin([1, 2]).any()  # suppressed as everywhere


def test_big_table_shows_a_preview_and_builds_its_csv_only_on_request(
    app_warehouse, demo_con, monkeypatch
):
    """area_measure_year is millions of rows nationally: a run of the page reads only its
    first 1,000 rows and its row count; the whole table is read when the button asks."""
    total = demo_con.execute("SELECT count(*) FROM area_measure_year").fetchall()[0][0]
    assert total > 1000  # else this test could not tell a preview from the whole table

    def refuse(*args, **kwargs):
        raise AssertionError("the whole table was read during a run of the page")

    monkeypatch.setattr(queries, "table_for_download", refuse)
    monkeypatch.setattr(queries, "write_table_csv", refuse)
    at = open_page(PAGE)
    at.selectbox(key="download-table").set_value("area_measure_year").run()
    assert_no_exception(at)
    assert f"**{total:,} rows**" in page_text(at)
    preview = at.dataframe[-1].value
    assert len(preview) == 1000
    first = demo_con.execute("SELECT * FROM area_measure_year LIMIT 1000").df()
    assert preview["area"].tolist() == first["area"].tolist()
    labels = [button.proto.label for button in at.get("download_button")]
    assert f"Download the whole area_measure_year table (CSV, {total:,} rows)" in labels


def test_preview_queries(demo_con):
    assert len(queries.table_preview(demo_con, "exclusions_by_phase", limit=7)) == 7
    rows = demo_con.execute("SELECT count(*) FROM exclusions_by_phase").fetchall()[0][0]
    assert queries.table_row_count(demo_con, "exclusions_by_phase")["rows"].iloc[0] == rows
    with pytest.raises(ValueError):
        queries.table_preview(demo_con, "int_school_measure_year")
    with pytest.raises(ValueError):
        queries.write_table_csv(demo_con, "int_school_measure_year", "/dev/null")


def test_data_measure_years_hand_computed(tmp_path: Path):
    """Tiny warehouse (tests/views_warehouse.py): two years of school data, places only in
    2023/24, England figures for some measures, and no ks4 file at all."""
    from views_warehouse import CONFIG, build_tiny_warehouse

    con = queries.connect(build_tiny_warehouse(tmp_path / "tiny", skip=("ks4",)), CONFIG)
    try:
        years = queries.data_measure_years(con).set_index("measure")
    finally:
        con.close()
    assert (
        list(years.index)
        == pd.read_csv(PROJECT_DIR / "contract" / "measures.csv")["measure"].tolist()
    )
    assert years.loc["pupils", "years"] == "2022/23, 2023/24"
    assert years.loc["pupils", "n_years"] == 2
    assert years.loc["place_funding", "years"] == "2023/24"  # places only given for 2023/24
    assert years.loc["place_funding", "first_period"] == 202324
    assert years.loc["susp_rate", "england_years"] == "2022/23, 2023/24"
    assert years.loc["perm_excl", "england_years"] == "2023/24"
    assert pd.isna(years.loc["one_plus_susp_rate", "england_years"])  # no England row
    assert years.loc["ks4_attainment8", "n_years"] == 0  # no file: no years, still listed
    assert pd.isna(years.loc["ks4_attainment8", "years"])


def test_unsafe_thresholds_are_stated_loudly(tmp_path: Path, demo_warehouse: Path, monkeypatch):
    """min_count = 1 (allowed only with allow_unsafe = true) hides no count: the Data page
    says so in red, where the rules are stated."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, warehouse)
    recorded = json.loads((warehouse / "settings.json").read_text(encoding="utf-8"))
    recorded["suppression"] = {"min_count": 1, "min_denominator": 10}
    (warehouse / "settings.json").write_text(json.dumps(recorded), encoding="utf-8")
    report = json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))
    report["build_id"] = "unsafe-thresholds"
    (warehouse / "build_report.json").write_text(json.dumps(report), encoding="utf-8")
    config = tmp_path / "council.toml"
    text = (PROJECT_DIR / "data" / "config.toml").read_text(encoding="utf-8")
    config.write_text(
        text.replace("min_count = 3", "min_count = 1\nallow_unsafe = true"), encoding="utf-8"
    )
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LOCALITY_EXPLORER_CONFIG", str(config))
    at = open_page(PAGE, timeout=120)
    assert_no_exception(at)
    errors = " ".join(e.value for e in at.error)
    assert "Small numbers are not fully protected" in errors
    assert "no small count is hidden" in errors


# --------------------------------------------------------------------------- many rejects

MANY_REJECTS = 200_000
REJECTS_PAGE_ROWS = 500  # explorer/definitions.py


@pytest.fixture
def many_rejects(tmp_path: Path, demo_warehouse: Path, monkeypatch) -> Path:
    """The demo warehouse with 200,000 rejects over three files and two rules (a broken
    file can reject millions of rows), set as the app's warehouse."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    warehouse = tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, warehouse)
    n = MANY_REJECTS
    schema = pq.read_schema(demo_warehouse / "rejects.parquet")
    columns = {
        "source_file": [f"census_{i % 3}.csv" for i in range(n)],
        "source_row": list(range(2, n + 2)),
        "column_name": ["headcount"] * n,
        "value": ["=cmd|' /C calc'!A0" if i == 7 else str(-i) for i in range(n)],
        "rule": ["not_a_number" if i % 2 else "negative_count" for i in range(n)],
        "reason": ["headcount is not a count of pupils"] * n,
        "severity": ["warning" if i % 10 == 0 else "reject" for i in range(n)],
    }
    table = pa.table({name: columns[name] for name in schema.names}).cast(schema)
    pq.write_table(table, warehouse / "rejects.parquet")
    report = json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))
    report["build_id"] = "many-rejects"
    report["tables"]["rejects"] = n
    (warehouse / "build_report.json").write_text(json.dumps(report), encoding="utf-8")
    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(warehouse))
    return warehouse


def test_many_rejects_are_shown_a_page_at_a_time(many_rejects: Path):
    at = open_page(PAGE, timeout=180)
    assert_no_exception(at)
    shown = next(df.value for df in at.dataframe if "source_row" in df.value.columns)
    assert len(shown) == REJECTS_PAGE_ROWS  # not 200,000 rows to the browser
    assert max(len(df.value) for df in at.dataframe if "severity" in df.value.columns) <= 500
    totals = next(df.value for df in at.dataframe if {"rule", "rows"} <= set(df.value.columns))
    # 3 files x 2 rules of rejects, and warnings (every tenth row, all negative_count)
    assert int(totals["rows"].sum()) == MANY_REJECTS and len(totals) == 3 * 2 + 3
    text = page_text(at)
    assert f"rejected **{MANY_REJECTS * 9 // 10:,}** rows" in text
    assert f"Rows 1–500 of {MANY_REJECTS:,}." in text

    # one file and one rule, then its third page
    at.selectbox(key="url-rejects_file").set_value("census_1.csv").run()
    at.selectbox(key="url-rejects_rule").set_value("not_a_number").run()
    assert_no_exception(at)
    wanted = int(
        totals[totals["source_file"].eq("census_1.csv") & totals["rule"].eq("not_a_number")][
            "rows"
        ].sum()
    )
    page_input = at.number_input(key="rejects-page-census_1.csv-not_a_number")
    assert page_input.max == -(-wanted // REJECTS_PAGE_ROWS)
    page_input.set_value(3).run()
    assert_no_exception(at)
    shown = next(df.value for df in at.dataframe if "source_row" in df.value.columns)
    assert len(shown) == REJECTS_PAGE_ROWS
    assert set(shown["source_file"]) == {"census_1.csv"} and set(shown["rule"]) == {"not_a_number"}
    assert f"Rows 1,001–1,500 of {wanted:,}." in page_text(at)
    labels = [button.proto.label for button in at.get("download_button")]
    assert f"Download all {MANY_REJECTS:,} rejected rows and warnings (CSV)" in labels
