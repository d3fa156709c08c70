"""area_measure_year, measure_by_area, area_measure_trend, locality_vs_county, school_profile.

Every expected number is worked out by hand from the rows in views_warehouse.py; the
arithmetic is in the comment beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from views_warehouse import (
    BANBURY,
    BN,
    BS,
    KINGS,
    KS,
    Y1,
    Y2,
    is_hidden,
    pick,
    shown_unless_secondary,
    tiny_connection,
    view,
)

import queries


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = tiny_connection(tmp_path_factory.mktemp("warehouse"))
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def amy(con) -> pd.DataFrame:
    return view(con, "area_measure_year")


def value(amy: pd.DataFrame, level: str, area: str, tp: int, measure: str) -> pd.Series:
    return pick(amy, level=level, area=area, time_period=tp, measure=measure)


# --------------------------------------------------------------------------- rates and counts


def test_locality_rate_is_sum_over_sum(amy):
    # Banbury 2023/24 FSM: (31 + 92 + 2) / (310 + 460 + 205) * 100 = 125 / 975 * 100 = 12.8205...
    row = value(amy, "Locality", BANBURY, Y2, "fsm_percent")
    assert row["value"] == pytest.approx(12.820512820512821)
    assert row["numerator"] == 125 and row["denominator"] == 975
    assert row["n_schools"] == 3 and row["n_schools_missing"] == 0
    assert row["coverage_percent"] == pytest.approx(100.0)
    assert not row["suppressed"]
    assert row["year"] == "2023/24"


def test_locality_permanent_exclusions(amy):
    # Banbury 2023/24: perm_excl (1 + 2 + 0) / headcount (300 + 450 + 200) * 100 = 3 / 950 * 100
    row = value(amy, "Locality", BANBURY, Y2, "perm_excl_rate")
    assert row["value"] == pytest.approx(0.3157894736842105)
    # the count 1 + 2 + 0 = 3 sits exactly on min_count: shown
    count = value(amy, "Locality", BANBURY, Y2, "perm_excl")
    assert count["value"] == 3 and not count["suppressed"]


def test_county_includes_school_in_no_partnership(amy):
    # County 2023/24 suspensions published: 12 + 40 + 60 + 1 + 5 = 118 (100003 withheld),
    # Banbury 52 + King's Sutton 61 = 113 plus Zeta Free School's 5 (in no partnership).
    # No DfE LA row for the count: the figure is 118 plus 100003's 1 or 2, estimated 119.5.
    row = value(amy, "County", "Oxfordshire", Y2, "susp")
    assert row["schools_numerator"] == 118 and row["n_withheld"] == 1
    assert (row["value_low"], row["value"], row["value_high"]) == (119, 119.5, 120)
    assert row["estimated"] and not row["dfe_la_figure"]
    # County pupils 2023/24: 310 + 460 + 205 + 610 + 10 + 105 = 1700
    assert value(amy, "County", "Oxfordshire", Y2, "pupils")["value"] == 1700


def test_county_is_the_dfes_la_figure_where_published(amy):
    # the DfE's LA row for perm_excl_rate is 110 / 100000: the county's figure, although its
    # schools' cells add up to (1+2+0+3+0+0) / (300+450+200+600+8+100) = 6 / 1658
    rate = value(amy, "County", "Oxfordshire", Y2, "perm_excl_rate")
    assert rate["dfe_la_figure"] and not rate["estimated"]
    assert rate["value"] == pytest.approx(0.11)
    assert (rate["numerator"], rate["denominator"]) == (110, 100_000)
    assert rate["schools_numerator"] == 6 and rate["n_schools"] == 6
    # a year without an LA row keeps the schools' sum: 2022/23 (0+1+0+2+0+0) / 1634
    old = value(amy, "County", "Oxfordshire", Y1, "perm_excl_rate")
    assert not old["dfe_la_figure"]
    assert old["value"] == pytest.approx(3 / (290 + 440 + 210 + 590 + 9 + 95) * 100)


def test_attainment8_is_total_points_over_pupils_not_mean_of_means(amy):
    # County 2023/24: (4095 + 6000 + 600) / (90 + 120 + 15) = 10695 / 225 = 47.5333...
    # (the mean of the school means (45.5 + 50 + 40) / 3 = 45.1667 would be wrong)
    row = value(amy, "County", "Oxfordshire", Y2, "ks4_attainment8")
    assert row["value"] == pytest.approx(47.53333333333333)
    # County 2022/23 includes 100006's 9 pupils even though its own mean is hidden:
    # (3960 + 5782 + 333) / (88 + 118 + 9) = 10075 / 215 = 46.8605...
    assert value(amy, "County", "Oxfordshire", Y1, "ks4_attainment8")["value"] == pytest.approx(
        46.86046511627907
    )
    school = value(amy, "School", "100006", Y1, "ks4_attainment8")
    assert school["suppressed"] and is_hidden(school)  # a mean over 9 pupils


def test_absence_and_ks2(amy):
    # Banbury 2023/24 overall absence: (5000 + 9000 + 2400) / (100000 + 150000 + 60000) * 100
    assert value(amy, "Locality", BANBURY, Y2, "overall_absence_rate")["value"] == pytest.approx(
        16400 / 310000 * 100
    )
    # persistent absence: (40 + 80 + 20) / (320 + 470 + 210) * 100 = 140 / 1000 * 100 = 14.0
    assert value(amy, "Locality", BANBURY, Y2, "persistent_absence_rate")["value"] == pytest.approx(
        14.0
    )
    # KS2 RWM Banbury 2023/24 would be (30 + 18) / (45 + 30) * 100 = 64.0, but King's
    # Sutton's is hidden (its one school: 1 of 2), and county 49 minus Banbury 48 would give
    # it back: complementary suppression hides Banbury too (and, in turn, Banbury South)
    ks2 = value(amy, "Locality", BANBURY, Y2, "ks2_rwm_expected_percent")
    assert ks2["suppressed"] and is_hidden(ks2)
    assert value(amy, "Partnership", BS, Y2, "ks2_rwm_expected_percent")["suppressed"]
    assert value(amy, "Partnership", BN, Y2, "ks2_rwm_expected_percent")["value"] == pytest.approx(
        30 / 45 * 100
    )
    # County KS2 includes the tiny school's 1 of 2: (30 + 18 + 1) / (45 + 30 + 2) * 100 = 63.636...
    assert value(amy, "County", "Oxfordshire", Y2, "ks2_rwm_expected_percent")[
        "value"
    ] == pytest.approx(49 / 77 * 100)


def test_topup_amount_is_summed_over_bands(amy):
    # 100001 2023/24: band A 10000 + band B 8000 = 18000 for 2 + 1 = 3 pupils: shown
    row = value(amy, "School", "100001", Y2, "topup_amount")
    assert row["value"] == 18000 and row["denominator"] == 3
    # 100003 2023/24: 6000 for 2 pupils: hidden so one child's funding cannot be read off
    hidden = value(amy, "School", "100003", Y2, "topup_amount")
    assert hidden["suppressed"] and is_hidden(hidden) and is_hidden(hidden, "numerator")


# --------------------------------------------------------------------------- suppression


@pytest.mark.parametrize(
    ("area", "tp", "measure", "expected"),
    [
        ("100003", Y2, "fsm_count", None),  # count 2: suppressed
        ("100003", Y1, "fsm_count", 3.0),  # count 3: shown
        ("100005", Y2, "fsm_count", 0.0),  # zero: shown as 0
        ("100005", Y1, "fsm_percent", None),  # 0 of 9 pupils: denominator 9 suppressed
        ("100005", Y2, "fsm_percent", 0.0),  # 0 of 10 pupils: denominator 10 shown, zero shown
        ("100003", Y2, "fsm_percent", None),  # 2 of 205: numerator 2 suppressed
        ("100003", Y1, "fsm_percent", 3 / 210 * 100),  # 3 of 210: shown = 1.4286
        ("100005", Y2, "perm_excl_rate", None),  # 0 of 8: denominator below 10, even for zero
        ("100005", Y2, "susp_rate", None),  # 1 of 8: both rules
        ("100005", Y1, "pupils", 9.0),  # a count of 9 pupils is not small
    ],
)
def test_school_suppression_boundaries(amy, area, tp, measure, expected):
    row = value(amy, "School", area, tp, measure)
    if expected is None:
        assert row["suppressed"]
        assert is_hidden(row) and is_hidden(row, "numerator") and is_hidden(row, "denominator")
    else:
        assert not row["suppressed"]
        assert row["value"] == pytest.approx(expected)


def test_partnership_counts_below_threshold_are_hidden(con, amy):
    # Banbury South 2023/24 (100002 moved in + 100003): perm_excl 2 + 0 = 2 -> hidden
    row = value(amy, "Partnership", BS, Y2, "perm_excl")
    assert row["suppressed"] and is_hidden(row) and is_hidden(row, "numerator")
    # Banbury North 2023/24 (100001 only): perm_excl 1 -> the rate is hidden (numerator 1)...
    rate = value(amy, "Partnership", BN, Y2, "perm_excl_rate")
    assert rate["suppressed"] and is_hidden(rate)
    # ... its suspension rate, 12 / 300 * 100 = 4.0, is not small: shown unless
    # complementary suppression hides it (in this tiny warehouse it does)
    susp = value(amy, "Partnership", BN, Y2, "susp_rate")
    shown_unless_secondary(con, susp, "value", 4.0, "Suspensions")


def test_withheld_source_cell_is_a_range_never_left_out(con, amy):
    # 100003's 2023/24 suspensions are 'c' (1 or 2); its 200 pupils stay in the denominator.
    # Banbury susp_rate: (12 + 40 + [1, 2]) / (300 + 450 + 200) * 100 = 53/950 .. 54/950.
    # The LA's residual (8500 - 118 published) is far above 2: the cell counts as 2.
    # (Read before complementary suppression, which in this tiny warehouse hides it.)
    assert value(amy, "Locality", BANBURY, Y2, "susp_rate")["suppressed"]
    row = value(view(con, "int_checked_area_measure_year"), "Locality", BANBURY, Y2, "susp_rate")
    assert row["estimated"] and row["n_withheld"] == 1
    assert row["value_low"] == pytest.approx(53 / 950 * 100)
    assert row["value_high"] == pytest.approx(54 / 950 * 100)
    assert row["value"] == pytest.approx(54 / 950 * 100)
    assert row["numerator"] == 54 and row["denominator"] == 950
    assert row["schools_numerator"] == 52
    assert row["n_schools"] == 2 and row["n_schools_missing"] == 1
    assert row["coverage_percent"] == pytest.approx(200 / 3)
    # the school itself: withheld at source, reported as suppressed with no number
    school = value(amy, "School", "100003", Y2, "susp_rate")
    assert school["suppressed"] and is_hidden(school)
    assert school["n_schools"] == 0 and school["n_schools_missing"] == 1
    # the same school's permanent exclusions were published and still count
    assert value(amy, "School", "100003", Y2, "perm_excl_rate")["value"] == pytest.approx(0.0)


def test_partnership_change_follows_school_year(amy):
    # 100002 (440 then 450 pupils) is in Banbury North in 2022/23 and Banbury South in 2023/24.
    # Banbury North 2022/23: 290 + 440 = 730; 2023/24: 300
    assert value(amy, "Partnership", BN, Y1, "exclusions_headcount")["value"] == 730
    assert value(amy, "Partnership", BN, Y2, "exclusions_headcount")["value"] == 300
    # Banbury South 2022/23: 210; 2023/24: 450 + 200 = 650
    assert value(amy, "Partnership", BS, Y1, "exclusions_headcount")["value"] == 210
    assert value(amy, "Partnership", BS, Y2, "exclusions_headcount")["value"] == 650
    # Banbury North 2022/23 suspension rate: (10 + 30) / (290 + 440) * 100 = 5.4795
    assert value(amy, "Partnership", BN, Y1, "susp_rate")["value"] == pytest.approx(40 / 730 * 100)
    assert value(amy, "School", "100002", Y2, "pupils")["parent_area"] == BS


def test_area_attributes(amy):
    assert value(amy, "Partnership", KS, Y2, "pupils")["parent_area"] == KINGS
    assert value(amy, "Locality", KINGS, Y2, "pupils")["parent_area"] == "Oxfordshire"
    school = value(amy, "School", "100004", Y2, "pupils")
    assert school["area_name"] == "Delta School" and school["urn"] == 100004
    assert school["locality"] == KINGS
    # a school in no partnership has no parent and no locality but is still listed
    zeta = value(amy, "School", "100006", Y2, "pupils")
    assert pd.isna(zeta["parent_area"]) and pd.isna(zeta["locality"]) and zeta["value"] == 105


def test_benchmarks(amy):
    # England 2023/24 perm_excl_rate 9000 / 9,000,000 * 100 = 0.1
    row = value(amy, "National", "England", Y2, "perm_excl_rate")
    assert row["value"] == pytest.approx(0.1) and pd.isna(row["n_schools"])
    assert value(amy, "LA", "Oxfordshire", Y2, "perm_excl_rate")["old_la_code"] == 931
    # a published count of 1 is suppressed like any other count
    scilly = value(amy, "LA", "Isles of Scilly", Y2, "perm_excl")
    assert scilly["suppressed"] and is_hidden(scilly)
    # a count measure has no denominator: value = numerator
    assert value(amy, "National", "England", Y2, "perm_excl")["value"] == 9000


def test_every_catalogue_measure_is_built(con, amy):
    catalogue = set(queries.list_measures(con)["measure"])
    assert set(amy.loc[amy["level"] == "School", "measure"]) == catalogue


def test_thresholds_come_from_config(tmp_path):
    config = {
        "council": {"name": "Oxfordshire"},
        "suppression": {"min_count": 5, "min_denominator": 10},
    }
    connection = tiny_connection(tmp_path, config)
    frame = view(connection, "area_measure_year")
    # with min_count 5, 100003's 2022/23 FSM count of 3 is now hidden
    assert value(frame, "School", "100003", Y1, "fsm_count")["suppressed"]
    # and Banbury's perm_excl of 3 too
    assert value(frame, "Locality", BANBURY, Y2, "perm_excl")["suppressed"]
    connection.close()


# --------------------------------------------------------------------------- named queries


def test_measure_by_area_partnerships_in_a_locality(con):
    frame = queries.measure_by_area(con, "Partnership", "susp_rate", "2023/24", parent=BANBURY)
    areas = frame[~frame["is_reference"]]
    # Banbury South (40 + 100003's 1 or 2, counted 2) / (450 + 200) = 6.46 and Banbury
    # North's 4.0 are both hidden here by complementary suppression: ranked last, by name
    assert list(areas["area"]) == [BN, BS]
    assert areas["suppressed"].all() and areas["value"].isna().all()
    refs = frame[frame["is_reference"]]
    assert set(refs["level"]) == {"County", "National", "Regional", "LA"}
    # the council's own region and LA only (not London, not Buckinghamshire)
    assert pick(refs, level="Regional")["area"] == "South East"
    assert pick(refs, level="Regional")["value"] == pytest.approx(8.0)  # 120000 / 1.5m * 100
    assert pick(refs, level="LA")["value"] == pytest.approx(8.5)  # 8500 / 100000 * 100
    # the county's figure is the DfE's for the LA (not its schools' 118 / 1658)
    assert pick(refs, level="County")["value"] == pytest.approx(8.5)
    assert pick(refs, level="County")["dfe_la_figure"]


def test_measure_by_area_quote_in_name_and_injection(con):
    frame = queries.measure_by_area(con, "Partnership", "pupils", Y2, parent=KINGS)
    # King's Sutton Schools 2023/24 pupils: 610 + 10 = 620
    assert pick(frame[~frame["is_reference"]], area=KS)["value"] == 620
    attack = queries.measure_by_area(con, "Partnership", "pupils", Y2, parent="x' OR '1'='1")
    assert attack["is_reference"].all()  # no partnership matches; only reference rows


def test_measure_by_area_schools_in_partnership_ranks_suppressed_last(con):
    frame = queries.measure_by_area(con, "School", "susp_rate", Y2, parent=KS)
    areas = frame[~frame["is_reference"]]
    # 100005's 1 suspension is hidden; 100004's 60 / 600 would give it back from the
    # partnership's 61, so it is hidden too (complementary suppression): both last, by name
    assert list(areas["area"]) == ["100004", "100005"]
    assert areas["suppressed"].tolist() == [True, True]


@pytest.mark.parametrize(
    ("level", "parent"),
    [("County", None), ("Locality", None), ("Partnership", None), ("Partnership", BANBURY)],
)
@pytest.mark.parametrize("measure", ["susp_rate", "pupils", "perm_excl"])
def test_measure_by_area_without_school_rows_is_the_same_query(con, level, parent, measure):
    """For any level but School measure_by_area runs measure_by_area_areas.sql, which never
    reads the School rows: it returns what measure_by_area.sql returns for that level."""
    params = {"level": level, "measure": measure, "time_period": Y2, "parent": parent}
    full = queries.run(con, "measure_by_area", **params)
    assert len(full) > 0 and (~full["is_reference"]).any()
    pd.testing.assert_frame_equal(queries.measure_by_area(con, **params), full)
    pd.testing.assert_frame_equal(queries.run(con, "measure_by_area_areas", **params), full)


@pytest.mark.parametrize("measure", ["susp_rate", "pupils", "ks4_attainment8"])
def test_measure_by_area_every_school_is_the_frame_duckdb_gives(con, measure):
    """Every school (no parent) is built through Arrow: the same frame, dtypes included, as
    DuckDB's .df() of the same query; so are school_points."""
    params = {"level": "School", "measure": measure, "time_period": Y2, "parent": None}
    frame = queries.measure_by_area(con, **params)
    assert (~frame["is_reference"]).sum() >= 3
    pd.testing.assert_frame_equal(frame, queries.run(con, "measure_by_area", **params))
    points = queries.school_points(con, Y2)
    assert len(points) > 3
    pd.testing.assert_frame_equal(points, queries.run(con, "school_points", time_period=Y2))


def test_area_measure_trend_with_references(con):
    frame = queries.area_measure_trend(con, "Locality", BANBURY, "susp_rate")
    own = frame[~frame["is_reference"]]
    # Banbury 2022/23: (10 + 30 + 3) / (290 + 440 + 210) * 100 = 43 / 940 * 100 = 4.5745
    assert own["time_period"].tolist() == [Y1, Y2]
    # 2023/24: (52 + 100003's 1 or 2, counted 2) / 950, hidden here by complementary
    # suppression
    assert own["value"].iloc[0] == pytest.approx(43 / 940 * 100)
    shown_unless_secondary(con, own.iloc[1], "value", 54 / 950 * 100, "Suspensions")
    assert set(frame.loc[frame["is_reference"], "series"]) == {"County", "England"}
    england = frame[frame["series"] == "England"]
    assert england["value"].tolist() == pytest.approx([9.0, 10.0])  # 810000/9m, 900000/9m
    bare = queries.area_measure_trend(con, "Locality", BANBURY, "susp_rate", references=False)
    assert len(bare) == 2 and not bare["is_reference"].any()


def test_area_measure_trend_for_a_school_by_urn(con):
    as_int = queries.area_measure_trend(con, "School", 100003, "fsm_count", references=False)
    as_text = queries.area_measure_trend(con, "School", "100003", "fsm_count", references=False)
    pd.testing.assert_frame_equal(as_int, as_text)
    assert as_int["suppressed"].tolist() == [False, True]  # 3 then 2
    assert as_int["value"].iloc[0] == 3
    assert (
        queries.area_measure_trend(con, "School", "1' OR '1'='1", "pupils")
        .query("not is_reference")
        .empty
    )


def test_locality_vs_county(con):
    frame = queries.locality_vs_county(con, BANBURY, Y2)
    assert frame["measure"].iloc[0] == "pupils"  # catalogue order
    perm = pick(frame, measure="perm_excl_rate")
    # Banbury 3/950*100 = 0.31579 vs the county's (the DfE's LA figure) 110/100000 = 0.11
    assert perm["value"] == pytest.approx(3 / 950 * 100)
    assert perm["county_value"] == pytest.approx(0.11)
    assert perm["difference"] == pytest.approx(3 / 950 * 100 - 0.11)
    assert perm["national_value"] == pytest.approx(0.1)
    assert perm["regional_value"] == pytest.approx(0.08)  # 1200 / 1.5m * 100
    assert perm["la_value"] == pytest.approx(0.11)  # 110 / 100000 * 100
    assert perm["compared_with_county"] == "worse"  # lower exclusions are better
    # King's Sutton suspensions 61/608*100 = 10.03 vs county 8.5 (the DfE's LA): worse
    kings = pick(queries.locality_vs_county(con, KINGS, Y2), measure="susp_rate")
    assert kings["compared_with_county"] == "worse"
    # FSM is neutral context: no verdict
    assert pd.isna(pick(frame, measure="fsm_percent")["compared_with_county"])
    # counts get a share of the county instead of a difference: 975 / 1700 * 100
    pupils = pick(frame, measure="pupils")
    assert pd.isna(pupils["difference"])
    assert pupils["percent_of_county"] == pytest.approx(975 / 1700 * 100)


def test_school_profile(con):
    frame = queries.school_profile(con, urn=100005)
    assert frame["time_period"].tolist() == [Y1, Y2]
    latest = pick(frame, time_period=Y2)
    assert latest["pupils"] == 10 and latest["fsm_percent"] == 0.0  # 0 of 10 is shown
    assert pd.isna(latest["susp"])  # 1 suspension: hidden
    assert "susp" in latest["suppressed_measures"] and "pupils" not in latest["suppressed_measures"]
    assert latest["partnership"] == KS and latest["phase"] == "Primary"
    moved = queries.school_profile(con, urn=100002)
    assert moved["partnership"].tolist() == [BN, BS]
    in_partnership = queries.school_profile(con, partnership=BS, time_period=Y2)
    assert sorted(in_partnership["urn"]) == [100002, 100003]
