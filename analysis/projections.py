"""Ten-year projections of a yearly series (EHC plans) with prediction intervals, a backtest
that says how the method would have done from an earlier year, and a stock-and-flow model
of plans (new plans in, plans ceasing out) whose scenarios change the projected cost.

Pure functions (numpy, pandas): the SEND board draws what they return.

The trend is a straight line fitted by least squares to the logarithm of the figures
(steady growth of a fixed percentage a year). Its prediction interval for a year ``x`` is
the standard one for ordinary least squares, on the log scale and then turned back:

    log y  =  a + b x  ±  t(n - 2) · s · sqrt(1 + 1/n + (x - mean x)² / Sxx)

with ``s`` the residual standard deviation on n - 2 degrees of freedom: it allows for the
year-to-year scatter and for the uncertainty of the fitted line, and widens with distance
from the years it was fitted on. It assumes the growth rate stays what it was.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._dist import t_ppf

MIN_YEARS = 4
METHOD_TEXT = (
    "The projection continues the growth of the last {n} years: a straight line fitted to "
    "the logarithm of the figures, so the number grows by the same percentage each year "
    "({growth} a year here). The darker band is where 80 in 100 future figures would fall "
    "and the lighter one 95 in 100, if that growth continues and years scatter around it as "
    "they have so far; the bands widen the further ahead they look. A projection is not a "
    "forecast of policy: a change in how plans are issued or ended changes it."
)
BACKTEST_TEXT = (
    "The backtest asks how well this method would have done: fitted only on the years up to "
    "{origin}, it projected the years since, shown beside what happened."
)
STOCK_FLOW_TEXT = (
    "The scenario model follows the plans themselves: each year the plans maintained in "
    "January lose the share that ended in an average recent year ({ceasing} a year, worked "
    "out from the council's own figures) and gain the new plans issued, which grow by the "
    "rate you set. Cost is the plans maintained times the cost per plan you enter, with the "
    "share placed in independent special schools at their own cost."
)


class ProjectionError(ValueError):
    """The series cannot be projected (too short, or not positive): a plain sentence."""


@dataclass(frozen=True)
class Fit:
    """The fitted line on the log scale: log y = intercept + slope * year."""

    intercept: float
    slope: float
    residual_sd: float
    n: int
    mean_year: float
    sxx: float

    @property
    def growth(self) -> float:
        """The yearly growth the line implies: 0.05 = 5% a year."""
        return math.exp(self.slope) - 1.0


def fit_log_linear(years: Sequence[int], values: Sequence[float]) -> Fit:
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if len(x) < MIN_YEARS:
        raise ProjectionError(
            f"A projection needs at least {MIN_YEARS} years of figures; there are {len(x)}."
        )
    if not (np.isfinite(y).all() and (y > 0).all()):
        raise ProjectionError("A projection needs figures above zero in every year.")
    log_y = np.log(y)
    mean_x = float(x.mean())
    sxx = float(((x - mean_x) ** 2).sum())
    slope = float(((x - mean_x) * (log_y - log_y.mean())).sum() / sxx)
    intercept = float(log_y.mean() - slope * mean_x)
    residuals = log_y - (intercept + slope * x)
    residual_sd = math.sqrt(float((residuals**2).sum()) / (len(x) - 2))
    return Fit(intercept, slope, residual_sd, len(x), mean_x, sxx)


def project(years: Sequence[int], values: Sequence[float], horizon: int = 10) -> pd.DataFrame:
    """The observed years and ``horizon`` years ahead: year, kind ('observed' or
    'projected'), value, lower_80, upper_80, lower_95, upper_95 (bands on projected years)."""
    fit = fit_log_linear(years, values)
    last = int(max(years))
    ahead = np.arange(last + 1, last + 1 + horizon)
    rows = [
        {"year": int(y), "kind": "observed", "value": float(v)}
        for y, v in zip(years, values, strict=True)
    ]
    for year in ahead:
        centre = fit.intercept + fit.slope * year
        spread = fit.residual_sd * math.sqrt(1 + 1 / fit.n + (year - fit.mean_year) ** 2 / fit.sxx)
        row = {"year": int(year), "kind": "projected", "value": math.exp(centre)}
        for level in (80, 95):
            t = t_ppf(0.5 + level / 200, fit.n - 2)
            row[f"lower_{level}"] = math.exp(centre - t * spread)
            row[f"upper_{level}"] = math.exp(centre + t * spread)
        rows.append(row)
    return pd.DataFrame(rows)


def backtest(years: Sequence[int], values: Sequence[float], back: int = 5) -> pd.DataFrame:
    """Fit on the years up to ``back`` years before the last, project the years since, and
    set what happened beside it: year, projected, lower_80, upper_80, lower_95, upper_95,
    actual, error (projected - actual), within_80, within_95."""
    years, values = list(years), list(values)
    if back < 1:
        raise ProjectionError(
            f"A backtest needs more than {MIN_YEARS} years of figures; there are {len(years)}."
        )
    cut = len(years) - back
    if cut < MIN_YEARS:
        raise ProjectionError(
            f"A backtest from {back} years back needs {MIN_YEARS + back} years of figures; "
            f"there are {len(years)}."
        )
    projected = project(years[:cut], values[:cut], horizon=years[-1] - years[cut - 1])
    projected = projected[projected["kind"] == "projected"].drop(columns="kind")
    actual = pd.DataFrame({"year": years[cut:], "actual": values[cut:]})
    frame = projected.rename(columns={"value": "projected"}).merge(actual, on="year")
    return frame.assign(
        error=frame["projected"] - frame["actual"],
        within_80=frame["actual"].between(frame["lower_80"], frame["upper_80"]),
        within_95=frame["actual"].between(frame["lower_95"], frame["upper_95"]),
    )


def mean_absolute_percentage_error(test: pd.DataFrame) -> float:
    return float((test["error"].abs() / test["actual"]).mean() * 100)


def ceasing_rate(stock: dict[int, float], new: dict[int, float]) -> float | None:
    """The average share of plans that ended in a year, from the council's own figures:
    plans in January of year y + 1 = plans in January of y × (1 - rate) + new plans issued
    in y. None when no year has all three figures."""
    rates = [
        (stock[y] + new[y] - stock[y + 1]) / stock[y]
        for y in sorted(stock)
        if y + 1 in stock and y in new and stock[y] > 0
    ]
    if not rates:
        return None
    return float(min(0.5, max(0.0, float(np.mean(rates)))))


def stock_and_flow(
    start_year: int,
    start_stock: float,
    start_new: float,
    new_growth: float,
    ceasing: float,
    horizon: int = 10,
) -> pd.DataFrame:
    """Plans maintained each January from ``start_year`` (its stock) for ``horizon`` years:
    year, new (issued in the year before), ceased, stock. New plans grow by ``new_growth``
    a year (0.05 = 5%) from ``start_new``; a share ``ceasing`` of the stock ends each year."""
    rows = [{"year": start_year, "new": float("nan"), "ceased": float("nan"),
             "stock": float(start_stock)}]  # fmt: skip
    stock = float(start_stock)
    for k in range(1, horizon + 1):
        new = start_new * (1 + new_growth) ** k
        ceased = stock * ceasing
        stock = stock - ceased + new
        rows.append({"year": start_year + k, "new": new, "ceased": ceased, "stock": stock})
    return pd.DataFrame(rows)


def projected_cost(
    flow: pd.DataFrame, independent_share: float, cost_independent: float, cost_other: float
) -> pd.DataFrame:
    """``flow`` with the cost a year: plans × (share in independent special schools × their
    cost + the rest × the cost of other placements), and the plans in each."""
    independent = flow["stock"] * independent_share
    return flow.assign(
        independent=independent,
        cost=independent * cost_independent + (flow["stock"] - independent) * cost_other,
    )
