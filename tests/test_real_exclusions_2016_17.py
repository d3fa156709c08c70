"""The real 2016/17 exclusions release (SFR35/2017, shared/real/files) built for an LA.

The file holds National, Regional, Local authority and School rows for 2006/07-2016/17;
School rows name a school by LAESTAB only, withheld cells are ``x``, and some counts before
2010/11 are fractions. Built here for Gloucestershire (916, E10000013): the register is
the DfE's own 2017/18 school spine (URN, LAESTAB, open and close dates) in the GIAS
layout, so the URNs are real; the LAESTABs of schools that closed before 2017/18 are not
in it, and the second build adds them (made-up URNs from 990001) to show that with a
complete register every school row is loaded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from etl_raw_files import GIAS_HEADER, write_csv, write_membership
from real_files import EXCLUSIONS_2016_17, council_toml, real_file, spine

LA, LA_CODE, LA_NAME = 916, "E10000013", "Gloucestershire"


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    frame = pd.read_csv(real_file(EXCLUSIONS_2016_17), dtype=str, keep_default_na=False)
    return frame[frame["old_la_code"].eq(str(LA)) | frame["geographic_level"].ne("School")]


def _gias_rows(register: pd.DataFrame) -> list[list[object]]:
    def date(text: object) -> str:
        return "" if pd.isna(text) else pd.Timestamp(text).strftime("%d-%m-%Y")

    return [
        [r.URN, LA, LA_NAME, r.ESTAB, r.SCHNAME, r.NFTYPE, r.MINORGROUP,
         "Closed" if not pd.isna(r.CLOSEDATE) else "Open", "", r.AGEL, r.AGEH,
         date(r.OPENDATE), date(r.CLOSEDATE), r.POSTCODE, "", "", "", ""]
        for r in register.itertuples()
    ]  # fmt: skip


def _build(tmp: Path, published: pd.DataFrame, complete: bool):
    from queries.prepare import build_warehouse

    data = tmp / "data"
    raw = data / "raw"
    raw.mkdir(parents=True)
    (data / "config.toml").write_text(
        council_toml(LA_NAME, LA, LA_CODE, "E12000009", "South West"), encoding="utf-8"
    )
    shutil.copy(EXCLUSIONS_2016_17, raw / EXCLUSIONS_2016_17.name)
    register = spine()[spine()["LA"].eq(str(LA))]
    rows = _gias_rows(register)
    if complete:
        school = published[published["geographic_level"].eq("School")]
        missing = sorted(set(school["estab"]) - set(register["ESTAB"]))
        rows += [
            [990001 + i, LA, LA_NAME, estab, f"Closed school {estab}", "", "", "Closed", "",
             "", "", "", "31-08-2017", "", "", "", "", ""]
            for i, estab in enumerate(missing)
        ]  # fmt: skip
    write_csv(raw / "edubasealldata20180101.csv", GIAS_HEADER, rows, "cp1252")
    urns = [r[0] for r in rows]
    write_membership(
        raw,
        [[int(u), f"School {u}", f"Partnership {i % 4}", f"Locality {i % 2}",
          pd.Timestamp("2000-09-01").to_pydatetime(), None] for i, u in enumerate(urns)],
    )  # fmt: skip
    result = build_warehouse(data_dir=data, progress=lambda _m: None)
    return result


def _file_report(result) -> dict:
    return next(f for f in result.report["files"] if f["file"] == EXCLUSIONS_2016_17.name)


@pytest.fixture(scope="module")
def complete_build(tmp_path_factory, published):
    return _build(tmp_path_factory.mktemp("real_2016_17_complete"), published, complete=True)


@pytest.fixture(scope="module")
def spine_build(tmp_path_factory, published):
    return _build(tmp_path_factory.mktemp("real_2016_17_spine"), published, complete=False)


def _la_rows(published: pd.DataFrame) -> pd.DataFrame:
    la = published[
        published["geographic_level"].eq("Local authority")
        & published["old_la_code"].eq(str(LA))
        & published["school_type"].eq("Total")
    ]
    return la.set_index(la["time_period"].astype(int))


def test_every_row_is_accounted_for(spine_build, published):
    report = _file_report(spine_build)
    parts = (
        report["rows_loaded"]
        + report["rows_benchmark"]
        + report["rows_out_of_scope"]
        + report["rows_rejected"]
    )
    assert report["source"] == "exclusions"
    assert report["rows_read"] == 239_001 == parts
    school = published[published["geographic_level"].eq("School")]
    assert report["rows_loaded"] + report["rows_rejected"] == len(school)
    # the areas' rows come once as Total and once per phase: the Total rows are benchmarks
    areas = published[published["geographic_level"].ne("School")]
    assert report["rows_benchmark"] == int(areas["school_type"].eq("Total").sum()) == 1_780
    assert report["rows_out_of_scope"] == 239_001 - len(school) - 1_780


def test_only_schools_missing_from_the_register_are_rejected(spine_build, published):
    rejects = pd.read_parquet(spine_build.warehouse / "rejects.parquet")
    mine = rejects[rejects["source_file"].eq(EXCLUSIONS_2016_17.name)]
    rejected = mine[mine["severity"].eq("reject")]
    assert set(rejected["rule"]) == {"unknown_laestab"}
    school = published[published["geographic_level"].eq("School")]
    not_in_spine = set(school["estab"]) - set(spine()[spine()["LA"].eq(str(LA))]["ESTAB"])
    assert {int(v) % 10000 for v in rejected["value"]} == {int(e) for e in not_in_spine}
    # no row rejected for an 'x', a '.' or a fraction
    warned = mine[mine["severity"].eq("warning")]
    assert "fractional_count" in set(warned["rule"])


def test_headcount_and_counts_agree_with_the_dfe(complete_build, published):
    assert _file_report(complete_build)["rows_rejected"] == 0
    con = duckdb.connect()
    path = complete_build.warehouse / "exclusions.parquet"
    sums = con.execute(
        "select time_period, sum(headcount), count(*) from read_parquet(?) group by 1",
        [str(path)],
    ).df()
    sums = sums.set_index("time_period")
    la = _la_rows(published)
    assert len(sums) == 11
    for period, row in la.iterrows():
        assert sums.loc[period].iloc[0] == int(row["headcount"]), period
        assert sums.loc[period].iloc[1] == int(row["num_schools"]), period
    # the DfE's LA figures are the benchmarks, as published
    bench = con.execute(
        "select time_period, measure, numerator from read_parquet(?) "
        "where geographic_level = 'Local authority' and old_la_code = ?",
        [str(complete_build.warehouse / "benchmarks.parquet"), LA],
    ).df()
    perm = bench[bench["measure"].eq("perm_excl")].set_index("time_period")["numerator"]
    susp = bench[bench["measure"].eq("susp")].set_index("time_period")["numerator"]
    for period, row in la.iterrows():
        assert perm.loc[period] == pytest.approx(float(row["perm_excl"])), period
        assert susp.loc[period] == pytest.approx(float(row["fixed_excl"])), period


def test_fractional_counts_are_kept_as_published(complete_build, published):
    school = published[published["geographic_level"].eq("School")]
    fraction = school[school["perm_excl"].str.contains(r"\.", regex=True)]
    stored = pd.read_parquet(complete_build.warehouse / "exclusions.parquet")
    total = stored.groupby("time_period")["perm_excl"].sum()
    if fraction.empty:
        pytest.skip("this LA's schools have no fractional counts")
    for period, group in fraction.groupby("time_period"):
        published_sum = pd.to_numeric(
            school[school["time_period"].eq(period)]["perm_excl"], errors="coerce"
        ).sum()
        assert total.loc[int(period)] == pytest.approx(published_sum)
        assert group["perm_excl"].astype(float).mod(1).ne(0).any()


def test_withheld_cells_are_null_with_their_symbol(complete_build, published):
    school = published[published["geographic_level"].eq("School")]
    withheld = int(school["perm_excl"].eq("x").sum())
    stored = pd.read_parquet(complete_build.warehouse / "exclusions.parquet")
    assert withheld > 0
    assert int(stored["perm_excl_flag"].eq("x").sum()) == withheld
    assert stored.loc[stored["perm_excl_flag"].eq("x"), "perm_excl"].isna().all()


# --------------------------------------------------------------------------- honest totals


def _county(build, measure: str) -> pd.Series:
    import queries

    con = queries.connect(build.warehouse)
    try:
        rows = con.execute(
            "SELECT time_period, value, dfe_la_figure, schools_numerator FROM area_measure_year"
            " WHERE level = 'County' AND measure = ?",
            [measure],
        ).df()
    finally:
        con.close()
    assert rows["dfe_la_figure"].all(), measure
    return rows.set_index("time_period")


@pytest.mark.parametrize(
    ("measure", "column"),
    [("perm_excl", "perm_excl"), ("susp", "fixed_excl"), ("exclusions_headcount", "headcount")],
)
def test_the_app_county_figure_is_the_dfes_la_row_every_year(
    spine_build, published, measure, column
):
    """Even where schools are missing from the register (the spine build rejects the
    closed schools' rows), the county's figure is the DfE's for the LA, every year."""
    county = _county(spine_build, measure)
    la = _la_rows(published)
    assert sorted(county.index) == sorted(la.index) and len(la) == 11
    for period, row in la.iterrows():
        assert county.loc[period, "value"] == pytest.approx(float(row[column])), period


def test_permanent_exclusions_published_by_schools_fall_short_of_the_la(complete_build, published):
    # the schools' published cells leave out every 'x': their sum is below the LA's figure
    county = _county(complete_build, "perm_excl")
    la = _la_rows(published)
    short = [
        p
        for p in la.index
        if county.loc[p, "schools_numerator"] < float(la.loc[p, "perm_excl"]) - 0.5
    ]
    assert len(short) >= 5, short


def test_reconciliation_fits_from_2010_11_with_a_complete_register(complete_build):
    report = complete_build.report["reconciliation"]
    rows = pd.DataFrame(report["rows"])
    excl = rows[rows["measure"].isin(["perm_excl", "susp"])]
    assert len(excl) == 22
    modern = excl[excl["time_period"] >= 201011]
    assert modern["residual_fits"].eq("fits").all(), modern
    # every residual is between 1 and 2 per withheld cell
    assert (modern["residual"] >= modern["withheld_cells"] - 1e-6).all()
    assert (modern["residual"] <= 2 * modern["withheld_cells"] + 1e-6).all()
    headcount = rows[rows["measure"].eq("exclusions_headcount")]
    assert headcount["residual"].abs().max() < 0.5


def test_reconciliation_flags_schools_missing_from_the_register(spine_build, complete_build):
    """The spine build lacks the schools that closed before 2017/18: their pupils are in the
    DfE's LA figure but in no school of the warehouse, so the residual is above what the
    withheld cells can hold, and the build says so."""
    spine = pd.DataFrame(spine_build.report["reconciliation"]["rows"])
    headcount = spine[spine["measure"].eq("exclusions_headcount")].set_index("time_period")
    assert headcount.loc[200607, "residual_fits"] == "above"
    assert headcount.loc[200607, "residual"] > 1000
    assert spine_build.report["reconciliation"]["not_fitting"] > 0
    complete = pd.DataFrame(complete_build.report["reconciliation"]["rows"])
    assert (
        complete[complete["measure"].eq("exclusions_headcount")]["residual_fits"].eq("fits").all()
    )
