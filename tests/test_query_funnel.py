"""funnel_units, funnel_trends, comparator_trend and comparator_coverage against sums worked
out here with pandas straight from the demo warehouse's Parquet files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from parquet_sums import complementary_cells

import queries

MIN_COUNT, MIN_DENOMINATOR = 3, 10
CONFIG = Path(__file__).resolve().parents[1] / "data" / "config.toml"


def hand_rates(
    warehouse: Path, table: str, numerator: str, denominator: str, by: str
) -> pd.DataFrame:
    """100 * sum(num) / sum(den) per (time_period, area at ``by``) over schools where both
    are published, with the suppression rules applied by hand."""
    facts = pd.read_parquet(warehouse / f"{table}.parquet")
    years = pd.read_parquet(warehouse / "school_year.parquet")
    merged = facts.merge(years[["time_period", "urn", by]], on=["time_period", "urn"])
    merged = merged[merged[by].notna()]
    merged["known"] = merged[numerator].notna() & merged[denominator].notna()
    known = merged[merged["known"]]
    sums = known.groupby(["time_period", by])[[numerator, denominator]].sum()
    rows = merged.groupby(["time_period", by]).size().rename("n_rows")
    out = pd.concat([sums, rows], axis=1).reset_index()
    out[[numerator, denominator]] = out[[numerator, denominator]].fillna(0)
    num, den = out[numerator], out[denominator]
    # An area whose every school had its cell withheld sums to 0 / 0: suppressed below.
    out["suppressed"] = ((num > 0) & (num < MIN_COUNT)) | (den < MIN_DENOMINATOR)
    # and hidden with a small one so neither can be worked out by subtraction (the cells
    # complementary suppression picked: tests/test_complementary_suppression.py)
    family = {"susp": "Suspensions", "perm_excl": "Permanent exclusions"}.get(numerator)
    if family is not None:
        secondary = complementary_cells(warehouse, by.capitalize(), family)
        keys = zip(out[by], out["time_period"], strict=True)
        out["suppressed"] |= pd.Series([key in secondary for key in keys], index=out.index)
    out["value"] = (100.0 * num / den).where(~out["suppressed"])
    return out.rename(columns={by: "area", numerator: "numerator", denominator: "denominator"})


@pytest.fixture(scope="module")
def partnership_susp(demo_warehouse: Path) -> pd.DataFrame:
    return hand_rates(demo_warehouse, "exclusions", "susp", "headcount", "partnership")


def latest(demo_warehouse: Path) -> int:
    return int(pd.read_parquet(demo_warehouse / "school_year.parquet")["time_period"].max())


def test_funnel_units_partnerships(demo_con, demo_warehouse, partnership_susp):
    year = latest(demo_warehouse)
    got = queries.funnel_units(demo_con, "Partnership", "susp_rate", year)
    county = got[got["is_county"]]
    assert len(county) == 1
    facts = pd.read_parquet(demo_warehouse / "exclusions.parquet")
    facts = facts[(facts["time_period"] == year) & facts["susp"].notna()]
    facts = facts[facts["headcount"].notna()]
    assert county.iloc[0]["value"] == pytest.approx(
        100 * facts["susp"].sum() / facts["headcount"].sum()
    )
    areas = got[~got["is_county"]].set_index("area")
    hand = partnership_susp[partnership_susp["time_period"] == year].set_index("area")
    assert sorted(areas.index) == sorted(hand.index)
    for area, row in hand.iterrows():
        assert bool(areas.loc[area, "suppressed"]) == bool(row["suppressed"]), area
        if not row["suppressed"]:
            assert areas.loc[area, "value"] == pytest.approx(row["value"])
            assert areas.loc[area, "denominator"] == row["denominator"]
        else:
            assert pd.isna(areas.loc[area, "numerator"]) and pd.isna(areas.loc[area, "value"])


def test_funnel_units_suppressed_rows_hide_their_numbers(demo_con, demo_warehouse):
    year = latest(demo_warehouse)
    hand = hand_rates(demo_warehouse, "exclusions", "perm_excl", "headcount", "partnership")
    hand = hand[hand["time_period"] == year]
    got = queries.funnel_units(demo_con, "Partnership", "perm_excl_rate", year)
    areas = got[~got["is_county"]]
    primary = set(hand.loc[hand["suppressed"], "area"])
    shown_hidden = set(areas.loc[areas["suppressed"], "area"])
    assert primary and primary <= shown_hidden
    # the others are hidden by complementary suppression, and only they
    secondary = set(
        demo_con.execute(
            "SELECT area FROM int_complementary_cells WHERE tbl = 'area' AND level ="
            " 'Partnership' AND time_period = ? AND family = 'Permanent exclusions'",
            [int(year)],
        ).df()["area"]
    )
    assert shown_hidden - primary == secondary - primary
    hidden = areas[areas["suppressed"]]
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()


def test_funnel_units_one_locality(demo_con, demo_warehouse):
    year = latest(demo_warehouse)
    years = pd.read_parquet(demo_warehouse / "school_year.parquet")
    locality = sorted(years["locality"].dropna().unique())[0]
    expected = years[(years["time_period"] == year) & (years["locality"] == locality)]
    got = queries.funnel_units(demo_con, "School", "overall_absence_rate", year, locality)
    schools = got[~got["is_county"]]
    absence = pd.read_parquet(demo_warehouse / "absence.parquet")
    with_absence = set(absence[absence["time_period"] == year]["urn"])
    assert set(schools["area"].astype(int)) == set(expected["urn"]) & with_absence
    assert got["is_county"].sum() == 1


def test_funnel_trends_every_year(demo_con, demo_warehouse, partnership_susp):
    got = queries.funnel_trends(demo_con, "Partnership", "susp_rate")
    areas = got[~got["is_county"]].set_index(["area", "time_period"])
    hand = partnership_susp.set_index(["area", "time_period"])
    assert len(areas) == len(hand)
    shown = hand[~hand["suppressed"]]
    assert areas.loc[shown.index, "numerator"].tolist() == shown["numerator"].tolist()
    n_years = pd.read_parquet(demo_warehouse / "school_year.parquet")["time_period"].nunique()
    assert got["is_county"].sum() == n_years


def test_comparator_trend_and_coverage(demo_con, demo_warehouse):
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["council"]
    bench = pd.read_parquet(demo_warehouse / "benchmarks.parquet")
    bench = bench[bench["measure"] == "persistent_absence_rate"]
    codes = set(config["comparator_old_la_codes"])
    la = bench[bench["geographic_level"] == "Local authority"]
    neighbours = la[la["old_la_code"].isin(codes)]
    got = queries.comparator_trend(demo_con, "persistent_absence_rate")
    got_neighbours = got[got["role"] == "Statistical neighbour"]
    assert len(got_neighbours) == len(neighbours) > 0
    merged = got_neighbours.merge(neighbours, on=["old_la_code", "time_period"])
    assert merged["value"].to_numpy() == pytest.approx(
        (100 * merged["numerator_y"] / merged["denominator_y"]).to_numpy()
    )
    own = la[la["old_la_code"] == config["old_la_code"]]
    assert (got["role"] == "County (DfE)").sum() == len(own)
    national = bench[bench["geographic_level"] == "National"].sort_values("time_period")
    england = got[got["role"] == "England"].sort_values("time_period")
    expected = 100 * national["numerator"].to_numpy() / national["denominator"].to_numpy()
    assert england["value"].to_numpy() == pytest.approx(expected)
    region = bench[
        (bench["geographic_level"] == "Regional") & (bench["area_code"] == config["region_code"])
    ]
    assert (got["role"] == "Region").sum() == len(region)
    assert (got["role"] == "County (our schools)").sum() > 0

    coverage = queries.comparator_coverage(demo_con).set_index("old_la_code")
    assert set(coverage.index) == codes
    present = set(la["old_la_code"].dropna().astype(int))
    for code in codes:
        assert bool(coverage.loc[code, "has_rows"]) == (code in present)


def test_funnel_phase_units_target_is_the_phase_rate(demo_con, demo_warehouse):
    year = latest(demo_warehouse)
    years = pd.read_parquet(demo_warehouse / "school_year.parquet")
    secondary = years[(years["time_period"] == year) & (years["phase"] == "Secondary")]
    facts = pd.read_parquet(demo_warehouse / "exclusions.parquet")
    facts = facts[(facts["time_period"] == year) & facts["urn"].isin(secondary["urn"])]
    known = facts[facts["susp"].notna() & facts["headcount"].notna()]
    got = queries.funnel_phase_units(demo_con, "susp_rate", year, "Secondary")
    county = got[got["is_county"]].iloc[0]
    # Secondary schools' suspensions / their pupils, all localities.
    assert county["value"] == pytest.approx(100 * known["susp"].sum() / known["headcount"].sum())
    assert county["n_schools"] == len(known)
    schools = got[~got["is_county"]]
    assert set(schools["area"].astype(int)) == set(facts["urn"])
    row = schools.iloc[0]
    fact = facts[facts["urn"] == int(row["area"])].iloc[0]
    assert row["value"] == pytest.approx(100 * fact["susp"] / fact["headcount"])
    # A phase with no exclusions data at all: the target is missing and marked suppressed.
    phases = queries.funnel_phases(demo_con, year)
    assert phases["n_schools"].sum() == (years["time_period"] == year).sum()
    empty = queries.funnel_phase_units(demo_con, "susp_rate", year, "No such phase")
    assert len(empty) == 1 and bool(empty.iloc[0]["suppressed"])
    assert pd.isna(empty.iloc[0]["value"])


#: funnel_phase_units as it was before the phase sums were stored (int_phase_measure_year)
#: and suppressed in their public view (phase_measure_year): the county row summed from the
#: per-school view and suppressed by the query itself, on every query. The query must
#: return the same rows.
SUMMED = """
    WITH county AS (
        SELECT
            sum(s.numerator) FILTER (WHERE s.is_known) AS numerator,
            sum(s.denominator) FILTER (WHERE s.is_known) AS denominator,
            count(*) FILTER (WHERE s.is_known) AS n_schools,
            count(*) FILTER (WHERE NOT s.is_known) AS n_schools_missing
        FROM int_school_measure_year AS s
        WHERE s.measure = $measure AND s.time_period = $time_period AND s.phase = $phase
    ),
    checked AS (
        SELECT
            c.*,
            m.kind,
            m.multiplier,
            measure_is_suppressed(m.kind, c.numerator, c.denominator)
                OR all_withheld(c.n_schools, c.n_schools + c.n_schools_missing)
                OR c.n_schools + c.n_schools_missing = 0 AS suppressed
        FROM county AS c
        JOIN measures AS m ON m.measure = $measure
    )
    SELECT
        true AS is_county, 'County' AS level, council_name() AS area,
        council_name() AS area_name, region_name() AS parent_area,
        CAST(NULL AS VARCHAR) AS locality, $time_period AS time_period,
        period_label($time_period) AS year, $measure AS measure,
        CASE WHEN suppressed THEN NULL
            ELSE suppress_measure(kind, multiplier, numerator, denominator) END AS value,
        suppressed,
        CASE WHEN suppressed THEN NULL ELSE numerator END AS numerator,
        CASE WHEN suppressed THEN NULL ELSE denominator END AS denominator,
        n_schools, n_schools_missing
    FROM checked
    UNION ALL
    SELECT
        false AS is_county, a.level, a.area, a.area_name, a.parent_area, a.locality,
        a.time_period, a.year, a.measure, a.value, a.suppressed, a.numerator, a.denominator,
        a.n_schools, a.n_schools_missing
    FROM area_measure_year AS a
    JOIN school_year AS y ON y.time_period = a.time_period AND y.urn = a.urn
    WHERE a.level = 'School' AND a.measure = $measure AND a.time_period = $time_period
        AND a.urn IS NOT NULL AND y.phase = $phase
        AND ($locality IS NULL OR a.locality = $locality)
    ORDER BY is_county DESC, area_name, area
"""


@pytest.mark.parametrize("measure", ["susp_rate", "pupils", "ks4_attainment8", "topup_amount"])
def test_funnel_phase_units_stored_sums_give_the_summed_rows(demo_con, measure):
    text, _ = queries._query_text("funnel_phase_units")
    # the query reads the suppressed public view and applies no suppression itself
    assert "phase_measure_year" in text and "int_phase_measure_year" not in text
    assert "suppress" not in text.replace("suppressed", "")
    summed = SUMMED
    years = demo_con.execute("SELECT DISTINCT time_period FROM school_year").fetchall()
    phases = demo_con.execute("SELECT DISTINCT phase FROM school_year").fetchall()
    localities = [None, demo_con.execute("SELECT min(locality) FROM school_year").fetchall()[0][0]]
    checked = 0
    for (year,) in years:
        for phase in [row[0] for row in phases] + ["No such phase"]:
            for locality in localities:
                params = {
                    "measure": measure,
                    "time_period": year,
                    "phase": phase,
                    "locality": locality,
                }
                got = queries.funnel_phase_units(demo_con, **params)
                pd.testing.assert_frame_equal(got, demo_con.execute(summed, params).df())
                checked += not got[got["is_county"]]["n_schools"].eq(0).all()
    assert checked > 0  # some phase and year had schools with this measure


@pytest.mark.parametrize("measure", ["susp_rate", "pupils", "ks2_rwm_expected_percent"])
def test_funnels_of_every_school_are_the_frames_duckdb_gives(demo_con, demo_warehouse, measure):
    """Every school (no locality) is built through Arrow: the same frame, dtypes included, as
    DuckDB's .df() of the same query."""
    year = latest(demo_warehouse)
    params = {"level": "School", "measure": measure, "time_period": year, "locality": None}
    frame = queries.funnel_units(demo_con, **params)
    assert (~frame["is_county"]).sum() >= 3
    pd.testing.assert_frame_equal(frame, queries.run(demo_con, "funnel_units", **params))
    for (phase,) in demo_con.execute("SELECT DISTINCT phase FROM school_year").fetchall():
        params = {"measure": measure, "time_period": year, "phase": phase, "locality": None}
        frame = queries.funnel_phase_units(demo_con, **params)
        pd.testing.assert_frame_equal(frame, queries.run(demo_con, "funnel_phase_units", **params))
