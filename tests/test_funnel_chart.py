"""explorer.funnel_chart: which units a funnel plot draws, the outlier table, over-dispersion,
trend tables and the comparator table, on small hand-made inputs worked out in comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis._dist import t_two_sided_p
from analysis.funnel import Overdispersion, proportion_limits, rate_limits
from explorer.funnel_chart import (
    BEYOND_HIGH,
    WITHIN,
    build_funnel,
    chart_limits,
    chart_points,
    comparator_summary,
    comparator_wide,
    funnel_alt_text,
    funnel_chart,
    measure_kind,
    outlier_table,
    overdispersion_is_clear,
    overdispersion_note,
    trend_table,
)


def units(rows: list[tuple[str, float | None, float | None, bool]]) -> pd.DataFrame:
    """funnel_units-shaped rows: (area, numerator, denominator, suppressed)."""
    return pd.DataFrame(
        {
            "area": [r[0] for r in rows],
            "area_name": [r[0] for r in rows],
            "parent_area": ["Banbury"] * len(rows),
            "numerator": [r[1] for r in rows],
            "denominator": [r[2] for r in rows],
            "suppressed": [r[3] for r in rows],
        }
    )


def test_measure_kind():
    assert measure_kind("per 100 pupils") == "rate"
    assert measure_kind("% of pupils") == "proportion"
    assert measure_kind("% of sessions") == "proportion"


def test_suppressed_and_missing_units_are_not_plotted():
    frame = units(
        [
            ("A", 100, 1000, False),
            ("B", None, None, True),  # suppressed: never drawn
            ("C", 110, 1000, False),
            ("D", None, None, False),  # no published figure
            ("E", 95, 1000, False),
        ]
    )
    funnel = build_funnel(frame, 10.0, "proportion")
    assert funnel.n_suppressed == 1
    assert funnel.n_no_data == 1
    assert chart_points(funnel)["area"].tolist() == ["A", "C", "E"]
    # 100 / 1000 = 10%, 110 / 1000 = 11%, 95 / 1000 = 9.5%
    assert chart_points(funnel)["value"].tolist() == pytest.approx([10.0, 11.0, 9.5])


def test_limits_are_analysis_limits_around_the_given_target():
    # Three units at 10%, 11%, 9.5% of 1,000: chance variation only (SE at 10% of 1,000 is
    # 0.95 points, z = 0, 1.05, -0.53; phi = mean z^2 < 1), so the limits are not widened.
    frame = units([("A", 100, 1000, False), ("C", 110, 1000, False), ("E", 95, 1000, False)])
    funnel = build_funnel(frame, 10.0, "proportion")
    assert funnel.tau2 == 0.0 and not funnel.adjusted
    limits = chart_limits(funnel)
    expected = proportion_limits(10.0, limits["denominator"])
    for ours, theirs in [
        ("lower_95", "lower_95"),
        ("upper_95", "upper_95"),
        ("lower_99_8", "lower_99_8"),
        ("upper_99_8", "upper_99_8"),
    ]:
        assert limits[ours].to_numpy() == pytest.approx(expected[theirs].to_numpy())
    assert (limits["county_rate"] == 10.0).all()
    # The grid spans the plotted denominators (all 1,000): 900 .. 1,050.
    assert limits["denominator"].min() == 900 and limits["denominator"].max() == 1050


def test_rate_limits_for_events_per_100():
    frame = units([("A", 20, 1000, False), ("C", 25, 1200, False)])
    funnel = build_funnel(frame, 2.0, "rate")
    expected = rate_limits(2.0, chart_limits(funnel)["denominator"], tau2=funnel.tau2)
    assert chart_limits(funnel)["upper_99_8"].to_numpy() == pytest.approx(
        expected["upper_99_8"].to_numpy()
    )


def test_outlier_table_by_hand():
    # Ten units of 1,000 pupils at exactly 10% and one at 20% (200 / 1,000).
    # At 10% of 1,000, SE = sqrt(0.1 * 0.9 / 1000) = 0.9487 points, so 20% is z = 10.5:
    # far beyond the 99.8% limit (about 10 + 3.09 * 0.95 = 12.9%). The winsorised z-scores
    # of the others are 0, so there is no over-dispersion and the limits stay exact.
    rows = [(f"P{i}", 100, 1000, False) for i in range(10)] + [("Hot", 200, 1000, False)]
    funnel = build_funnel(units(rows), 10.0, "proportion")
    assert not funnel.adjusted
    table = outlier_table(funnel, "% of pupils", "pupils", higher_is="worse")
    assert table["area"].tolist() == ["Hot"]
    row = table.iloc[0]
    assert row["band"] == BEYOND_HIGH
    assert row["z"] == pytest.approx(10.0 / (100 * math.sqrt(0.1 * 0.9 / 1000)))
    assert row["flag"] == "Outlier (beyond 99.8%)"
    assert 12.0 < row["upper_99_8"] < 13.5
    text = row["explanation"]
    assert text.startswith("20.0% against the county's 10.0% (worse than the county).")
    assert "less than 1 time in 1,000" in text and "1,000 pupils" in text
    assert f"{row['upper_99_8']:.1f}%" in text
    # Everyone else is inside the 95% limits.
    assert (funnel.points.loc[funnel.points["area"] != "Hot", "band"] == WITHIN).all()


def test_warning_band_explanation():
    # 20 units of 1,000 at 10% and one at 12.5%: z = 2.5 / 0.9487 = 2.64, between
    # the 95% (1.96) and 99.8% (3.09) limits.
    rows = [(f"P{i}", 100, 1000, False) for i in range(20)] + [("Warm", 125, 1000, False)]
    funnel = build_funnel(units(rows), 10.0, "proportion")
    table = outlier_table(funnel, "% of pupils", "pupils")
    assert table["area"].tolist() == ["Warm"]
    assert table.iloc[0]["flag"] == "Warning (beyond 95%)"
    assert "less than 1 time in 40" in table.iloc[0]["explanation"]
    assert "(worse than" not in table.iloc[0]["explanation"]  # neutral measure: no judgement


def test_overdispersion_is_clear_uses_the_chi_square_test():
    # n = 10 units: n * phi against the chi-square(9) upper 5% point, 16.919.
    assert overdispersion_is_clear(Overdispersion(phi=1.70, tau2=0.1, n_units=10))  # 17.0
    assert not overdispersion_is_clear(Overdispersion(phi=1.68, tau2=0.1, n_units=10))  # 16.8
    assert not overdispersion_is_clear(Overdispersion(phi=5.0, tau2=0.0, n_units=10))


def test_overdispersed_units_get_wider_limits_and_a_note():
    # Sessions-like data: 12 units of 100,000 sessions at 5%..10.5%: far more spread than
    # binomial chance (SE at 7% of 100,000 is 0.08 points), so tau^2 > 0 and the note shows.
    values = np.linspace(5.0, 10.5, 12)
    rows = [(f"U{i}", v * 1000, 100_000, False) for i, v in enumerate(values)]
    frame = units(rows)
    funnel = build_funnel(frame, 7.0, "proportion")
    assert funnel.adjusted and funnel.tau2 == pytest.approx(funnel.overdispersion.tau2)
    limits = chart_limits(funnel)
    expected = proportion_limits(7.0, limits["denominator"], tau2=funnel.tau2)
    assert limits["upper_95"].to_numpy() == pytest.approx(expected["upper_95"].to_numpy())
    note = overdispersion_note(funnel, "partnerships")
    assert note is not None and "widened" in note
    plain = build_funnel(frame, 7.0, "proportion", adjust_for_overdispersion=False)
    assert plain.tau2 == 0.0
    assert "not widened" in overdispersion_note(plain, "partnerships")
    # Unadjusted binomial limits would flag almost everyone.
    assert (plain.points["band"] != WITHIN).sum() >= 8


def test_chart_and_alt_text():
    rows = [(f"P{i}", 100, 1000, False) for i in range(10)] + [("Hot", 200, 1000, False)]
    funnel = build_funnel(units(rows), 10.0, "proportion")
    spec = funnel_chart(
        funnel, "EHC plans", "% of pupils", "Title", "Pupils on roll", "Partnership"
    ).to_dict()
    assert spec["title"] == "Title"
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Pupils on roll"
    assert spec["layer"][0]["encoding"]["y"]["title"] == "EHC plans (% of pupils)"
    text = funnel_alt_text(funnel, "EHC plans", "% of pupils", "2023/24", "partnerships")
    assert "11 partnerships" in text
    assert "1 above the 99.8% upper limit: Hot" in text
    assert "county rate of 10.0%" in text


def trend_rows(area: str, nums: list, dens: list, suppressed: list[bool] | None = None):
    years = [201718, 201819, 201920, 202021, 202122, 202223, 202324][: len(nums)]
    return pd.DataFrame(
        {
            "is_county": False,
            "area": area,
            "area_name": area,
            "parent_area": "Banbury",
            "time_period": years,
            "numerator": nums,
            "denominator": dens,
            "suppressed": suppressed or [False] * len(nums),
        }
    )


def test_trend_table_by_hand():
    # Exactly linear shares 10, 11, ..., 16% of 1,000 over seven years: no residual scatter
    # about the line, so phi = 1 and the statistic is plain Cochran-Armitage:
    # x = 0..6, xbar = 3, Sxx = 1000 * (9 + 4 + 1 + 0 + 1 + 4 + 9) = 28,000,
    # T = sum r (x - xbar) = -300 - 220 - 120 + 0 + 140 + 300 + 480 = 280,
    # p = 910 / 7000 = 0.13, chi2 = 280^2 / (0.13 * 0.87 * 28,000) = 78,400 / 3,166.8 = 24.757;
    # the over-dispersion allowance takes the p-value from t with 7 - 2 = 5 df: t = 4.9756.
    rising = trend_rows("Up", [100, 110, 120, 130, 140, 150, 160], [1000] * 7)
    flat = trend_rows("Flat", [100, 90, 110, 100, 100, 95, 105], [1000] * 7)
    # A suppressed year (numerator and denominator NULL) is left out of the test.
    gap = trend_rows(
        "Gap",
        [100, None, 120, 130, 140, 150, 160],
        [1000, None, 1000, 1000, 1000, 1000, 1000],
        [False, True, False, False, False, False, False],
    )
    table = trend_table(pd.concat([flat, rising, gap]), "proportion", "EHC plans", "neutral")
    by_area = table.set_index("area")
    up = by_area.loc["Up"]
    assert up["direction"] == "Rising"
    assert up["annual_change"] == pytest.approx(1.0)  # T / Sxx * 100 = 1 point a year
    assert up["p_value"] == pytest.approx(t_two_sided_p(math.sqrt(78_400 / 3_166.8), 5))
    assert up["p_value"] < 0.01
    assert up["change_text"] == "+1.0 percentage points a year"
    assert up["n_years"] == 7 and up["years_suppressed"] == 0
    assert by_area.loc["Flat", "direction"] == "No clear trend"
    assert by_area.loc["Gap", "n_years"] == 6 and by_area.loc["Gap", "years_suppressed"] == 1
    assert by_area.loc["Gap", "direction"] == "Rising"
    assert table["area"].tolist()[:2] == ["Gap", "Up"]  # rising first, then A-Z


def test_comparator_wide_shows_suppressed():
    data = pd.DataFrame(
        {
            "series": ["Oxon", "Oxon", "England", "England"],
            "role": ["County (DfE)", "County (DfE)", "England", "England"],
            "year": ["2022/23", "2023/24", "2022/23", "2023/24"],
            "time_period": [202223, 202324, 202223, 202324],
            "value": [0.123, None, 0.2, 0.25],
            "suppressed": [False, True, False, False],
        }
    )
    wide = comparator_wide(data, "per 100 pupils", ["2022/23", "2023/24"])
    assert wide.columns.tolist() == ["Area", "Compared as", "2022/23", "2023/24"]
    assert wide.iloc[0].tolist() == ["Oxon", "County (DfE)", "0.12", "Suppressed"]
    assert wide.iloc[1].tolist() == ["England", "England", "0.20", "0.25"]


def test_comparator_summary_by_hand():
    rows = [
        ("Oxon", "County (DfE)", 0.14),
        ("England", "England", 0.17),
        ("South East", "Region", 0.30),  # not a neighbour: not ranked
        ("Bucks", "Statistical neighbour", 0.25),
        ("Hants", "Statistical neighbour", 0.09),
        ("Staffs", "Statistical neighbour", None),  # no figure: not ranked
    ]
    data = pd.DataFrame(
        {
            "series": [r[0] for r in rows],
            "role": [r[1] for r in rows],
            "value": [r[2] for r in rows],
            "time_period": 202324,
            "year": "2023/24",
        }
    )
    text = comparator_summary(data, "Oxon", "Permanent exclusion rate", "per 100 pupils", "worse")
    # 0.14 < England's 0.17; among Oxon 0.14, Bucks 0.25, Hants 0.09 it is 2nd highest.
    assert text == (
        "Permanent exclusion rate in Oxon was 0.14 per 100 pupils in 2023/24, below (better "
        "than) England's 0.17. Among Oxon and the 2 statistical neighbours with a figure that "
        "year, it had the 2nd highest."
    )
    assert comparator_summary(data[data["series"] != "Oxon"], "Oxon", "x", "%") is None
    lowest = data.assign(value=data["value"].where(data["series"] != "Oxon", 0.05))
    assert comparator_summary(lowest, "Oxon", "x", "per 100 pupils").endswith("it had the lowest.")
