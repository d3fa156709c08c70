"""Projections (analysis/projections.py): a known trend is recovered, its intervals cover
what they say on synthetic series, a tiny series pins the output to numbers worked out here
by hand, the backtest is computed, and the stock-and-flow arithmetic and scenarios add up."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import projections
from analysis._dist import t_ppf
from analysis.projections import ProjectionError


def test_t_quantiles_match_the_tables() -> None:
    assert t_ppf(0.975, 5) == pytest.approx(2.570582, abs=1e-6)
    assert t_ppf(0.975, 1) == pytest.approx(12.706205, abs=1e-6)
    assert t_ppf(0.95, 10) == pytest.approx(1.812461, abs=1e-6)
    assert t_ppf(0.9, 4) == pytest.approx(1.533206, abs=1e-6)
    assert t_ppf(0.025, 5) == pytest.approx(-2.570582, abs=1e-6)


def test_an_exact_trend_is_recovered() -> None:
    years = list(range(2015, 2023))
    values = [200 * 1.08 ** (y - 2015) for y in years]
    fit = projections.fit_log_linear(years, values)
    assert fit.growth == pytest.approx(0.08, abs=1e-9)
    assert fit.residual_sd == pytest.approx(0.0, abs=1e-9)
    frame = projections.project(years, values, horizon=10)
    ahead = frame[frame["kind"] == "projected"]
    assert ahead["year"].tolist() == list(range(2023, 2033))
    assert ahead["value"].to_numpy() == pytest.approx(
        [200 * 1.08 ** (y - 2015) for y in range(2023, 2033)], rel=1e-9
    )
    assert ahead["upper_95"].to_numpy() == pytest.approx(ahead["value"].to_numpy(), rel=1e-6)


def test_the_intervals_cover_what_they_say_on_noisy_series() -> None:
    """400 seeded series of 10 years, 6% growth and 5% scatter: the next 5 true values fall
    inside the 95% band about 95 times in 100, and inside the 80% band about 80."""
    rng = np.random.default_rng(19)
    inside_95 = inside_80 = total = 0
    years = np.arange(2010, 2020)
    future = np.arange(2020, 2025)
    for _ in range(400):
        noise = rng.normal(0, 0.05, len(years) + len(future))
        truth = 500 * np.exp(0.06 * (np.r_[years, future] - 2010) + noise)
        frame = projections.project(years.tolist(), truth[: len(years)].tolist(), horizon=5)
        ahead = frame[frame["kind"] == "projected"]
        actual = truth[len(years) :]
        inside_95 += int(((ahead["lower_95"] <= actual) & (actual <= ahead["upper_95"])).sum())
        inside_80 += int(((ahead["lower_80"] <= actual) & (actual <= ahead["upper_80"])).sum())
        total += len(future)
    assert 0.93 <= inside_95 / total <= 0.97
    assert 0.76 <= inside_80 / total <= 0.84
    # and a wrong model fails it: intervals from the 80% band cover far fewer than 95 in 100
    assert inside_80 / total < 0.9


def test_a_tiny_series_gives_these_numbers() -> None:
    """Years 2015-2020, figures 100, 110, 121, 133.1, 146.41, 150: the line, its scatter and
    the 2021 band worked out by hand (x centred on 2017.5, Sxx = 17.5, t(0.975, 4))."""
    years = [2015, 2016, 2017, 2018, 2019, 2020]
    values = [100, 110, 121, 133.1, 146.41, 150]
    logs = [math.log(v) for v in values]
    xs = [y - 2017.5 for y in years]
    slope = sum(x * (ly - sum(logs) / 6) for x, ly in zip(xs, logs, strict=True)) / 17.5
    intercept_centred = sum(logs) / 6
    residuals = [ly - (intercept_centred + slope * x) for x, ly in zip(xs, logs, strict=True)]
    sd = math.sqrt(sum(r * r for r in residuals) / 4)
    centre = intercept_centred + slope * 3.5
    spread = sd * math.sqrt(1 + 1 / 6 + 3.5**2 / 17.5)
    (row,) = (
        projections.project(years, values, horizon=1)
        .query("kind == 'projected'")
        .to_dict("records")
    )
    assert row["value"] == pytest.approx(math.exp(centre), rel=1e-12)
    assert row["upper_95"] == pytest.approx(math.exp(centre + 2.7764451 * spread), rel=1e-6)
    assert row["lower_80"] == pytest.approx(math.exp(centre - 1.5332063 * spread), rel=1e-6)
    # the figures, fixed: growth 8.9% a year, 2021 projected 169.0 (95%: 153.9 to 185.4)
    assert projections.fit_log_linear(years, values).growth == pytest.approx(0.0889, abs=5e-5)
    assert (round(row["value"], 1), round(row["lower_95"], 1), round(row["upper_95"], 1)) == (
        169.0, 153.9, 185.4
    )  # fmt: skip


def test_the_backtest_is_computed_from_the_earlier_years() -> None:
    years = list(range(2012, 2023))
    values = [100 * 1.1 ** (y - 2012) for y in years]
    values[-1] = 200.0  # what happened in 2022 fell well below the trend (259.4)
    test = projections.backtest(years, values, back=5)
    assert test["year"].tolist() == [2018, 2019, 2020, 2021, 2022]
    assert test["projected"].to_numpy() == pytest.approx(
        [100 * 1.1 ** (y - 2012) for y in range(2018, 2023)], rel=1e-9
    )
    assert test["error"].iloc[:4].abs().max() == pytest.approx(0, abs=1e-6)
    assert test["error"].iloc[4] == pytest.approx(100 * 1.1**10 - 200, rel=1e-9)
    assert not test["within_95"].iloc[4]  # a perfect fit leaves no room for a surprise
    expected = (100 * 1.1**10 - 200) / 200 * 100 / 5
    assert projections.mean_absolute_percentage_error(test) == pytest.approx(expected)


def test_stock_and_flow_and_the_cost_of_a_scenario() -> None:
    # 1,000 plans, 200 new a year growing 10%, 5% ending a year
    flow = projections.stock_and_flow(2024, 1000, 200, 0.10, 0.05, horizon=2)
    assert flow["year"].tolist() == [2024, 2025, 2026]
    first = 1000 - 50 + 220
    assert flow["stock"].tolist() == pytest.approx([1000, first, first - first * 0.05 + 242])
    cost = projections.projected_cost(flow, 0.06, 60_000, 20_000)
    assert cost["cost"].iloc[0] == pytest.approx(60 * 60_000 + 940 * 20_000)
    # one point more in independent special schools costs 1% of the plans x the difference
    more = projections.projected_cost(flow, 0.07, 60_000, 20_000)
    assert (more["cost"] - cost["cost"]).to_numpy() == pytest.approx(
        (flow["stock"] * 0.01 * 40_000).to_numpy()
    )


def test_the_ceasing_rate_comes_from_the_councils_own_figures() -> None:
    # January 2022: 1,000; 150 new in 2022; January 2023: 1,100 -> 50 ended (5%)
    # January 2023: 1,100; 120 new in 2023; January 2024: 1,166 -> 54 ended (4.909%)
    stock = {2022: 1000, 2023: 1100, 2024: 1166}
    new = {2022: 150, 2023: 120}
    assert projections.ceasing_rate(stock, new) == pytest.approx((0.05 + 54 / 1100) / 2)
    assert projections.ceasing_rate({2022: 1000}, new) is None


@pytest.mark.parametrize(
    ("years", "values", "words"),
    [
        ([2020, 2021, 2022], [1, 2, 3], "at least 4 years"),
        ([2019, 2020, 2021, 2022], [1, 0, 3, 4], "above zero"),
    ],
)
def test_a_series_that_cannot_be_projected_says_why(years, values, words) -> None:
    with pytest.raises(ProjectionError, match=words):
        projections.project(years, values)
    with pytest.raises(ProjectionError, match="needs 9 years"):
        projections.backtest(list(range(2015, 2023)), [1.0] * 8, back=5)
