"""Funnel plots for comparing schools or areas (Spiegelhalter 2005).

A funnel plot shows each unit's value against its denominator, with control
limits around a target that narrow as the denominator grows: a small school can
be far from the target by chance alone, a large one cannot. Units outside the
99.8% limits are flagged.

Method (and why):

* Proportions (numerator is a subset of the denominator, unit "%"): exact
  binomial limits for every denominator, with Spiegelhalter's interpolation
  between the discrete quantiles so that the limits are smooth curves. The
  normal approximation is poor exactly where funnel plots matter (small schools
  and rare outcomes such as EHC plans), and the exact method costs nothing here
  because the binomial is summed on a window around its mean; for large
  denominators the two agree. ``method="normal"`` is available for comparison.
* Event rates that can exceed the population (suspensions, exclusions, "per 100
  pupils"): exact Poisson limits on the count with the same interpolation,
  divided by the denominator and multiplied by 100.
* Over-dispersion: when units differ by more than chance (absence measured in
  sessions, where one pupil's sessions are not independent, is the usual case)
  almost every unit falls outside limits built on binomial or Poisson variation.
  ``estimate_overdispersion`` gives Spiegelhalter's additive random-effects
  variance tau^2 from 10% winsorised z-scores; passing ``tau2`` to the limit
  functions and to ``funnel_points`` widens the limits to target +/- z *
  sqrt(s^2 + tau^2) (normal, as no exact form exists for that model).

Exact limits of a discrete distribution are not perfectly monotone: from one
denominator to the next they can wiggle by a fraction of one event (most visibly
when the expected count is below a few events). The interpolation makes this
small; it is a true feature of small counts, not an error, and limits drawn on
a log-spaced grid still read as a funnel.

All values, targets and limits are on the display scale: percent for
proportions, per 100 for rates. ``tau2`` is on the same scale, squared.

The z-score reported for each point is the usual (value - target) / standard
error at the target (Spiegelhalter's z). The band and the flag come from the
exact limits drawn on the chart, so for very small denominators a point can have
|z| > 3.09 and still lie inside the (wider, skewed) exact limits: the chart, the
band and the flag always agree with each other.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis._dist import binomial_quantiles, normal_cdf, poisson_quantiles
from contract.catalogue import unit_model

Kind = Literal["proportion", "rate"]
Method = Literal["exact", "normal"]

DEFAULT_Z_LEVELS: tuple[float, float] = (1.959964, 3.090232)  # two-sided 95% and 99.8%


# ---------------------------------------------------------------------------
# Level names


def _coverage(z: float) -> float:
    """Two-sided coverage in percent of +/- z, e.g. 1.959964 -> 95.0."""
    return 100.0 * (2.0 * normal_cdf(z) - 1.0)


def level_label(z: float) -> str:
    """'95%' or '99.8%' for a z level (coverage rounded to one decimal)."""
    return f"{round(_coverage(z), 1):g}%"


def level_key(z: float) -> str:
    """Column-safe key for a z level: '95' or '99_8' (dots confuse Altair field names)."""
    return f"{round(_coverage(z), 1):g}".replace(".", "_")


def limit_columns(z_levels: Sequence[float] = DEFAULT_Z_LEVELS) -> list[tuple[str, str, str]]:
    """(label, lower column, upper column) for each z level, e.g. ('95%', 'lower_95', 'upper_95')."""
    return [(level_label(z), f"lower_{level_key(z)}", f"upper_{level_key(z)}") for z in z_levels]


# ---------------------------------------------------------------------------
# Limits


def _check_z_levels(z_levels: Sequence[float]) -> list[float]:
    levels = [float(z) for z in z_levels]
    if not levels or any(not math.isfinite(z) or z <= 0 for z in levels):
        raise ValueError("z_levels must be positive numbers, e.g. (1.959964, 3.090232)")
    return levels


def _as_float_array(values: Iterable[float] | float) -> np.ndarray:
    series = pd.to_numeric(
        pd.Series(np.atleast_1d(np.asarray(values, dtype=object))), errors="coerce"
    )
    return series.to_numpy(dtype=float, na_value=np.nan)


def _limits_frame(
    target: float,
    denominators: np.ndarray,
    z_levels: list[float],
    lower_bound: float,
    upper_bound: float,
    exact_counts: Callable[[float, np.ndarray], np.ndarray],
    standard_error: Callable[[float], float],
    method: Method,
    tau2: float,
) -> pd.DataFrame:
    """Shared engine: exact limits via ``exact_counts(n, probs)`` or normal ones via ``standard_error(n)``."""
    if method not in ("exact", "normal"):
        raise ValueError("method must be 'exact' or 'normal'")
    if not math.isfinite(tau2) or tau2 < 0:
        raise ValueError("tau2 must be a non-negative number")
    probs = np.array([normal_cdf(-z) for z in z_levels] + [normal_cdf(z) for z in z_levels])
    out = np.full((len(denominators), len(probs)), np.nan)
    valid = np.isfinite(denominators) & (denominators > 0)
    use_exact = method == "exact" and tau2 == 0.0
    # Compute once per distinct denominator: funnels have many schools of equal size.
    for n in np.unique(denominators[valid]):
        if use_exact:
            limits = exact_counts(n, probs)
        else:
            # Normal limits, with the between-unit variance added when over-dispersed.
            half = np.array([-z for z in z_levels] + list(z_levels))
            limits = target + half * math.sqrt(standard_error(n) ** 2 + tau2)
        out[denominators == n] = limits
    k = len(z_levels)
    # With an expected count below one, the exact upper quantile can be 0 events,
    # i.e. below the target; no count lies between, so holding the limits on their
    # own side of the target changes no verdict and keeps the curves readable.
    out[:, :k] = np.minimum(out[:, :k], target)
    out[:, k:] = np.maximum(out[:, k:], target)
    out = np.clip(out, lower_bound, upper_bound)
    frame = pd.DataFrame({"denominator": denominators, "target": float(target)})
    for i, (_, lower_col, upper_col) in enumerate(limit_columns(z_levels)):
        frame[lower_col] = out[:, i]
        frame[upper_col] = out[:, len(z_levels) + i]
    return frame


def proportion_limits(
    target: float,
    denominators: Iterable[float] | float,
    z_levels: Sequence[float] = DEFAULT_Z_LEVELS,
    *,
    method: Method = "exact",
    tau2: float = 0.0,
) -> pd.DataFrame:
    """Funnel limits for a proportion, as percentages clipped to [0, 100].

    ``target`` is a percentage (e.g. 10.0 for 10%). Each denominator is rounded to a
    whole number of pupils (the binomial needs one). Returns one row per denominator,
    in the order given, with columns ``denominator, target, lower_95, upper_95,
    lower_99_8, upper_99_8`` (names follow ``z_levels``); non-positive or missing
    denominators give missing limits.
    """
    target = float(target)
    if not 0.0 <= target <= 100.0:
        raise ValueError(f"a proportion target must be a percentage in [0, 100], got {target}")
    levels = _check_z_levels(z_levels)
    dens = np.round(_as_float_array(denominators))
    theta = target / 100.0

    def exact_counts(n: float, probs: np.ndarray) -> np.ndarray:
        return 100.0 * binomial_quantiles(int(n), theta, probs) / n

    def standard_error(n: float) -> float:
        return 100.0 * math.sqrt(theta * (1.0 - theta) / n)

    return _limits_frame(
        target, dens, levels, 0.0, 100.0, exact_counts, standard_error, method, tau2
    )


def rate_limits(
    target_rate_per_100: float,
    denominators: Iterable[float] | float,
    z_levels: Sequence[float] = DEFAULT_Z_LEVELS,
    *,
    method: Method = "exact",
    tau2: float = 0.0,
) -> pd.DataFrame:
    """Funnel limits for an event rate per 100 (events may outnumber pupils), clipped at 0.

    The count of events in a unit of n pupils is taken as Poisson with mean
    target/100 * n; its interpolated quantiles are divided by n and multiplied by
    100. Same columns as :func:`proportion_limits`.
    """
    target = float(target_rate_per_100)
    if not math.isfinite(target) or target < 0.0:
        raise ValueError(f"a rate target must be a non-negative number per 100, got {target}")
    levels = _check_z_levels(z_levels)
    dens = _as_float_array(denominators)
    lam = target / 100.0

    def exact_counts(n: float, probs: np.ndarray) -> np.ndarray:
        return 100.0 * poisson_quantiles(lam * n, probs) / n

    def standard_error(n: float) -> float:
        # Var(100 * Y / n) = 100^2 * lam * n / n^2 = 100 * target / n.
        return math.sqrt(100.0 * target / n)

    return _limits_frame(
        target, dens, levels, 0.0, np.inf, exact_counts, standard_error, method, tau2
    )


def denominator_grid(denominators: Iterable[float], num: int = 150) -> np.ndarray:
    """Whole-number denominators, evenly spaced on a log scale, to draw smooth limit curves.

    Spans from a little below the smallest positive denominator (at least 1) to a
    little above the largest; the log spacing puts more points where the limits
    bend most.
    """
    dens = _as_float_array(list(denominators))
    dens = dens[np.isfinite(dens) & (dens > 0)]
    if dens.size == 0:
        return np.array([], dtype=float)
    low = max(1.0, math.floor(dens.min() * 0.9))
    high = max(low + 1.0, math.ceil(dens.max() * 1.05))
    return np.unique(np.round(np.geomspace(low, high, num)))


# ---------------------------------------------------------------------------
# Points


def _bands_for_labels(inner: str, outer: str) -> dict[str, str]:
    return {
        "within": f"within {inner}",
        "between_high": f"between {inner} and {outer} (high)",
        "between_low": f"between {inner} and {outer} (low)",
        "beyond_high": f"beyond {outer} (high)",
        "beyond_low": f"beyond {outer} (low)",
    }


def _bands(z_levels: Sequence[float]) -> dict[str, str]:
    inner, outer = (level_label(z) for z in z_levels)
    return _bands_for_labels(inner, outer)


def _order(b: dict[str, str]) -> list[str]:
    return [b["beyond_low"], b["between_low"], b["within"], b["between_high"], b["beyond_high"]]


def band_order(z_levels: Sequence[float] = DEFAULT_Z_LEVELS) -> list[str]:
    """Band labels from lowest to highest, for legends and sorting."""
    return _order(_bands(z_levels))


def funnel_points(
    df: pd.DataFrame,
    numerator_col: str,
    denominator_col: str,
    kind: Kind = "proportion",
    target: float | None = None,
    *,
    z_levels: Sequence[float] = DEFAULT_Z_LEVELS,
    method: Method = "exact",
    tau2: float = 0.0,
) -> pd.DataFrame:
    """Each unit's value, z-score, limits at its own denominator, band and flag.

    Adds columns ``numerator`` and ``denominator`` (copies of the named columns),
    ``value`` (100 * numerator / denominator), ``target``, ``se``
    (standard error at the target), ``z``, the limit columns of
    :func:`proportion_limits`, ``band`` ('within 95%', 'between 95% and 99.8%
    (high|low)', 'beyond 99.8% (high|low)') and ``flag`` ('High' / 'Low' beyond
    the 99.8% limits, else None). ``target`` (percent or per 100) defaults to the
    pooled 100 * sum(numerator) / sum(denominator) over rows where both are known
    and the denominator is positive; other rows get missing values, band None and
    flag None. ``z_levels`` must be (inner, outer).

    Raises ValueError for negative counts, or for a proportion whose numerator
    exceeds its denominator (use ``kind='rate'`` for events that can).
    """
    if kind not in ("proportion", "rate"):
        raise ValueError("kind must be 'proportion' or 'rate'")
    levels = _check_z_levels(z_levels)
    if len(levels) != 2 or levels[0] >= levels[1]:
        raise ValueError("funnel_points needs two z levels, inner then outer, e.g. (1.96, 3.09)")
    out = df.copy()
    num = _as_float_array(out[numerator_col])
    den = _as_float_array(out[denominator_col])
    known = np.isfinite(num) & np.isfinite(den)
    if np.any(known & ((num < 0) | (den < 0))):
        raise ValueError(f"negative values in {numerator_col!r} or {denominator_col!r}")
    if kind == "proportion" and np.any(known & (num > den)):
        raise ValueError(
            f"{numerator_col!r} exceeds {denominator_col!r} in some rows: not a proportion "
            "(use kind='rate' for events that can outnumber pupils)"
        )
    valid = known & (den > 0)

    if target is None:
        total = den[valid].sum()
        target = 100.0 * num[valid].sum() / total if total > 0 else math.nan
    target = float(target)

    value = np.full(len(out), np.nan)
    value[valid] = 100.0 * num[valid] / den[valid]
    # Standard names as well as the caller's, so charts need no column arguments.
    out["numerator"] = num
    out["denominator"] = den
    out["value"] = value
    out["target"] = target

    cols = limit_columns(levels)
    if not math.isfinite(target):
        # Nothing to compare with: keep the shape of the result, values missing.
        for name in ["se", "z"] + [c for _, lo, hi in cols for c in (lo, hi)]:
            out[name] = np.nan
        out["band"] = None
        out["flag"] = None
        return out

    limit_fn = proportion_limits if kind == "proportion" else rate_limits
    limits = limit_fn(target, np.where(valid, den, np.nan), levels, method=method, tau2=tau2)
    for _, lower_col, upper_col in cols:
        out[lower_col] = limits[lower_col].to_numpy()
        out[upper_col] = limits[upper_col].to_numpy()

    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            se = 100.0 * np.sqrt((target / 100.0) * (1.0 - target / 100.0) / den)
        else:
            se = np.sqrt(100.0 * target / den)
        se = np.where(valid, se, np.nan)
        spread = np.sqrt(se**2 + tau2)
        diff = value - target
        # A target of 0% or 100% has no spread: any departure is infinitely unlikely.
        z = np.where(spread > 0, diff / spread, np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
    out["se"] = se
    out["z"] = np.where(valid, z, np.nan)

    (_, lo_in, hi_in), (_, lo_out, hi_out) = cols
    names = _bands(levels)
    v = value
    # Points exactly on a limit count as inside it.
    band = np.select(
        [
            ~valid,
            v > out[hi_out].to_numpy(),
            v < out[lo_out].to_numpy(),
            v > out[hi_in].to_numpy(),
            v < out[lo_in].to_numpy(),
        ],
        [
            None,
            names["beyond_high"],
            names["beyond_low"],
            names["between_high"],
            names["between_low"],
        ],
        default=names["within"],
    )
    out["band"] = pd.Series(band, index=out.index, dtype=object)
    flag = np.select(
        [band == names["beyond_high"], band == names["beyond_low"]], ["High", "Low"], default=None
    )
    out["flag"] = pd.Series(flag, index=out.index, dtype=object)
    return out


def outliers(points: pd.DataFrame) -> pd.DataFrame:
    """The flagged rows of :func:`funnel_points`, most extreme (largest |z|) first."""
    flagged = points[points["flag"].notna()]
    order = flagged["z"].abs().sort_values(ascending=False, kind="stable").index
    return flagged.loc[order]


# ---------------------------------------------------------------------------
# Over-dispersion


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's over-dispersion estimates for a set of funnel points.

    ``phi`` is the mean squared winsorised z-score (1 when units vary only by
    chance); ``tau2`` the additive between-unit variance on the display scale
    squared (0 when there is no excess); ``n_units`` the number of units used.
    """

    phi: float
    tau2: float
    n_units: int

    @property
    def overdispersed(self) -> bool:
        """True when the units vary more than chance would explain (tau2 > 0)."""
        return self.tau2 > 0


def estimate_overdispersion(points: pd.DataFrame, winsorise: float = 0.1) -> Overdispersion:
    """Estimate phi and tau^2 (Spiegelhalter 2005) from unadjusted :func:`funnel_points` output.

    The z-scores are winsorised (the lowest and highest ``winsorise`` fraction
    pulled in to those percentiles) so that genuine outliers do not inflate the
    estimate; phi = mean(z^2); tau^2 = (I*phi - (I - 1)) / (sum w - sum w^2 / sum w)
    with w = 1/se^2, and 0 when I*phi <= I - 1 (DerSimonian-Laird).
    """
    if not 0.0 <= winsorise < 0.5:
        raise ValueError("winsorise must be in [0, 0.5)")
    usable = points[np.isfinite(points["z"]) & np.isfinite(points["se"]) & (points["se"] > 0)]
    count = len(usable)
    if count < 2:
        return Overdispersion(phi=math.nan, tau2=0.0, n_units=count)
    z = usable["z"].to_numpy(dtype=float)
    low, high = np.quantile(z, [winsorise, 1.0 - winsorise])
    z = np.clip(z, low, high)
    phi = float(np.mean(z**2))
    w = 1.0 / usable["se"].to_numpy(dtype=float) ** 2
    excess = count * phi - (count - 1)
    tau2 = max(0.0, excess / (w.sum() - (w**2).sum() / w.sum())) if excess > 0 else 0.0
    return Overdispersion(phi=phi, tau2=float(tau2), n_units=count)


def _funnel_model(unit: str) -> str | None:
    """'poisson' or 'binomial' where a funnel verdict holds for the unit's measures (the
    catalogue's statistics), None where it does not: over-dispersed shares (sessions)
    and measures that are not counts ('none')."""
    statistics, overdispersed = unit_model(unit)
    if statistics == "poisson" or (statistics == "binomial" and not overdispersed):
        return statistics
    return None


def funnel_test_name(unit: str) -> str | None:
    """The test :func:`differs_beyond_chance` applies for a unit, in words for a reader
    ('exact Poisson funnel, 95% limits'); None where it gives no verdict."""
    model = _funnel_model(unit)
    if model == "poisson":
        return "exact Poisson funnel, 95% limits"
    if model == "binomial":
        return "exact binomial funnel, 95% limits"
    return None


def differs_beyond_chance(
    unit: str, value: float | None, denominator: float | None, target: float | None
) -> bool | None:
    """Whether a figure differs from a target beyond chance: outside the 95% funnel limits
    around the target for its denominator. The one test behind every "significant" in the
    packs and every red or green tile.

    Tested only where the count model holds: proportions of pupils (exact binomial) and
    events per 100 pupils (exact Poisson). Shares of sessions (absence) are over-dispersed
    and means are not counts, so those get no verdict (None).
    """
    if value is None or target is None or denominator is None or not denominator > 0:
        return None
    if any(isinstance(x, float) and math.isnan(x) for x in (value, target, denominator)):
        return None
    model = _funnel_model(unit)
    if model not in ("poisson", "binomial") or (model == "binomial" and not 0 <= target <= 100):
        return None
    lower, upper = _limits_95(model, float(target), float(denominator))
    return not (lower <= value <= upper)


@functools.lru_cache(maxsize=65_536)
def _limits_95(model: str, target: float, denominator: float) -> tuple[float, float]:
    """The 95% limits around ``target`` for one denominator. Cached: every visitor to a page
    asks for the same few (a page's tiles and board rows), and each is an exact quantile."""
    limits = (rate_limits if model == "poisson" else proportion_limits)(target, [denominator])
    return float(limits["lower_95"].iloc[0]), float(limits["upper_95"].iloc[0])
