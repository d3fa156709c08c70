"""Small, dependency-free distribution helpers (numpy and the standard library only).

Why not scipy: the app needs only a handful of well-understood quantities (normal
quantiles, binomial and Poisson CDFs on a window around the mean, the chi-square
tail with one degree of freedom, Student's t tail with an integer number of
degrees of freedom). Each is a few lines here and is checked against exact
arithmetic in the tests, so the runtime does not carry a 40 MB dependency for them.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_STANDARD_NORMAL = NormalDist()

# Half-width of the window of counts (in standard deviations, plus a constant for
# tiny means) over which a discrete distribution is summed. By Bernstein's
# inequality the mass outside it is below 1e-14, negligible beside the 0.001 tail
# areas the funnel limits need.
_WINDOW_SDS = 20.0
_WINDOW_EXTRA = 20.0


def normal_cdf(x: float) -> float:
    """Standard normal cumulative distribution function."""
    return _STANDARD_NORMAL.cdf(x)


def normal_ppf(p: float) -> float:
    """Standard normal quantile function."""
    return _STANDARD_NORMAL.inv_cdf(p)


def chi2_1df_sf(x: float) -> float:
    """P(X > x) for a chi-square variable with one degree of freedom.

    X = Z**2 with Z standard normal, so P(X > x) = P(|Z| > sqrt(x)) = erfc(sqrt(x / 2)).
    """
    if x <= 0:
        return 1.0
    return math.erfc(math.sqrt(x / 2.0))


def t_two_sided_p(t: float, df: int) -> float:
    """P(|T| > |t|) for Student's t with an integer number of degrees of freedom.

    Closed forms from Abramowitz and Stegun 26.7.3 (odd df) and 26.7.4 (even df),
    with theta = atan(|t| / sqrt(df)).
    """
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    theta = math.atan(abs(t) / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df % 2 == 1:
        # A = (2/pi) * (theta + sin(theta) * [cos + (2/3)cos^3 + (2*4)/(3*5)cos^5 + ...])
        total, term = 0.0, c
        if df > 1:
            total = term
            for k in range(1, (df - 3) // 2 + 1):
                term *= (2 * k) / (2 * k + 1) * c * c
                total += term
        a = 2.0 / math.pi * (theta + s * total)
    else:
        # A = sin(theta) * [1 + (1/2)cos^2 + (1*3)/(2*4)cos^4 + ...]
        total, term = 1.0, 1.0
        for k in range(1, (df - 2) // 2 + 1):
            term *= (2 * k - 1) / (2 * k) * c * c
            total += term
        a = s * total
    return min(1.0, max(0.0, 1.0 - a))


def t_ppf(p: float, df: int) -> float:
    """The p quantile of Student's t with an integer number of degrees of freedom, by
    bisection on ``t_two_sided_p`` (which falls steadily as |t| grows), to 1e-12 relative."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_ppf(1.0 - p, df)
    tail = 2.0 * (1.0 - p)
    lo, hi = 0.0, 1.0
    while t_two_sided_p(hi, df) > tail:
        lo, hi = hi, 2.0 * hi
    while hi - lo > 1e-12 * hi:
        mid = 0.5 * (lo + hi)
        if t_two_sided_p(mid, df) > tail:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _interpolated_quantiles(first: int, pmf: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Spiegelhalter's interpolated quantiles of a discrete distribution on first, first+1, ...

    r_p is the smallest count with F(r_p) >= p, and the limit is r_p - alpha with
    alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)). The interpolation makes the limits
    smooth in the denominator instead of a staircase, and it is continuous in p, so a
    rounding error that moves r_p by one count moves the limit by almost nothing.
    """
    cdf = np.cumsum(pmf)
    idx = np.searchsorted(cdf, probs, side="left")
    idx = np.minimum(idx, len(cdf) - 1)
    upper = cdf[idx]
    lower = np.where(idx > 0, cdf[np.maximum(idx - 1, 0)], 0.0)
    alpha = (upper - probs) / (upper - lower)
    return first + idx - alpha


def _window_pmf(log_ratios: np.ndarray) -> np.ndarray:
    """Normalised probabilities from consecutive log ratios pmf(k+1)/pmf(k) on a window.

    Built by cumulative sums of log ratios rather than log-gamma calls so that it
    vectorises; the window holds all but a negligible part of the mass, so
    normalising by its sum gives the probabilities to double precision.
    """
    log_w = np.concatenate(([0.0], np.cumsum(log_ratios)))
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def binomial_quantiles(n: int, prob: float, probs: np.ndarray) -> np.ndarray:
    """Interpolated quantiles (as counts) of Binomial(n, prob) at each of ``probs``."""
    if prob <= 0.0:
        return np.zeros(len(probs))
    if prob >= 1.0:
        return np.full(len(probs), float(n))
    mean = n * prob
    half = _WINDOW_SDS * math.sqrt(n * prob * (1.0 - prob)) + _WINDOW_EXTRA
    first = max(0, math.floor(mean - half))
    last = min(n, math.ceil(mean + half))
    k = np.arange(first, last, dtype=float)  # ratios from k to k + 1
    log_ratios = np.log(n - k) - np.log(k + 1.0) + math.log(prob / (1.0 - prob))
    return _interpolated_quantiles(first, _window_pmf(log_ratios), probs)


def poisson_quantiles(mean: float, probs: np.ndarray) -> np.ndarray:
    """Interpolated quantiles (as counts) of Poisson(mean) at each of ``probs``.

    Summing the probabilities directly is equivalent to the usual gamma / chi-square
    route (P(Y <= r) = Q(r + 1, mean), the regularised upper incomplete gamma).
    """
    if mean <= 0.0:
        return np.zeros(len(probs))
    half = _WINDOW_SDS * math.sqrt(mean) + _WINDOW_EXTRA
    first = max(0, math.floor(mean - half))
    last = math.ceil(mean + half)
    k = np.arange(first, last, dtype=float)
    log_ratios = math.log(mean) - np.log(k + 1.0)
    return _interpolated_quantiles(first, _window_pmf(log_ratios), probs)
