"""Trend tests on small tables worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.trend import format_change, format_p, start_year, trend_test, year_label


def test_cochran_armitage_by_hand():
    # Years 2021, 2022, 2023; 100 pupils each; 10, 20, 30 with the outcome.
    # N = 300, R = 60, p = 0.2; xbar = 2022; x - xbar = -1, 0, 1
    # T = sum r (x - xbar) = -10 + 0 + 30 = 20
    # Sxx = sum n (x - xbar)^2 = 100 + 0 + 100 = 200
    # chi^2 = T^2 / (p (1 - p) Sxx) = 400 / (0.16 * 200) = 12.5
    # p-value = P(chi^2_1 > 12.5) = erfc(sqrt(12.5 / 2)) = erfc(2.5) = 0.000407
    # slope = T / Sxx = 0.1 a year -> 10 percentage points a year
    result = trend_test([202122, 202223, 202324], [10, 20, 30], [100, 100, 100], "proportion")
    assert result.statistic == pytest.approx(12.5)
    assert result.p_value == pytest.approx(math.erfc(2.5))
    assert result.p_value == pytest.approx(0.000407, abs=1e-6)
    assert result.annual_change == pytest.approx(10.0)
    assert result.direction == "rising"
    assert (result.first_year, result.last_year, result.n_years) == (2021, 2023, 3)
    assert result.method == "Cochran-Armitage test for trend"
    assert result.describe() == (
        "Rising by about 10.0 percentage points a year from 2021/22 to 2023/24 "
        "(Cochran-Armitage test for trend, p < 0.001)."
    )


def test_falling_is_the_mirror_image():
    result = trend_test([2021, 2022, 2023], [30, 20, 10], [100, 100, 100], "proportion")
    assert result.statistic == pytest.approx(12.5)
    assert result.annual_change == pytest.approx(-10.0)
    assert result.direction == "falling"


def test_missing_years_keep_their_spacing():
    # 2022 is missing (None numerator) and 2024 has no pupils (zero denominator).
    # Used: 2019, 2021, 2023 with 10, 20, 30 of 100. x - xbar = -2, 0, 2
    # T = -20 + 60 = 40; Sxx = 100 * 4 * 2 = 800; chi^2 = 1600 / (0.16 * 800) = 12.5
    # slope = 40 / 800 = 0.05 -> 5 pp a year (not 10: the rise took four years, not two)
    result = trend_test(
        ["2019/20", "2020/21", "2021/22", None, "2023/24", "2024/25"],
        [10, None, 20, 99, 30, 0],
        [100, 100, 100, 100, 100, 0],
        "proportion",
    )
    assert result.n_years == 3
    assert result.annual_change == pytest.approx(5.0)
    assert result.statistic == pytest.approx(12.5)
    assert (result.first_year, result.last_year) == (2019, 2023)


def test_poisson_trend_by_hand():
    # Suspensions: 2019..2023, 1,000 pupils each, 10, 12, 15, 18, 25 suspensions.
    # N = 5000, R = 80, lambda = 0.016; x - xbar = -2, -1, 0, 1, 2
    # T = -20 - 12 + 0 + 18 + 50 = 36; Sxx = 1000 * (4 + 1 + 0 + 1 + 4) = 10000
    # chi^2 = T^2 / (lambda * Sxx) = 1296 / 160 = 8.1; p = erfc(sqrt(4.05)) = 0.00443
    # slope = 36 / 10000 = 0.0036 per pupil -> 0.36 per 100 a year
    result = trend_test(
        [201920, 202021, 202122, 202223, 202324],
        [10, 12, 15, 18, 25],
        [1000] * 5,
        "rate",
    )
    assert result.statistic == pytest.approx(8.1)
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(4.05)))
    assert result.p_value == pytest.approx(0.00443, abs=1e-5)
    assert result.annual_change == pytest.approx(0.36)
    assert result.direction == "rising"
    assert result.describe() == (
        "Rising by about 0.36 per 100 pupils a year from 2019/20 to 2023/24 "
        "(Poisson score test for trend in rates, p = 0.004)."
    )


def test_rates_may_exceed_denominator_but_proportions_may_not():
    assert trend_test([2021, 2022], [150, 160], [100, 100], "rate").tested
    with pytest.raises(ValueError, match="not a proportion"):
        trend_test([2021, 2022], [150, 160], [100, 100], "proportion")


def test_no_clear_trend():
    # 20, 21, 19 of 100: T = -20 + 19 = -1, chi^2 = 1 / (0.2 * 0.8 * 200) = 0.03125
    result = trend_test([2021, 2022, 2023], [20, 21, 19], [100, 100, 100], "proportion")
    assert result.statistic == pytest.approx(0.03125)
    assert result.direction == "no clear trend"
    assert result.describe() == (
        "No clear trend from 2021/22 to 2023/24 (Cochran-Armitage test for trend, p = 0.860): "
        "the changes are within what chance alone could produce."
    )


def test_too_little_data():
    one = trend_test([2023], [5], [100], "proportion")
    assert not one.tested and one.annual_change is None and one.direction == "no clear trend"
    assert one.describe() == "Not enough years of data to test for a trend."
    none = trend_test([2022, 2023], [None, None], [100, 100], "rate")
    assert none.n_years == 0 and none.first_year is None
    zero = trend_test([2021, 2022, 2023], [0, 0, 0], [100, 200, 300], "rate")
    assert not zero.tested and zero.annual_change == 0.0
    assert zero.describe() == "No events in 2021/22 to 2023/24, so there is no trend to test."


def test_bad_input():
    with pytest.raises(ValueError, match="more than once"):
        trend_test([202324, "2023/24"], [1, 2], [10, 10])
    with pytest.raises(ValueError, match="negative"):
        trend_test([2022, 2023], [-1, 2], [10, 10])
    with pytest.raises(ValueError, match="same length"):
        trend_test([2022, 2023], [1], [10, 10])
    with pytest.raises(ValueError):
        trend_test([2022, 2023], [1, 2], [10, 10], "mean")


def test_overdispersion_by_hand():
    # Absence-like: 2020..2023, 10,000 each; 500, 520, 480, 560 (5.0, 5.2, 4.8, 5.6%).
    # R = 2060, N = 40000, p = 0.0515, v = p(1-p) = 0.04884775; x - xbar = -1.5, -0.5, 0.5, 1.5
    # T = -750 - 260 + 240 + 840 = 70; Sxx = 10000 * 5 = 50000; slope = 0.0014 -> 0.14 pp a year
    # chi^2 = 4900 / (v * 50000) = 2.00623 -> plain p = erfc(sqrt(2.00623 / 2)) = 0.1567
    # Fitted 4.94, 5.08, 5.22, 5.36%; residuals 0.06, 0.12, -0.42, 0.24 pp
    # sum n d^2 = 10000 * (0.0006^2 + 0.0012^2 + 0.0042^2 + 0.0024^2) = 0.252
    # phi = (0.252 / v) / (4 - 2) = 2.57944; chi^2 / phi = 2 * 4900 / (50000 * 0.252) = 7/9
    # t^2 = 7/9 on 2 df: sin(theta)^2 = (7/18) / (1 + 7/18) = 7/25 -> p = 1 - sqrt(7)/5 = 0.470850
    args = ([2020, 2021, 2022, 2023], [500, 520, 480, 560], [10_000] * 4, "proportion")
    plain = trend_test(*args)
    assert plain.statistic == pytest.approx(2.00623, abs=1e-5)
    assert plain.p_value == pytest.approx(0.1567, abs=1e-4)
    adjusted = trend_test(*args, overdispersion=True)
    assert adjusted.statistic == pytest.approx(7 / 9)
    assert adjusted.p_value == pytest.approx(1 - math.sqrt(7) / 5)
    assert adjusted.annual_change == pytest.approx(0.14)
    assert adjusted.method.endswith("allowing for over-dispersion (phi = 2.6)")
    # Needs three years for a residual.
    assert not trend_test([2022, 2023], [1, 2], [10, 10], overdispersion=True).tested


def test_overdispersion_never_makes_a_trend_more_significant():
    # Points exactly on the line: residual 0, phi floored at 1; the t reference is wider.
    args = ([2020, 2021, 2022, 2023], [100, 110, 120, 130], [1000] * 4, "rate")
    assert trend_test(*args, overdispersion=True).p_value >= trend_test(*args).p_value


@settings(max_examples=100, deadline=None)
@given(
    rates=st.lists(st.integers(0, 100), min_size=3, max_size=8),
    n=st.integers(100, 5000),
)
def test_reversing_time_flips_the_sign_only(rates, n):
    years = list(range(2015, 2015 + len(rates)))
    nums = [round(r / 100 * n) for r in rates]
    forward = trend_test(years, nums, [n] * len(nums))
    backward = trend_test(years, nums[::-1], [n] * len(nums))
    if forward.tested:
        assert backward.p_value == pytest.approx(forward.p_value)
        assert backward.annual_change == pytest.approx(-forward.annual_change, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    nums=st.lists(st.integers(0, 50), min_size=2, max_size=8),
    dens=st.lists(st.integers(50, 500), min_size=8, max_size=8),
)
def test_p_value_is_a_probability(nums, dens):
    years = list(range(2010, 2010 + len(nums)))
    result = trend_test(years, nums, dens[: len(nums)], "proportion")
    if result.tested:
        assert 0.0 <= result.p_value <= 1.0
        assert np.isfinite(result.annual_change)


def test_year_helpers():
    for given_year in [202324, "2023/24", "2023-24", "2023/2024", 2023, "2023", np.int64(202324)]:
        assert start_year(given_year) == 2023
    assert start_year(None) is None
    with pytest.raises(ValueError):
        start_year("next year")
    assert year_label(2009) == "2009/10"
    assert year_label(2099) == "2099/00"
    assert format_p(0.0004) == "p < 0.001"
    assert format_p(0.04567) == "p = 0.046"
    assert format_change(-0.004, "proportion") == "0.004"  # never '0.0'
    assert format_change(0.36, "rate") == "0.36"
