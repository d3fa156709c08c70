"""Funnel plot limits, points, outliers and over-dispersion (the chart: test_funnel_chart.py).

Expected values are worked by hand in the comments and recomputed here from
first principles (exact fractions for the binomial, direct sums for the
Poisson), never from the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis import (
    denominator_grid,
    estimate_overdispersion,
    funnel_points,
    outliers,
    proportion_limits,
    rate_limits,
)
from analysis._dist import t_two_sided_p

Z95, Z998 = 1.959964, 3.090232


# --- independent reference arithmetic ---------------------------------------------


def binom_cdf(n: int, p: Fraction, r: int) -> Fraction:
    """P(X <= r) for Binomial(n, p), exactly."""
    return sum(
        (Fraction(math.comb(n, k)) * p**k * (1 - p) ** (n - k) for k in range(r + 1)), Fraction(0)
    )


def poisson_cdf(mu: float, r: int) -> float:
    return math.fsum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(r + 1))


def interpolated(cdf, q: float) -> float:
    """Spiegelhalter: r = smallest count with F(r) >= q; limit r - (F(r) - q) / (F(r) - F(r-1))."""
    r = 0
    while float(cdf(r)) < q:
        r += 1
    upper = float(cdf(r))
    lower = float(cdf(r - 1)) if r > 0 else 0.0
    return r - (upper - q) / (upper - lower)


def tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))  # P(Z > z)


# --- proportion limits ---------------------------------------------------------------


def test_normal_approximation_limits_by_hand():
    # target p = 0.1, n = 100: SE = sqrt(0.1 * 0.9 / 100) = 0.03 (3 percentage points)
    # 95%:   10 +/- 1.959964 * 3 = 10 +/- 5.879892 -> 4.120108% .. 15.879892%
    # 99.8%: 10 +/- 3.090232 * 3 = 10 +/- 9.270696 -> 0.729304% .. 19.270696%
    row = proportion_limits(10.0, [100], method="normal").iloc[0]
    assert row["lower_95"] == pytest.approx(4.120108, abs=1e-6)
    assert row["upper_95"] == pytest.approx(15.879892, abs=1e-6)
    assert row["lower_99_8"] == pytest.approx(0.729304, abs=1e-6)
    assert row["upper_99_8"] == pytest.approx(19.270696, abs=1e-6)


def test_exact_binomial_limits_n100_p10():
    # Binomial(100, 0.1) CDF (exact fractions, printed to 7 dp):
    #   F(4) = 0.0237111 < 0.025 <= F(5) = 0.0575769   -> 2.5% quantile is 5
    #   F(15) = 0.9601095 < 0.975 <= F(16) = 0.9794012 -> 97.5% quantile is 16
    #   F(19) = 0.9980214 < 0.999 <= F(20) = 0.9991924 -> 99.9% quantile is 20
    p = Fraction(1, 10)

    def cdf(r):
        return binom_cdf(100, p, r)

    assert float(cdf(4)) < 0.025 <= float(cdf(5))
    assert float(cdf(15)) < 0.975 <= float(cdf(16))
    assert float(cdf(19)) < 0.999 <= float(cdf(20))
    # Interpolation:
    #   lower 95%:   5 - (0.0575769 - 0.025) / (0.0575769 - 0.0237111) = 5 - 0.961941 = 4.038059 -> 4.0381%
    #   upper 95%:  16 - (0.9794012 - 0.975) / (0.9794012 - 0.9601095) = 16 - 0.228139 = 15.771861
    #   upper 99.8%: 20 - (0.9991924 - 0.999) / (0.9991924 - 0.9980214) = 20 - 0.164320 = 19.835680
    row = proportion_limits(10.0, [100]).iloc[0]
    assert row["lower_95"] == pytest.approx(4.0381, abs=1e-4)
    assert row["upper_95"] == pytest.approx(15.7719, abs=1e-4)
    assert row["upper_99_8"] == pytest.approx(19.8357, abs=1e-4)
    # ... and to full precision against the exact-fraction reference, all four limits.
    for col, q in [("lower_95", tail(Z95)), ("upper_95", 1 - tail(Z95))]:
        assert row[col] == pytest.approx(interpolated(cdf, q), abs=1e-9)
    for col, q in [("lower_99_8", tail(Z998)), ("upper_99_8", 1 - tail(Z998))]:
        assert row[col] == pytest.approx(interpolated(cdf, q), abs=1e-9)


def test_exact_binomial_small_n_fully_by_hand():
    # Binomial(5, 0.1): P(0) = 0.9^5 = 0.59049; P(1) = 5 * 0.1 * 0.9^4 = 0.32805;
    # P(2) = 10 * 0.01 * 0.9^3 = 0.0729; P(3) = 10 * 0.001 * 0.81 = 0.0081
    # F: 0.59049, 0.91854, 0.99144, 0.99954
    # lower 95%: F(0) >= 0.025 so r = 0, limit = 0 - (0.59049 - 0.025)/0.59049 < 0 -> clipped to 0%
    # upper 95%: r = 2, alpha = (0.99144 - 0.975)/0.0729 = 0.225514 -> 1.774486/5 = 35.4897%
    # upper 99.8%: r = 3, alpha = (0.99954 - 0.999)/0.0081 = 0.066667 -> 2.933333/5 = 58.6667%
    # (the normal approximation would give 10 + 1.96 * 13.42 = 36.3% and 51.5%: too low)
    row = proportion_limits(10.0, [5]).iloc[0]
    assert row["lower_95"] == 0.0
    assert row["lower_99_8"] == 0.0
    assert row["upper_95"] == pytest.approx(35.4897, abs=1e-3)
    assert row["upper_99_8"] == pytest.approx(58.6667, abs=1e-3)


def test_proportion_limits_shape_and_bad_denominators():
    out = proportion_limits(10.0, [100, 0, None, float("nan"), -5])
    assert list(out.columns) == [
        "denominator",
        "target",
        "lower_95",
        "upper_95",
        "lower_99_8",
        "upper_99_8",
    ]
    assert out["lower_95"].notna().tolist() == [True, False, False, False, False]
    assert (out["target"] == 10.0).all()


def test_degenerate_targets():
    assert proportion_limits(0.0, [50]).iloc[0, 2:].tolist() == [0.0] * 4
    assert proportion_limits(100.0, [50]).iloc[0, 2:].tolist() == [100.0] * 4
    assert rate_limits(0.0, [50]).iloc[0, 2:].tolist() == [0.0] * 4
    with pytest.raises(ValueError):
        proportion_limits(120.0, [10])  # a percentage, not a fraction: 120% is impossible
    with pytest.raises(ValueError):
        rate_limits(-1.0, [10])


def test_exact_approaches_normal_for_large_n():
    exact = proportion_limits(20.0, [200_000]).iloc[0]
    normal = proportion_limits(20.0, [200_000], method="normal").iloc[0]
    # SE = 100 * sqrt(0.2 * 0.8 / 200000) = 0.0894 pp: the two should agree to ~0.002 pp.
    for col in ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]:
        assert exact[col] == pytest.approx(normal[col], abs=0.003)


# --- rate limits ---------------------------------------------------------------------


def test_poisson_limits_mean_two_by_hand():
    # 1 per 100 on 200 pupils -> expected count mu = 2.
    # Poisson(2) CDF: F(0)=0.135335, F(1)=0.406006, F(4)=0.947347, F(5)=0.983436,
    #                 F(7)=0.998903, F(8)=0.999763
    # lower 95%: r = 0 (F(0) >= 0.025) -> negative -> clipped to 0 per 100
    # upper 95%: r = 5, alpha = (0.983436 - 0.975)/(0.983436 - 0.947347) = 0.233755
    #            -> 4.766245 events / 200 * 100 = 2.3831 per 100
    # upper 99.8%: r = 8, F(8) = 0.99976255, F(7) = 0.99890328, P(8) = 0.00085927
    #            alpha = (0.99976255 - 0.999)/0.00085927 = 0.887441
    #            -> 7.112559 events / 200 * 100 = 3.55628 per 100
    assert poisson_cdf(2, 4) < 0.975 <= poisson_cdf(2, 5)
    assert poisson_cdf(2, 7) < 0.999 <= poisson_cdf(2, 8)
    row = rate_limits(1.0, [200]).iloc[0]
    assert row["lower_95"] == 0.0
    assert row["upper_95"] == pytest.approx(2.3831, abs=1e-4)
    assert row["upper_99_8"] == pytest.approx(3.55628, abs=1e-5)
    assert row["upper_99_8"] == pytest.approx(
        100 * interpolated(lambda r: poisson_cdf(2, r), 1 - tail(Z998)) / 200, abs=1e-9
    )


def test_poisson_limits_mean_twenty_both_sides():
    # 10 per 100 on 200 pupils -> mu = 20.
    # F(11) = 0.021387 < 0.025 <= F(12) = 0.039012 -> 2.5% quantile 12
    # lower 95%: 12 - (0.039012 - 0.025)/0.017625 = 12 - 0.79501 = 11.20499 -> 5.6025 per 100
    # F(29) = 0.978182 >= 0.975, F(28) = 0.965 < 0.975 -> 97.5% quantile 29
    assert poisson_cdf(20, 11) < 0.025 <= poisson_cdf(20, 12)
    assert poisson_cdf(20, 28) < 0.975 <= poisson_cdf(20, 29)
    row = rate_limits(10.0, [200]).iloc[0]
    assert row["lower_95"] == pytest.approx(5.6025, abs=1e-3)

    def cdf(r):
        return poisson_cdf(20, r)

    for col, q in [
        ("lower_95", tail(Z95)),
        ("upper_95", 1 - tail(Z95)),
        ("lower_99_8", tail(Z998)),
        ("upper_99_8", 1 - tail(Z998)),
    ]:
        assert row[col] == pytest.approx(100 * interpolated(cdf, q) / 200, abs=1e-9)


def test_rate_limits_can_exceed_100_and_normal_rate_by_hand():
    # 150 suspensions per 100 pupils is possible: limits are not capped at 100.
    assert rate_limits(150.0, [20]).iloc[0]["upper_95"] > 150.0
    # Normal: SE = sqrt(100 * 5 / 400) = sqrt(1.25) = 1.118034; 5 +/- 1.959964 * 1.118034
    #       = 5 +/- 2.191307 -> 2.808693 .. 7.191307 per 100
    row = rate_limits(5.0, [400], method="normal").iloc[0]
    assert row["lower_95"] == pytest.approx(2.808693, abs=1e-6)
    assert row["upper_95"] == pytest.approx(7.191307, abs=1e-6)


def test_tau2_widens_limits_by_hand():
    # 10 +/- 1.959964 * sqrt(3^2 + 16) = 10 +/- 1.959964 * 5 = 10 +/- 9.79982
    row = proportion_limits(10.0, [100], tau2=16.0).iloc[0]
    assert row["lower_95"] == pytest.approx(0.20018, abs=1e-5)
    assert row["upper_95"] == pytest.approx(19.79982, abs=1e-5)


# --- properties ------------------------------------------------------------------------

targets = st.floats(min_value=0.01, max_value=99.99, allow_nan=False)
sizes = st.integers(min_value=1, max_value=200_000)
LIMITS = ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]


@settings(max_examples=200, deadline=None)
@given(target=targets, n=sizes, method=st.sampled_from(["exact", "normal"]))
def test_limits_bracket_target_and_stay_in_range(target, n, method):
    row = proportion_limits(target, [n], method=method).iloc[0]
    assert 0.0 <= row["lower_99_8"] <= row["lower_95"] <= target
    assert target <= row["upper_95"] <= row["upper_99_8"] <= 100.0


@settings(max_examples=200, deadline=None)
@given(
    target=st.floats(min_value=0.01, max_value=500),
    n=sizes,
    method=st.sampled_from(["exact", "normal"]),
)
def test_rate_limits_bracket_target(target, n, method):
    row = rate_limits(target, [n], method=method).iloc[0]
    assert 0.0 <= row["lower_99_8"] <= row["lower_95"] <= target
    assert target <= row["upper_95"] <= row["upper_99_8"]


@settings(max_examples=200, deadline=None)
@given(target=targets, n1=sizes, n2=sizes)
def test_normal_limits_narrow_as_n_grows(target, n1, n2):
    assume(n1 < n2)
    a, b = proportion_limits(target, [n1, n2], method="normal")[LIMITS].to_numpy()
    assert b[0] >= a[0] and b[2] >= a[2]  # lower limits rise
    assert b[1] <= a[1] and b[3] <= a[3]  # upper limits fall


@settings(max_examples=300, deadline=None)
@given(
    target=targets,
    n1=st.integers(1, 50_000),
    factor=st.floats(1.5, 20),
    kind=st.sampled_from(["p", "r"]),
)
def test_exact_limits_narrow_as_n_grows(target, n1, factor, kind):
    # Exact limits of a discrete distribution wiggle by a fraction of one event between
    # neighbouring denominators, so the property is: a school 1.5 times the size or
    # more, with at least 3 expected events (and non-events), has limits no wider.
    n2 = math.ceil(n1 * factor)
    share = min(target, 100 - target) / 100 if kind == "p" else target / 100
    assume(n1 * share >= 3)
    fn = proportion_limits if kind == "p" else rate_limits
    a, b = fn(target, [n1, n2])[LIMITS].to_numpy()
    assert b[0] >= a[0] - 1e-9 and b[2] >= a[2] - 1e-9
    assert b[1] <= a[1] + 1e-9 and b[3] <= a[3] + 1e-9


# --- points and flags ---------------------------------------------------------------------


def test_point_beyond_z_309_is_flagged_and_inside_is_not():
    # Target 10%, n = 10,000: SE = 100 * sqrt(0.1 * 0.9 / 10000) = 0.3 pp.
    # 1,100 / 10,000 = 11.0%: z = 1.0 / 0.3 = 3.33 > 3.09 -> beyond 99.8%, flag High
    # 1,090 / 10,000 = 10.9%: z = 0.9 / 0.3 = 3.00 -> between 95% and 99.8%, no flag
    #   880 / 10,000 =  8.8%: z = -1.2 / 0.3 = -4.0 -> beyond 99.8%, flag Low
    # 1,030 / 10,000 = 10.3%: z = 1.0 -> within 95%
    df = pd.DataFrame(
        {"school": ["A", "B", "C", "D"], "n": [1100, 1090, 880, 1030], "d": [10_000] * 4}
    )
    pts = funnel_points(df, "n", "d", "proportion", target=10.0)
    assert pts["z"].round(4).tolist() == [3.3333, 3.0, -4.0, 1.0]
    assert pts["flag"].tolist() == ["High", None, "Low", None]
    assert pts["band"].tolist() == [
        "beyond 99.8% (high)",
        "between 95% and 99.8% (high)",
        "beyond 99.8% (low)",
        "within 95%",
    ]
    assert outliers(pts)["school"].tolist() == ["C", "A"]  # |z| 4.0 before 3.33


def test_small_school_with_extreme_rate_not_flagged_but_large_one_is():
    # Permanent exclusions, target 0.1 per 100. Both schools have 2 per 100.
    # Small school: 1 exclusion in 50 pupils. Naive z = (2 - 0.1)/sqrt(100 * 0.1 / 50)
    #   = 1.9 / 0.4472 = 4.25, yet with mu = 0.05 expected, P(Y >= 1) = 1 - e^-0.05 = 0.0488,
    #   far from a 0.1% tail. Exact upper 99.8%: F(1) = 0.99879090 < 0.999 <= F(2) = 0.99997993,
    #   P(2) = 0.00118904, alpha = (0.99997993 - 0.999)/0.00118904 = 0.824141
    #   -> 1.175859 events / 50 * 100 = 2.35172 per 100, above the school's 2.
    # Large school: 40 exclusions in 2,000 pupils, mu = 2: P(Y >= 40) is astronomically small.
    df = pd.DataFrame({"school": ["small", "large"], "excl": [1, 40], "pupils": [50, 2000]})
    pts = funnel_points(df, "excl", "pupils", "rate", target=0.1).set_index("school")
    assert pts.loc["small", "value"] == pytest.approx(2.0)
    assert pts.loc["small", "z"] == pytest.approx(4.249, abs=1e-3)
    assert pts.loc["small", "upper_99_8"] == pytest.approx(2.35172, abs=1e-5)
    assert pts.loc["small", "flag"] is None
    assert pts.loc["small", "band"] == "between 95% and 99.8% (high)"
    assert pts.loc["large", "flag"] == "High"


def test_target_defaults_to_pooled_rate():
    # (5 + 30 + 10) / (100 + 200 + 200) = 45 / 500 = 9%, not the mean of 5%, 15%, 5% (8.33%)
    df = pd.DataFrame({"n": [5, 30, 10, None, 0], "d": [100, 200, 200, 50, 0]})
    pts = funnel_points(df, "n", "d")
    assert pts["target"].iloc[0] == pytest.approx(9.0)
    assert pts["band"].iloc[3] is None and pts["band"].iloc[4] is None
    assert math.isnan(pts["value"].iloc[4])
    assert pts["value"].iloc[:3].tolist() == pytest.approx([5.0, 15.0, 5.0])


def test_points_reject_impossible_proportions_and_negative_counts():
    with pytest.raises(ValueError, match="not a proportion"):
        funnel_points(pd.DataFrame({"n": [11], "d": [10]}), "n", "d", "proportion")
    with pytest.raises(ValueError, match="negative"):
        funnel_points(pd.DataFrame({"n": [-1], "d": [10]}), "n", "d", "rate")
    # A rate can exceed 100 per 100.
    pts = funnel_points(pd.DataFrame({"n": [15, 1], "d": [10, 10]}), "n", "d", "rate")
    assert pts["value"].tolist() == [150.0, 10.0]


def test_points_with_no_usable_rows():
    pts = funnel_points(pd.DataFrame({"n": [None], "d": [0]}), "n", "d")
    assert pts["band"].tolist() == [None] and pts["flag"].tolist() == [None]
    assert outliers(pts).empty


def test_value_exactly_on_limit_counts_as_inside():
    # Target 50%, n = 100, normal, z levels 2 and 3: SE = 100 * sqrt(0.25/100) = 5 pp,
    # limits 50 +/- 10 = 40..60 and 50 +/- 15 = 35..65 (labels 95.4% and 99.7%).
    # 60 / 100 sits exactly on the inner limit: inside it. 65 / 100 on the outer: not flagged.
    df = pd.DataFrame({"n": [60, 65, 66], "d": [100, 100, 100]})
    pts = funnel_points(df, "n", "d", target=50.0, method="normal", z_levels=(2.0, 3.0))
    assert pts["upper_95_4"].tolist() == [60.0] * 3
    assert pts["upper_99_7"].tolist() == [65.0] * 3
    assert pts["band"].tolist() == [
        "within 95.4%",
        "between 95.4% and 99.7% (high)",
        "beyond 99.7% (high)",
    ]
    assert pts["flag"].tolist() == [None, None, "High"]


# --- over-dispersion ------------------------------------------------------------------------


def test_overdispersion_by_hand():
    # Ten schools of 400 pupils, target 10% -> SE = 100 * sqrt(0.09/400) = 1.5 pp, w = 1/2.25.
    # Values 10 +/- 3 (five each) -> z = +/-2 for all; winsorising changes nothing; phi = 4.
    # tau2 = (I*phi - (I-1)) / (sum w - sum w^2 / sum w) = (40 - 9) / (10/2.25 - 1/2.25)
    #      = 31 / 4 = 7.75 (pp^2)
    df = pd.DataFrame({"n": [52] * 5 + [28] * 5, "d": [400] * 10})
    pts = funnel_points(df, "n", "d", target=10.0)
    od = estimate_overdispersion(pts)
    assert od.phi == pytest.approx(4.0)
    assert od.tau2 == pytest.approx(7.75)
    assert od.overdispersed and od.n_units == 10
    # Adjusted z = 3 / sqrt(2.25 + 7.75) = 3 / sqrt(10) = 0.9487
    adj = funnel_points(df, "n", "d", target=10.0, tau2=od.tau2)
    assert adj["z"].abs().tolist() == pytest.approx([3 / math.sqrt(10)] * 10)


def test_no_overdispersion_when_scatter_is_binomial():
    # z = +/-0.5 everywhere: phi = 0.25 and I*phi < I - 1, so tau2 = 0.
    df = pd.DataFrame({"n": [43, 37] * 5, "d": [400] * 10})  # 10.75% and 9.25%: +/-0.75 pp
    od = estimate_overdispersion(funnel_points(df, "n", "d", target=10.0))
    assert od.phi == pytest.approx(0.25)
    assert od.tau2 == 0.0 and not od.overdispersed


# --- grid --------------------------------------------------------------------------------


def test_denominator_grid():
    grid = denominator_grid([30, 1200, None, 0])
    assert grid[0] == 27 and grid[-1] == 1260
    assert np.all(np.diff(grid) > 0)
    assert denominator_grid([]).size == 0


def test_t_distribution_helper_against_tables():
    # Two-sided 5% critical values of Student's t (statistical tables).
    for df, crit in [(1, 12.706205), (2, 4.302653), (3, 3.182446), (10, 2.228139)]:
        assert t_two_sided_p(crit, df) == pytest.approx(0.05, abs=1e-6)
