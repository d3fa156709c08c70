"""Tests for a linear trend in a yearly proportion or rate.

* Proportions (numerator is a subset of the denominator): the Cochran-Armitage
  chi-square test for trend, with year as the score. This is the test R's
  ``prop.trend.test`` performs: chi^2 = T^2 / (p(1-p) * Sxx) with
  T = sum r_i (x_i - xbar), Sxx = sum n_i (x_i - xbar)^2, xbar = sum n_i x_i / N and
  p = R / N the pooled proportion.
* Event rates (events can outnumber pupils): the score test for the slope of a
  log-linear Poisson regression with log(denominator) as offset, evaluated at a
  zero slope. It has the same form without the (1 - p) factor: chi^2 =
  T^2 / (lambda * Sxx), lambda = R / N (the chi-square test for trend in rates).

Both are one-degree-of-freedom tests. The annual change reported is the slope
the statistic tests, T / Sxx (the denominator-weighted least-squares slope of
the yearly rate on year), times 100: percentage points a year, or per 100 a year.

Years are used as their numeric value, so a missing year leaves a gap rather than
pretending the years are consecutive. Years with a missing numerator or
denominator, or a zero denominator, carry no information and are dropped.

``overdispersion=True`` is for counts that are not independent trials (absence
in sessions: one pupil's sessions move together), where the plain test calls
trivial changes significant. The residual scatter of the yearly rates around the
fitted line, phi = X^2_residual / (k - 2) (at least 1), scales the statistic,
and the p-value comes from Student's t with k - 2 degrees of freedom
(quasi-likelihood). It needs at least three years.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from analysis._dist import chi2_1df_sf, t_two_sided_p

Kind = Literal["proportion", "rate"]
Direction = Literal["rising", "falling", "no clear trend"]

ALPHA = 0.05


def start_year(year: object) -> int | None:
    """The calendar year an academic or financial year starts in.

    202324, '2023/24', '2023-24', '2023/2024', 2023 and '2023' all give 2023; None gives None.
    """
    if year is None or (not isinstance(year, str) and pd.isna(year)):
        return None
    if isinstance(year, bool):
        raise ValueError(f"not a year: {year!r}")
    if isinstance(year, numbers.Real):
        value = int(year)
        if value != year:
            raise ValueError(f"not a year: {year!r}")
        if 100000 <= value <= 999999:  # time_period such as 202324
            return value // 100
        if 1000 <= value <= 9999:
            return value
        raise ValueError(f"not a year: {year!r}")
    match = re.fullmatch(r"\s*(\d{4})(?:\s*[/-]\s*\d{2}(?:\d{2})?|\d{2})?\s*", str(year))
    if not match:
        raise ValueError(f"not a year: {year!r}")
    return int(match.group(1))


def year_label(year: int) -> str:
    """2023 -> '2023/24' (academic year starting in that calendar year)."""
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class TrendResult:
    """Result of :func:`trend_test`.

    ``annual_change`` is in percentage points a year (proportions) or per 100 a
    year (rates); it and ``p_value`` are None when there is too little data to
    test (fewer than two usable years, or no events at all).
    """

    kind: Kind
    direction: Direction
    annual_change: float | None
    p_value: float | None
    statistic: float | None
    method: str
    n_years: int
    first_year: int | None
    last_year: int | None
    alpha: float = ALPHA

    @property
    def change_unit(self) -> str:
        """'percentage points' for proportions, 'per 100 pupils' for rates."""
        return "percentage points" if self.kind == "proportion" else "per 100 pupils"

    @property
    def tested(self) -> bool:
        """True when a p-value could be computed."""
        return self.p_value is not None

    @property
    def period(self) -> str:
        """'2019/20 to 2023/24', or '' when there are no usable years."""
        if self.first_year is None or self.last_year is None:
            return ""
        return f"{year_label(self.first_year)} to {year_label(self.last_year)}"

    def describe(self) -> str:
        """One plain-English sentence, e.g. 'Rising by about 0.40 percentage points a year ...'."""
        if not self.tested:
            if self.n_years < 2:
                return "Not enough years of data to test for a trend."
            return f"No events in {self.period}, so there is no trend to test."
        if self.direction == "no clear trend":
            return (
                f"No clear trend from {self.period} ({self.method}, {format_p(self.p_value)}): "
                "the changes are within what chance alone could produce."
            )
        word = "Rising" if self.direction == "rising" else "Falling"
        return (
            f"{word} by about {format_change(self.annual_change, self.kind)} {self.change_unit} "
            f"a year from {self.period} ({self.method}, {format_p(self.p_value)})."
        )


def format_p(p: float | None) -> str:
    """'p < 0.001' or 'p = 0.034'."""
    if p is None:
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def format_change(change: float | None, kind: Kind) -> str:
    """Absolute size of an annual change: 1 decimal for percentage points, 2 per 100.

    A change too small to show at that precision gets up to two more decimals,
    so a real but small change never reads as '0.0'.
    """
    if change is None:
        return ""
    decimals = 1 if kind == "proportion" else 2
    size = abs(change)
    for extra in range(3):
        text = f"{size:.{decimals + extra}f}"
        if float(text) != 0.0:
            return text
    return f"{size:.{decimals}f}"


def _clean(value: object) -> float | None:
    """A float, or None for None / NaN / pd.NA."""
    if value is None or pd.isna(value):
        return None
    return float(value)


def trend_test(
    years: Sequence[object],
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    kind: Kind = "proportion",
    *,
    alpha: float = ALPHA,
    overdispersion: bool = False,
) -> TrendResult:
    """Test for a linear trend over years in 100 * numerator / denominator.

    ``years`` may be time periods (202324), labels ('2023/24') or start years
    (2023); None entries, and years whose numerator or denominator is missing or
    whose denominator is zero, are dropped. ``kind`` is 'proportion'
    (Cochran-Armitage) or 'rate' (Poisson score test). Direction is 'rising' or
    'falling' when p < ``alpha``, else 'no clear trend'.
    """
    if kind not in ("proportion", "rate"):
        raise ValueError("kind must be 'proportion' or 'rate'")
    if not (len(years) == len(numerators) == len(denominators)):
        raise ValueError("years, numerators and denominators must have the same length")

    rows: dict[int, tuple[float, float]] = {}
    for year, num, den in zip(years, numerators, denominators, strict=True):
        x, r, n = start_year(year), _clean(num), _clean(den)
        if x is None or r is None or n is None:
            continue
        if r < 0 or n < 0:
            raise ValueError(f"negative count in {year_label(x)}")
        if kind == "proportion" and r > n:
            raise ValueError(f"numerator exceeds denominator in {year_label(x)}: not a proportion")
        if n == 0:
            continue
        if x in rows:
            raise ValueError(f"{year_label(x)} appears more than once")
        rows[x] = (r, n)

    method = (
        "Cochran-Armitage test for trend"
        if kind == "proportion"
        else "Poisson score test for trend in rates"
    )
    xs = sorted(rows)
    k = len(xs)
    first, last = (xs[0], xs[-1]) if xs else (None, None)

    def untested(change: float | None) -> TrendResult:
        return TrendResult(
            kind, "no clear trend", change, None, None, method, k, first, last, alpha
        )

    if k < 2 or (overdispersion and k < 3):
        return untested(None)

    # Years measured from the first one: same slope, no rounding from squaring 2000s.
    rows = {x - xs[0]: rows[x] for x in xs}
    xs = sorted(rows)
    r_total = sum(rows[x][0] for x in xs)
    n_total = sum(rows[x][1] for x in xs)
    p_bar = r_total / n_total
    x_bar = sum(rows[x][1] * x for x in xs) / n_total
    s_xx = sum(rows[x][1] * (x - x_bar) ** 2 for x in xs)
    t_stat = sum(rows[x][0] * (x - x_bar) for x in xs)
    slope = t_stat / s_xx  # events per pupil per year
    # Variance of one trial (binomial) or per unit of exposure (Poisson) under no trend.
    unit_variance = p_bar * (1.0 - p_bar) if kind == "proportion" else p_bar
    if unit_variance <= 0:
        # No events (or, for a proportion, all events): nothing varies, nothing to test.
        return untested(0.0)

    chi2 = t_stat**2 / (unit_variance * s_xx)
    if overdispersion:
        # Pearson residual scatter of the yearly rates about the fitted line.
        intercept = p_bar - slope * x_bar
        resid = 0.0
        for x in xs:
            r, n = rows[x]
            fitted = n * (intercept + slope * x)
            resid += (r - fitted) ** 2 / (n * unit_variance)
        phi = max(1.0, resid / (k - 2))
        chi2 /= phi
        p_value = t_two_sided_p(math.sqrt(chi2), k - 2)
        method += f", allowing for over-dispersion (phi = {phi:.1f})"
    else:
        p_value = chi2_1df_sf(chi2)

    change = 100.0 * slope
    if p_value < alpha and change != 0:
        direction: Direction = "rising" if change > 0 else "falling"
    else:
        direction = "no clear trend"
    return TrendResult(kind, direction, change, p_value, chi2, method, k, first, last, alpha)
