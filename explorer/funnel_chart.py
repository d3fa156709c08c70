"""Funnel plots, outlier tables and trend summaries for the Statistical comparisons page.

Pure Python (pandas, Altair, analysis): no Streamlit and no database, so every number
the page shows can be recomputed in a test. The statistics come from ``analysis``
(Spiegelhalter funnel limits, over-dispersion, trend tests); this module chooses
which units are plotted (never suppressed ones), draws the chart, and writes the
plain-English explanations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from analysis._dist import normal_ppf
from analysis.funnel import (
    DEFAULT_Z_LEVELS,
    Kind,
    Overdispersion,
    band_order,
    denominator_grid,
    estimate_overdispersion,
    funnel_points,
    limit_columns,
    proportion_limits,
    rate_limits,
)
from analysis.sentences import comparison_sentence, format_measure, trend_sentence
from analysis.trend import TrendResult, format_change, format_p, trend_test
from contract import formats
from contract.catalogue import unit_format, unit_model
from explorer.charts import OKABE_ITO, title_lines

INNER_LABEL, OUTER_LABEL = (label for label, _, _ in limit_columns(DEFAULT_Z_LEVELS))
# Column names of the limits, e.g. lower_95 / upper_99_8.
(_, LOWER_INNER, UPPER_INNER), (_, LOWER_OUTER, UPPER_OUTER) = limit_columns(DEFAULT_Z_LEVELS)
BANDS = band_order(DEFAULT_Z_LEVELS)  # lowest to highest
BEYOND_LOW, BETWEEN_LOW, WITHIN, BETWEEN_HIGH, BEYOND_HIGH = BANDS

# Okabe-Ito, matching analysis.funnel: blue inside, orange between, vermillion beyond.
# Lowest to highest band. Low and high differ in colour (blues vs oranges, Okabe-Ito) AND in
# shape, and each band has its own shape, so neither colour nor shape alone carries the news;
# colour and shape encode the same field, so the legend shows each band's real symbol.
_BAND_COLOURS = ["#0072B2", "#56B4E9", "#7F7F7F", "#E69F00", "#D55E00"]
_BAND_SHAPES = ["triangle-down", "diamond", "circle", "square", "triangle-up"]
_TARGET_COLOUR = "#009E73"
_LIMIT_COLOUR = "#000000"

#: Plural nouns for the unit of comparison, by query-layer level.
UNIT_NOUNS = {"Locality": "localities", "Partnership": "partnerships", "School": "schools"}


def measure_kind(unit: str) -> Kind:
    """'rate' for a Poisson measure (events can outnumber pupils: per 100 pupils), else
    'proportion' (the catalogue's statistics for the unit)."""
    statistics, _overdispersed = unit_model(unit)
    return "rate" if statistics == "poisson" else "proportion"


def number_format(unit: str) -> str:
    """d3 format for values in this unit: 2 decimals per 100, 1 for percentages."""
    return unit_format(unit).d3


def _shown(value: float, unit: str) -> str:
    return unit_format(unit).short(value)


# --------------------------------------------------------------------------- funnel


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's numbers.

    ``points``: the plotted units (funnel_points output: value, z, band, flag, limits at
    each unit's own denominator). ``limits``: the control limits on a denominator grid.
    ``target``: the county rate. ``overdispersion``: the estimate from unadjusted
    points; ``tau2``: the between-unit variance actually used (0 = plain binomial or
    Poisson limits). ``n_suppressed`` / ``n_no_data``: units left off the chart.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    target: float
    kind: Kind
    overdispersion: Overdispersion
    tau2: float
    n_suppressed: int
    n_no_data: int

    @property
    def adjusted(self) -> bool:
        return self.tau2 > 0


def build_funnel(
    units: pd.DataFrame, target: float, kind: Kind, *, adjust_for_overdispersion: bool = True
) -> Funnel:
    """Funnel points and limits for the units of :func:`queries.funnel_units` (without the
    County row) around ``target`` (the county rate, on the display scale).

    Suppressed units are never plotted: a rate beside its denominator would give the
    hidden count away. Units without a published numerator and denominator are counted
    as having no data. When the units vary more than chance allows
    (``estimate_overdispersion``) and ``adjust_for_overdispersion`` is set, the limits
    are widened by the between-unit variance tau^2.
    """
    suppressed = units["suppressed"].fillna(False).astype(bool)
    usable = ~suppressed & units["numerator"].notna() & (units["denominator"] > 0)
    plotted = units.loc[usable].reset_index(drop=True)
    points = funnel_points(plotted, "numerator", "denominator", kind, target)
    overdispersion = estimate_overdispersion(points)
    clear = overdispersion_is_clear(overdispersion)
    tau2 = overdispersion.tau2 if adjust_for_overdispersion and clear else 0.0
    if tau2 > 0:
        points = funnel_points(plotted, "numerator", "denominator", kind, target, tau2=tau2)
    limit_fn = proportion_limits if kind == "proportion" else rate_limits
    limits = limit_fn(target, denominator_grid(points["denominator"]), tau2=tau2)
    return Funnel(
        points=points,
        limits=limits,
        target=float(target),
        kind=kind,
        overdispersion=overdispersion,
        tau2=float(tau2),
        n_suppressed=int(suppressed.sum()),
        n_no_data=int((~suppressed & ~usable).sum()),
    )


def overdispersion_is_clear(od: Overdispersion, alpha: float = 0.05) -> bool:
    """True when the units vary more than chance by a statistically clear margin.

    Spiegelhalter (2005): under no over-dispersion, n * phi is roughly chi-square with
    n - 1 degrees of freedom; the estimate tau^2 is positive for any phi a little above
    1, so the limits are only widened when n * phi exceeds that distribution's upper
    ``alpha`` point (Wilson-Hilferty approximation, good to a few parts in a thousand).
    """
    if not od.overdispersed or od.n_units < 3 or not math.isfinite(od.phi):
        return False
    df = od.n_units - 1
    z = normal_ppf(1.0 - alpha)
    critical = df * (1.0 - 2.0 / (9.0 * df) + z * math.sqrt(2.0 / (9.0 * df))) ** 3
    return od.n_units * od.phi > critical


def _direction(band: pd.Series) -> np.ndarray:
    text = band.astype(str)
    return np.select(
        [text.str.endswith("(high)"), text.str.endswith("(low)")], ["above", "below"], "inside"
    )


def chart_points(funnel: Funnel) -> pd.DataFrame:
    """Exactly the points the chart draws (and its CSV download holds)."""
    p = funnel.points
    return pd.DataFrame(
        {
            "area": p["area"],
            "area_name": p["area_name"],
            "parent_area": p["parent_area"],
            "numerator": p["numerator"],
            "denominator": p["denominator"],
            "value": p["value"],
            "county_rate": p["target"],
            "lower_95": p[LOWER_INNER],
            "upper_95": p[UPPER_INNER],
            "lower_99_8": p[LOWER_OUTER],
            "upper_99_8": p[UPPER_OUTER],
            "band": p["band"],
            "direction": _direction(p["band"]),
        }
    )


def chart_limits(funnel: Funnel) -> pd.DataFrame:
    """Exactly the limit curves the chart draws: denominator, county_rate and the limits."""
    lim = funnel.limits
    return pd.DataFrame(
        {
            "denominator": lim["denominator"],
            "county_rate": lim["target"],
            "lower_95": lim[LOWER_INNER],
            "upper_95": lim[UPPER_INNER],
            "lower_99_8": lim[LOWER_OUTER],
            "upper_99_8": lim[UPPER_OUTER],
        }
    )


def funnel_chart(
    funnel: Funnel,
    value_label: str,
    unit: str,
    title: str,
    denominator_label: str,
    unit_label: str,
    target_label: str = "County rate",
) -> alt.LayerChart:
    """Layered funnel plot: limit curves (dashed 95%, solid 99.8%), the county rate, the
    units (colour and shape by band, so colour is never the only cue) and the names of
    units beyond the 99.8% limits written beside them."""
    points = chart_points(funnel)
    limits = chart_limits(funnel)
    value_title = f"{value_label} ({unit})"
    fmt = number_format(unit)

    long_parts = []
    for label, lower, upper in (
        (INNER_LABEL, "lower_95", "upper_95"),
        (OUTER_LABEL, "lower_99_8", "upper_99_8"),
    ):
        for side, col in (("lower", lower), ("upper", upper)):
            part = limits[["denominator", col]].rename(columns={col: "limit"})
            long_parts.append(part.assign(level=f"{label} limits", line=f"{label} {side}"))
    lines_data = pd.concat(long_parts, ignore_index=True).dropna(subset=["limit"])

    # The y axis fits the points and the limits at the larger denominators; the limits
    # for the smallest denominators run off the chart (clipped) rather than squash it.
    values = points["value"].dropna()
    biggest = limits.iloc[len(limits) // 3 :] if len(limits) else limits
    top_candidates = [funnel.target, *values.tolist(), *biggest["upper_99_8"].dropna().tolist()]
    low_candidates = [funnel.target, *values.tolist(), *biggest["lower_99_8"].dropna().tolist()]
    top = max(top_candidates) * 1.1 if max(top_candidates) > 0 else 1.0
    bottom = max(0.0, min(low_candidates) * 0.9)
    if bottom < 0.35 * top:
        bottom = 0.0
    if unit_format(unit).is_percent:
        top = min(top, 100.0)  # a share never goes above the whole
    y_scale = alt.Scale(domain=[bottom, top], nice=True, zero=False)
    x_axis = alt.Axis(format=",.0f")

    lines = (
        alt.Chart(lines_data)
        .mark_line(clip=True, color=_LIMIT_COLOUR, strokeWidth=1.2, opacity=0.75)
        .encode(
            x=alt.X("denominator:Q", title=denominator_label, axis=x_axis),
            y=alt.Y("limit:Q", title=value_title, scale=y_scale, axis=alt.Axis(format=fmt)),
            detail="line:N",
            strokeDash=alt.StrokeDash(
                "level:N",
                scale=alt.Scale(
                    domain=[f"{INNER_LABEL} limits", f"{OUTER_LABEL} limits"],
                    range=[[6, 4], [1, 0]],
                ),
                legend=alt.Legend(title="Control limits", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("level:N", title="Limit"),
                alt.Tooltip("denominator:Q", title=denominator_label, format=",.0f"),
                alt.Tooltip("limit:Q", title=value_title, format=fmt),
            ],
        )
    )
    target_frame = pd.DataFrame({"target": [funnel.target], "label": [target_label]})
    target_rule = (
        alt.Chart(target_frame)
        .mark_rule(color=_TARGET_COLOUR, strokeWidth=2)
        .encode(
            y=alt.Y("target:Q", scale=y_scale, title=value_title),
            tooltip=[
                alt.Tooltip("label:N", title="Line"),
                alt.Tooltip("target:Q", title=value_title, format=fmt),
            ],
        )
    )
    target_text = (
        alt.Chart(target_frame)
        .mark_text(align="right", baseline="bottom", dy=-3, color=_TARGET_COLOUR, x="width")
        .encode(
            y=alt.Y("target:Q", scale=y_scale),
            text=alt.Text("label:N"),
        )
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=70, opacity=0.9, clip=True)
        .encode(
            x=alt.X("denominator:Q", title=denominator_label, axis=x_axis),
            y=alt.Y("value:Q", scale=y_scale, title=value_title),
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=BANDS[::-1], range=_BAND_COLOURS[::-1]),
                legend=alt.Legend(
                    title="Compared with the county",
                    orient="top",
                    direction="vertical",
                    labelLimit=320,
                ),
            ),
            shape=alt.Shape(
                "band:N",
                scale=alt.Scale(domain=BANDS[::-1], range=_BAND_SHAPES[::-1]),
                legend=alt.Legend(
                    title="Compared with the county",
                    orient="top",
                    direction="vertical",
                    labelLimit=320,
                ),
            ),
            tooltip=[
                alt.Tooltip("area_name:N", title=unit_label),
                alt.Tooltip("parent_area:N", title="Part of"),
                alt.Tooltip("value:Q", title=value_title, format=fmt),
                alt.Tooltip("numerator:Q", title="Numerator", format=",.0f"),
                alt.Tooltip("denominator:Q", title=denominator_label, format=",.0f"),
                alt.Tooltip("band:N", title="Compared with the county"),
            ],
        )
    )
    names = (
        alt.Chart(points[points["band"].isin([BEYOND_HIGH, BEYOND_LOW])])
        .mark_text(align="left", dx=7, fontSize=11, clip=True)
        .encode(
            x=alt.X("denominator:Q"),
            y=alt.Y("value:Q", scale=y_scale),
            text=alt.Text("area_name:N"),
        )
    )
    return alt.layer(lines, target_rule, target_text, dots, names).properties(
        title=title_lines(title), width="container", height=420
    )


def funnel_alt_text(
    funnel: Funnel, value_label: str, unit: str, year: str, unit_plural: str
) -> str:
    """What the funnel plot shows, for screen readers."""
    bands = funnel.points["band"]
    n = len(funnel.points)
    high = funnel.points.loc[bands == BEYOND_HIGH, "area_name"].tolist()
    low = funnel.points.loc[bands == BEYOND_LOW, "area_name"].tolist()
    between = int(bands.isin([BETWEEN_HIGH, BETWEEN_LOW]).sum())

    def names(items: list[str]) -> str:
        return ": " + ", ".join(items) if items else ""

    return (
        f"Funnel plot of {value_label.lower()} in {year} for {n} {unit_plural}, each plotted "
        f"against its size, with control limits around the county rate of "
        f"{format_measure(funnel.target, unit)}. "
        f"{len(high)} above the {OUTER_LABEL} upper limit{names(high)}. "
        f"{len(low)} below the {OUTER_LABEL} lower limit{names(low)}. "
        f"{between} between the {INNER_LABEL} and {OUTER_LABEL} limits; "
        f"the rest within the {INNER_LABEL} limits."
    )


# --------------------------------------------------------------------------- outliers

_CHANCE = {OUTER_LABEL: "less than 1 time in 1,000", INNER_LABEL: "less than 1 time in 40"}


def outlier_explanation(
    row: pd.Series | dict,
    unit: str,
    denominator_noun: str,
    higher_is: str = "neutral",
    adjusted: bool = False,
) -> str:
    """Plain English for one unit outside the 95% limits of a funnel plot."""
    band = row["band"]
    high = str(band).endswith("(high)")
    beyond = band in (BEYOND_HIGH, BEYOND_LOW)
    level = OUTER_LABEL if beyond else INNER_LABEL
    side = "upper" if high else "lower"
    limit = row[f"{side}_{'99_8' if beyond else '95'}"]
    judgement = ""
    if higher_is in ("better", "worse"):
        better = high == (higher_is == "better")
        judgement = " (better than the county)" if better else " (worse than the county)"
    chance = "Even allowing for the usual variation between areas, a" if adjusted else "A"
    head = (
        f"{_shown(row['value'], unit)} against the county's "
        f"{_shown(row['county_rate'], unit)}{judgement}. {chance} figure this "
        f"{'high' if high else 'low'} would happen by chance {_CHANCE[level]} for an area of "
        f"this size ({row['denominator']:,.0f} {denominator_noun}) whose true rate was the "
        f"county's: the {level} {side} limit at this size is {_shown(limit, unit)}."
    )
    if beyond:
        return head + " A real difference, worth looking into."
    return head + (
        f" One area in 20 lands outside the {INNER_LABEL} limits by chance, so watch this "
        "rather than act on it alone."
    )


def outlier_table(
    funnel: Funnel,
    unit: str,
    denominator_noun: str,
    higher_is: str = "neutral",
) -> pd.DataFrame:
    """Units outside the 95% limits, most extreme first (beyond 99.8% before between).

    Columns: area, area_name, parent_area, value, county_rate, numerator, denominator,
    lower_95, upper_95, lower_99_8, upper_99_8, band, z, flag ('Outlier (99.8%)' or
    'Warning (95%)'), explanation.
    """
    points = chart_points(funnel)
    points["z"] = funnel.points["z"].to_numpy()
    outside = points[points["band"] != WITHIN].copy()
    outside["flag"] = np.where(
        outside["band"].isin([BEYOND_HIGH, BEYOND_LOW]),
        f"Outlier (beyond {OUTER_LABEL})",
        f"Warning (beyond {INNER_LABEL})",
    )
    outside["explanation"] = [
        outlier_explanation(row, unit, denominator_noun, higher_is, funnel.adjusted)
        for _, row in outside.iterrows()
    ]
    outside["_beyond"] = outside["band"].isin([BEYOND_HIGH, BEYOND_LOW])
    outside["_abs_z"] = outside["z"].abs()
    outside = outside.sort_values(["_beyond", "_abs_z"], ascending=[False, False], kind="stable")
    return outside[
        [
            "area",
            "area_name",
            "parent_area",
            "value",
            "county_rate",
            "numerator",
            "denominator",
            "lower_95",
            "upper_95",
            "lower_99_8",
            "upper_99_8",
            "band",
            "z",
            "flag",
            "explanation",
        ]
    ].reset_index(drop=True)


def overdispersion_note(funnel: Funnel, unit_plural: str) -> str | None:
    """Plain English on over-dispersion, or None when the units vary only by chance."""
    od = funnel.overdispersion
    if not overdispersion_is_clear(od):
        return None
    sd = math.sqrt(od.tau2)
    text = (
        f"These {unit_plural} differ from each other more than chance alone would produce "
        f"(over-dispersion: the spread of their scores is {od.phi:.1f} times what chance "
        "allows, a statistically clear excess). This is common: areas differ in intake and "
        "practice, and absences and suspensions come in clusters, so limits built on chance "
        "alone would flag too many areas."
    )
    if funnel.adjusted:
        return text + (
            f" The limits have been widened to allow for the usual variation between areas "
            f"(a between-area standard deviation of {sd:.2f} on the rate scale), so only "
            "areas that stand out from that variation are flagged."
        )
    return text + " The limits shown are not widened, so treat flags with caution."


# --------------------------------------------------------------------------- trends


def _change_text(result: TrendResult) -> str:
    """'+0.73 per 100 pupils a year', '−1.0 percentage points a year', or '' untested."""
    change = result.annual_change
    if change is None:
        return ""
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return f"{sign}{format_change(change, result.kind)} {result.change_unit} a year"


def trend_table(
    trends: pd.DataFrame,
    kind: Kind,
    measure_label: str,
    higher_is: str = "neutral",
) -> pd.DataFrame:
    """One trend test per area of :func:`queries.funnel_trends` (County first).

    Suppressed years have no numerator or denominator and are left out of the test.
    Uses ``analysis.trend_test`` with the over-dispersion allowance (year-to-year
    variation beyond chance does not count as a trend). Columns: area, area_name,
    parent_area, is_county, direction, annual_change, change_text, p_value, p_text,
    n_years, years_suppressed, first_year, last_year, method, sentence.
    """
    rows = []
    for area, group in trends.groupby(["is_county", "area"], sort=False):
        result: TrendResult = trend_test(
            group["time_period"].tolist(),
            group["numerator"].tolist(),
            group["denominator"].tolist(),
            kind,
            overdispersion=True,
        )
        first = group.iloc[0]
        direction = {"rising": "Rising", "falling": "Falling"}.get(
            result.direction, "No clear trend"
        )
        if not result.tested:
            direction = "Not tested"
        rows.append(
            {
                "area": area[1],
                "area_name": first["area_name"],
                "parent_area": first["parent_area"],
                "is_county": bool(first["is_county"]),
                "direction": direction,
                "annual_change": result.annual_change,
                "change_text": _change_text(result),
                "p_value": result.p_value,
                "p_text": format_p(result.p_value) if result.tested else "",
                "n_years": result.n_years,
                "years_suppressed": int(group["suppressed"].fillna(False).astype(bool).sum()),
                "first_year": result.first_year,
                "last_year": result.last_year,
                "method": result.method,
                "sentence": trend_sentence(measure_label, first["area_name"], result, higher_is),
            }
        )
    columns = [
        "area",
        "area_name",
        "parent_area",
        "is_county",
        "direction",
        "annual_change",
        "change_text",
        "p_value",
        "p_text",
        "n_years",
        "years_suppressed",
        "first_year",
        "last_year",
        "method",
        "sentence",
    ]
    table = pd.DataFrame(rows, columns=columns)
    order = {"Rising": 0, "Falling": 1, "No clear trend": 2, "Not tested": 3}
    table["_order"] = table["direction"].map(order)
    table = table.sort_values(
        ["is_county", "_order", "area_name"], ascending=[False, True, True], kind="stable"
    )
    return table.drop(columns="_order").reset_index(drop=True)


def trend_change_chart(
    table: pd.DataFrame, kind: Kind, title: str, unit_label: str
) -> alt.LayerChart:
    """Dots for each area's annual change, shaped and coloured by direction, with a zero line."""
    change_unit = "percentage points a year" if kind == "proportion" else "per 100 pupils a year"
    data = table[["area_name", "direction", "annual_change", "p_text"]].dropna(
        subset=["annual_change"]
    )
    order = data.sort_values("annual_change", ascending=False)["area_name"].tolist()
    directions = ["Rising", "Falling", "No clear trend"]
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=80)
        .encode(
            y=alt.Y("area_name:N", sort=order, title=unit_label, axis=alt.Axis(labelLimit=320)),
            x=alt.X("annual_change:Q", title=f"Change ({change_unit})"),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=directions, range=[OKABE_ITO[5], OKABE_ITO[0], "#6f777b"]),
                legend=alt.Legend(title="Trend"),
            ),
            shape=alt.Shape(
                "direction:N",
                scale=alt.Scale(
                    domain=directions, range=["triangle-up", "triangle-down", "circle"]
                ),
                legend=alt.Legend(title="Trend"),
            ),
            tooltip=[
                alt.Tooltip("area_name:N", title=unit_label),
                alt.Tooltip("direction:N", title="Trend"),
                alt.Tooltip("annual_change:Q", title=f"Change ({change_unit})", format=",.3f"),
                alt.Tooltip("p_text:N", title="p-value"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#505a5f").encode(x="zero:Q")
    return alt.layer(zero, dots).properties(title=title, width="container", height=alt.Step(24))


# --------------------------------------------------------------------------- comparators


def comparator_series(comparators: pd.DataFrame, council_name: str) -> pd.DataFrame:
    """Rows of :func:`queries.comparator_trend` for the chart: one series per area, the county
    from the DfE's own LA row when published (so it is measured like its neighbours), else
    summed from our schools. Adds ``series`` (the name shown) and keeps suppressed years as
    gaps (value NULL)."""
    has_dfe = (comparators["role"] == "County (DfE)").any()
    drop = "County (our schools)" if has_dfe else "County (DfE)"
    data = comparators[comparators["role"] != drop].copy()
    data["series"] = np.where(
        data["role"].str.startswith("County"), council_name, data["area_name"]
    )
    return data


def comparator_chart(
    data: pd.DataFrame, council_name: str, value_label: str, unit: str, title: str
) -> alt.LayerChart:
    """Lines over years: the county thick and black, England dashed, the region dotted and
    each statistical neighbour a thin coloured line, each line named at its last point."""
    fmt = number_format(unit)
    value_title = f"{value_label} ({unit})"
    roles = data.drop_duplicates("series")[["series", "role"]]
    neighbours = roles.loc[roles["role"] == "Statistical neighbour", "series"].tolist()
    domain = [council_name, "England"]
    domain += roles.loc[roles["role"] == "Region", "series"].tolist() + neighbours
    palette = iter([OKABE_ITO[i] for i in (0, 1, 2, 3, 4, 6)] * 3)
    colours = ["#000000", OKABE_ITO[5]] + [next(palette) for _ in domain[2:]]
    dash_for = {"Region": [2, 2], "England": [6, 3]}
    data = data.assign(
        dash=data["role"].map(lambda r: "Reference" if r in dash_for else "Local authority"),
        width=np.where(data["role"].str.startswith("County"), 3.5, 1.6),
    )
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Academic year"),
        y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=fmt)),
        color=alt.Color(
            "series:N", scale=alt.Scale(domain=domain, range=colours), legend=alt.Legend(title=None)
        ),
    )
    lines = base.mark_line(point=True).encode(
        strokeDash=alt.StrokeDash(
            "dash:N",
            scale=alt.Scale(domain=["Local authority", "Reference"], range=[[1, 0], [6, 3]]),
            legend=None,
        ),
        strokeWidth=alt.StrokeWidth("width:Q", legend=None),
        tooltip=[
            alt.Tooltip("series:N", title="Area"),
            alt.Tooltip("role:N", title="Compared as"),
            alt.Tooltip("year:O", title="Academic year"),
            alt.Tooltip("value:Q", title=value_title, format=fmt),
        ],
    )
    last = data.dropna(subset=["value"]).sort_values("time_period").groupby("series").tail(1)
    labels = (
        alt.Chart(last)
        .mark_text(align="left", dx=6, fontSize=11)
        .encode(x="year:O", y="value:Q", text="series:N", color=alt.Color("series:N", legend=None))
    )
    return alt.layer(lines, labels).properties(title=title, width="container", height=360)


def comparator_wide(data: pd.DataFrame, unit: str, years: Sequence[str]) -> pd.DataFrame:
    """One row per area, one column per year, values as displayed ('Suppressed' when hidden)."""

    def shown(row: pd.Series) -> str:
        if bool(row["suppressed"]):
            return formats.SUPPRESSED
        if pd.isna(row["value"]):
            return formats.NO_DATA
        return _shown(float(row["value"]), unit)

    cells = data.assign(shown=data.apply(shown, axis=1))
    wide = cells.pivot_table(
        index=["series", "role"], columns="year", values="shown", aggfunc="first", sort=False
    )
    wide = wide.reindex(columns=[y for y in years if y in wide.columns]).fillna(formats.NO_DATA)
    return wide.reset_index().rename(columns={"series": "Area", "role": "Compared as"})


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def comparator_summary(
    series: pd.DataFrame, council_name: str, label: str, unit: str, higher_is: str = "neutral"
) -> str | None:
    """Plain English for the latest year in :func:`comparator_series` output: the county
    against England, and its rank among itself and the statistical neighbours (1st =
    highest). None when the county has no published figure in any year."""
    county = series[(series["series"] == council_name) & series["value"].notna()]
    if county.empty:
        return None
    latest = county.sort_values("time_period").iloc[-1]
    year_rows = series[(series["time_period"] == latest["time_period"]) & series["value"].notna()]
    england = year_rows.loc[year_rows["role"] == "England", "value"]
    sentence = comparison_sentence(
        label,
        council_name,
        float(latest["value"]),
        "England",
        float(england.iloc[0]) if len(england) else None,
        unit,
        str(latest["year"]),
        higher_is,  # type: ignore[arg-type]
    )
    group = year_rows[
        year_rows["role"].isin(["Statistical neighbour"])
        | year_rows["role"].str.startswith("County")
    ]
    if len(group) > 1:
        rank = int((group["value"] > latest["value"]).sum()) + 1
        place = (
            "highest"
            if rank == 1
            else "lowest"
            if rank == len(group)
            else f"{_ordinal(rank)} highest"
        )
        sentence += (
            f" Among {council_name} and the {len(group) - 1} statistical neighbours with a "
            f"figure that year, it had the {place}."
        )
    return sentence
