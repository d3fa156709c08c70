"""exclusion_trend, exclusions_by_reason, exclusions_by_characteristic (hand-computed)."""

from __future__ import annotations

import pandas as pd
import pytest
from views_warehouse import (
    BANBURY,
    BN,
    BS,
    KINGS,
    Y1,
    Y2,
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


def test_exclusion_trend_locality(con):
    frame = queries.exclusion_trend(con, "Locality", BANBURY)
    assert frame["time_period"].tolist() == [Y1, Y2]
    y1, y2 = frame.iloc[0], frame.iloc[1]
    # 2022/23 Banbury: headcount 290 + 440 + 210 = 940; perm_excl 0 + 1 + 0 = 1 (hidden);
    # susp 10 + 30 + 3 = 43 -> 43 / 940 * 100 = 4.5745; one_plus 7 + 20 + 3 = 30 -> 3.1915
    assert y1["headcount"] == 940
    assert pd.isna(y1["perm_excl"]) and y1["perm_excl_suppressed"]
    assert pd.isna(y1["perm_excl_rate"]) and y1["perm_excl_rate_suppressed"]
    assert y1["susp"] == 43 and y1["susp_rate"] == pytest.approx(43 / 940 * 100)
    assert y1["one_plus_susp_rate"] == pytest.approx(30 / 940 * 100)
    # 2023/24 Banbury: perm_excl 1 + 2 + 0 = 3 (shown) / 950; susp 12 + 40 = 52 published
    # plus 100003's withheld 1 or 2 (its 200 pupils stay in the 950): the count, with no LA
    # row, counts the middle 1.5 (53.5 shown as 54), the rate the LA residual's cap, 2;
    # one_plus 8 + 25 + 2 = 35 / 950
    assert y2["headcount"] == 950 and y2["perm_excl"] == 3
    assert y2["perm_excl_rate"] == pytest.approx(3 / 950 * 100)
    assert not y2["perm_excl_estimated"]
    assert y2["n_schools_missing"] == 1
    # (in this tiny warehouse, complementary suppression may hide these: then never a number)
    shown_unless_secondary(con, y2, "susp", 54, "Suspensions")
    shown_unless_secondary(con, y2, "susp_rate", 54 / 950 * 100, "Suspensions")
    shown_unless_secondary(
        con, y2, "one_plus_susp_rate", 35 / 950 * 100, "Pupils with one or more suspensions"
    )
    # the estimate and its range, before any complementary suppression
    primary = (
        con.execute(
            "SELECT measure, value, value_low, value_high, estimated, schools_numerator"
            " FROM int_checked_area_measure_year WHERE level = 'Locality' AND area = ?"
            " AND time_period = ? AND measure IN ('susp', 'susp_rate')",
            [BANBURY, Y2],
        )
        .df()
        .set_index("measure")
    )
    assert tuple(primary.loc["susp", ["value_low", "value", "value_high"]]) == (53, 53.5, 54)
    assert primary.loc["susp", "schools_numerator"] == 52 and primary["estimated"].all()
    assert primary.loc["susp_rate", "value"] == pytest.approx(54 / 950 * 100)
    assert primary.loc["susp_rate", "value_low"] == pytest.approx(53 / 950 * 100)


def test_exclusion_trend_matches_area_measure_year(con):
    # the wide view is a pivot of the long one: the same numbers, not a second calculation
    amy = view(con, "area_measure_year")
    trend = view(con, "exclusion_trend")
    trend = trend[trend["level"].isin(queries.AREA_LEVELS)]
    assert len(trend) == 24  # 2 years x (6 schools + 3 partnerships + 2 localities + county)
    for _, row in trend.iterrows():
        long = pick(
            amy,
            level=row["level"],
            area=row["area"],
            time_period=row["time_period"],
            measure="susp_rate",
        )
        assert (pd.isna(row["susp_rate"]) and pd.isna(long["value"])) or row["susp_rate"] == long[
            "value"
        ]
        assert row["susp_rate_suppressed"] == long["suppressed"]


def test_exclusion_trend_school_and_tiny_school(con):
    tiny = queries.exclusion_trend(con, "School", 100005)
    latest = pick(tiny, time_period=Y2)
    # 8 pupils, 0 permanent exclusions, 1 suspension
    assert latest["headcount"] == 8
    shown_unless_secondary(con, latest, "perm_excl", 0, "Permanent exclusions")  # zero shown
    assert pd.isna(latest["susp"]) and latest["susp_suppressed"]  # 1 hidden
    assert pd.isna(latest["perm_excl_rate"]) and latest["perm_excl_rate_suppressed"]  # on 8 pupils
    withheld = pick(queries.exclusion_trend(con, "School", "100003"), time_period=Y2)
    assert pd.isna(withheld["susp"]) and withheld["susp_suppressed"]  # 'c' at source
    assert withheld["perm_excl_rate"] == pytest.approx(0.0)  # 0 of 200, published


def test_exclusion_trend_partnership_change(con):
    north = queries.exclusion_trend(con, "Partnership", BN)
    # 100002 counts in Banbury North in 2022/23 only: 290 + 440 = 730, then 300
    assert north["headcount"].tolist() == [730, 300]


def test_exclusions_by_reason(con):
    frame = queries.exclusions_by_reason(con, "Locality", BANBURY, "2023/24")
    pdb = pick(frame, reason="Persistent disruptive behaviour")
    # perm_excl 1 + 1 + 0 = 2 -> hidden; susp 8 + 25 = 33 (100003 withheld) over
    # 300 + 450 = 750 pupils -> 33 / 750 * 100 = 4.4
    assert pd.isna(pdb["perm_excl"]) and pdb["perm_excl_suppressed"]
    reason = "Persistent disruptive behaviour"
    shown_unless_secondary(con, pdb, "susp", 33, "Suspensions", "reason", reason)
    shown_unless_secondary(con, pdb, "susp_rate", 4.4, "Suspensions", "reason", reason)
    assert pdb["n_schools_missing"] == 1
    assault = pick(frame, reason="Physical assault against a pupil")
    # 100001 only: 4 suspensions -> 4 / 300 * 100. Its 0 permanent exclusions are hidden by
    # complementary suppression: the county's 0 minus this 0 would give back King's Sutton's
    # (hidden to protect its 3 for persistent disruption: the county's 5 minus it gives
    # Banbury's hidden 2)
    assert pd.isna(assault["perm_excl"]) and assault["perm_excl_suppressed"]
    reason = "Physical assault against a pupil"
    shown_unless_secondary(con, assault, "susp", 4, "Suspensions", "reason", reason)
    assert (
        len(queries.exclusions_by_reason(con, "Locality", BANBURY)) == 3
    )  # all years: only 2023/24


def test_exclusions_by_reason_withheld_school_cell(con):
    school = queries.exclusions_by_reason(con, "School", 100003, Y2)
    row = pick(school, reason="Persistent disruptive behaviour")
    assert pd.isna(row["susp"]) and row["susp_suppressed"]  # 'c' at source
    shown_unless_secondary(
        con,
        row,
        "perm_excl",
        0,
        "Permanent exclusions",
        "reason",
        "Persistent disruptive behaviour",
    )


def test_exclusions_by_characteristic_rates_within_group(con):
    frame = queries.exclusions_by_characteristic(con, "Locality", BANBURY, "Gender", Y2)
    assert frame["characteristic"].tolist() == ["Female", "Male"]
    male = pick(frame, characteristic="Male")
    female = pick(frame, characteristic="Female")
    # Banbury boys: headcount 150 + 230 = 380; perm 1 + 2 = 3; susp 9 + 30 = 39; one+ 6 + 18 = 24
    # girls: 150 + 220 = 370; perm 0; susp 3 + 10 = 13. In this tiny warehouse complementary
    # suppression hides some (King's Sutton's 100004 hides its 60 suspensions with 100005's
    # 1, and its boys and girls would give them back, and so on up): hidden, never a number.
    assert male["headcount"] == 380 and female["headcount"] == 370
    for group, perm, susp, pupils in ((male, 3, 39, 380), (female, 0, 13, 370)):
        part = f"Gender: {group['characteristic']}"
        family = ("Permanent exclusions", "group", part)
        shown_unless_secondary(con, group, "perm_excl", perm, *family)
        shown_unless_secondary(con, group, "perm_excl_rate", perm / pupils * 100, *family)
        family = ("Suspensions", "group", part)
        shown_unless_secondary(con, group, "susp", susp, *family)
        shown_unless_secondary(con, group, "susp_rate", susp / pupils * 100, *family)
    # Banbury South's boys stay shown: 30 / 230 * 100
    south = queries.exclusions_by_characteristic(con, "Partnership", BS, "Gender", Y2)
    assert pick(south, characteristic="Male")["susp_rate"] == pytest.approx(30 / 230 * 100)


def test_exclusions_by_characteristic_small_groups(con):
    frame = queries.exclusions_by_characteristic(con, "Partnership", BN, "SEN provision", Y2)
    ehc = pick(frame, characteristic="EHC plan")
    # 8 pupils with an EHC plan: the headcount (8 >= 3) is shown, 2 suspensions are not,
    # and every rate is hidden because the denominator 8 < 10
    assert ehc["headcount"] == 8
    assert pd.isna(ehc["susp"]) and ehc["susp_suppressed"]
    assert ehc["perm_excl_rate_suppressed"] and pd.isna(ehc["perm_excl_rate"])
    support = pick(frame, characteristic="SEN support")
    # 32 pupils, 0 permanent (rate 0.0 shown), 2 suspensions (rate hidden: numerator 2)
    assert (
        support["perm_excl_rate"] == pytest.approx(0.0) and not support["perm_excl_rate_suppressed"]
    )
    assert support["susp_rate_suppressed"] and pd.isna(support["susp_rate"])


def test_characteristic_groups_and_other_localities(con):
    groups = queries.characteristic_groups(con)
    assert groups["characteristic_group"].tolist() == ["Gender", "SEN provision"]
    kings = queries.exclusions_by_characteristic(con, "Locality", KINGS, "Gender", Y2)
    # King's Sutton boys: 100004 only, 45 / 300 * 100 = 15.0, hidden by complementary
    # suppression (above)
    boys = pick(kings, characteristic="Male")
    assert boys["susp_rate_suppressed"] and pd.isna(boys["susp_rate"])
    family = ("Permanent exclusions", "group", "Gender: Male")
    shown_unless_secondary(con, boys, "perm_excl_rate", 1.0, *family)  # 3 / 300
    assert queries.exclusions_by_characteristic(con, "Partnership", BS, "Gender", Y1).empty


@pytest.mark.parametrize(
    "stem", ["int_exclusion_characteristic", "int_exclusion_reason", "int_sen_need"]
)
def test_breakdown_rows_in_two_stored_parts(con, stem):
    """Each breakdown is stored in two parts, the School rows (``<stem>_schools``) and the
    areas' (``<stem>_areas``), each level in exactly one of them; ``<stem>_area_year`` is
    the two together."""
    # our own view names (parametrised above), not input
    count = "SELECT level, count(*) FROM {} GROUP BY level ORDER BY level"  # noqa: S608
    schools = dict(con.execute(count.format(f"{stem}_schools")).fetchall())
    areas = dict(con.execute(count.format(f"{stem}_areas")).fetchall())
    assert set(schools) == {"School"} and schools["School"] > 0
    assert set(areas) == {"Partnership", "Locality", "County"}
    assert dict(con.execute(count.format(f"{stem}_area_year")).fetchall()) == schools | areas


def test_reason_benchmarks_are_the_dfe_area_rows_suppressed(tmp_path):
    from views_warehouse import Y2, pick, tiny_connection

    import queries

    con = tiny_connection(tmp_path)
    rows = queries.reason_benchmarks(con, Y2)
    assert set(rows["level"]) == {"LA", "National"}  # the council's LA and England
    la = pick(rows, level="LA", reason="Bullying")
    # the DfE withheld the LA's permanent exclusions ('x'): suppressed, no share
    assert pd.isna(la["perm_excl"]) and la["perm_excl_suppressed"]
    assert la["susp"] == 40 and la["share_of_susp"] == 100.0
    england = pick(rows, level="National", reason="Bullying")
    assert england["perm_excl"] == 25 and england["share_of_perm"] == 100.0
