"""Altair chart builders with titles, axis labels, units, tooltips and colour-blind-safe colours."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
REFERENCE_COLOURS = {"County": "#000000", "England": "#D55E00", "National": "#D55E00"}
HIGHLIGHT = "#0072B2"
MUTED = "#9fb6cd"


def _value_format(unit: str) -> str:
    unit_lower = unit.lower()
    if unit_lower.startswith("£"):
        # d3-format has no "£" symbol: "£,.0f" is invalid and blanks the whole chart.
        # The axis title carries "(£)".
        return ",.0f"
    if "per 100" in unit_lower:
        return ",.2f"
    if "%" in unit_lower or "point" in unit_lower:
        return ",.1f"
    return ",.0f"


def ranked_bar(
    df: pd.DataFrame,
    category: str,
    value_label: str,
    unit: str,
    title: str,
    references: dict[str, float | None] | None = None,
    highlight: str | None = None,
    category_title: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars ranked by value; suppressed rows are labelled, never drawn as zero.

    ``df`` needs columns ``category``, ``value`` and ``suppressed``.
    """
    data = df[[category, "value", "suppressed"]].copy()
    data["shown"] = data["value"].where(~data["suppressed"].fillna(False).astype(bool))
    data["label"] = data["shown"].map(
        lambda v: "Suppressed" if pd.isna(v) else format(v, _value_format(unit).replace("£", ""))
    )
    data["is_highlight"] = data[category] == highlight
    order = data.sort_values("shown", ascending=False, na_position="last")[category].tolist()
    axis_title = f"{value_label} ({unit})"
    base = alt.Chart(data).encode(
        y=alt.Y(f"{category}:N", sort=order, title=category_title or category.title()),
    )
    bars = base.mark_bar().encode(
        x=alt.X("shown:Q", title=axis_title, axis=alt.Axis(format=_value_format(unit))),
        color=alt.condition(
            alt.datum.is_highlight,
            alt.value(HIGHLIGHT),
            alt.value(MUTED if highlight else HIGHLIGHT),
        ),
        tooltip=[
            alt.Tooltip(f"{category}:N", title=category_title or category.title()),
            alt.Tooltip("label:N", title=axis_title),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(
        x=alt.X("shown:Q", impute=None),
        text="label:N",
    )
    suppressed_labels = (
        alt.Chart(data[data["shown"].isna()])
        .mark_text(align="left", dx=3, fontStyle="italic", color="#505a5f")
        .encode(y=alt.Y(f"{category}:N", sort=order), x=alt.value(0), text="label:N")
    )
    layers: list[alt.Chart] = [bars, labels, suppressed_labels]
    refs = [
        {"reference": name, "value": val}
        for name, val in (references or {}).items()
        if val is not None and not pd.isna(val)
    ]
    if refs:
        ref_df = pd.DataFrame(refs)
        layers.append(
            alt.Chart(ref_df)
            .mark_rule(strokeDash=[6, 3], strokeWidth=2)
            .encode(
                x="value:Q",
                color=alt.Color(
                    "reference:N",
                    title="Reference",
                    scale=alt.Scale(
                        domain=ref_df["reference"].tolist(),
                        range=[REFERENCE_COLOURS.get(r, "#505a5f") for r in ref_df["reference"]],
                    ),
                ),
                tooltip=[
                    alt.Tooltip("reference:N", title="Reference"),
                    alt.Tooltip("value:Q", title=axis_title, format=_value_format(unit)),
                ],
            )
        )
    height = max(160, 22 * len(data))
    return alt.layer(*layers).properties(title=title, height=height, width="container")


def trend_chart(
    df: pd.DataFrame,
    value_label: str,
    unit: str,
    title: str,
    series: str = "area",
    year: str = "year",
) -> alt.Chart:
    """Lines over academic years, one per series; reference series (County, England) dashed."""
    data = df.copy()
    data["is_reference"] = data[series].isin(list(REFERENCE_COLOURS))
    domain = list(dict.fromkeys(data[series].tolist()))
    palette = iter(OKABE_ITO)
    colours = [REFERENCE_COLOURS.get(s) or next(palette, "#505a5f") for s in domain]
    axis_title = f"{value_label} ({unit})"
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{year}:O", title="Academic year"),
            y=alt.Y("value:Q", title=axis_title, axis=alt.Axis(format=_value_format(unit))),
            color=alt.Color(
                f"{series}:N", title=None, scale=alt.Scale(domain=domain, range=colours)
            ),
            strokeDash=alt.condition(alt.datum.is_reference, alt.value([6, 3]), alt.value([1, 0])),
            tooltip=[
                alt.Tooltip(f"{series}:N", title="Area"),
                alt.Tooltip(f"{year}:O", title="Academic year"),
                alt.Tooltip("value:Q", title=axis_title, format=_value_format(unit)),
            ],
        )
        .properties(title=title, height=300, width="container")
    )


def small_multiples(
    df: pd.DataFrame,
    value_label: str,
    unit: str,
    title: str,
    facet: str = "area",
    year: str = "year",
    columns: int = 3,
) -> alt.FacetChart:
    """One small trend panel per area, sharing a y axis so panels compare fairly."""
    axis_title = f"{value_label} ({unit})"
    return (
        alt.Chart(df)
        .mark_line(point=True, color=HIGHLIGHT)
        .encode(
            x=alt.X(f"{year}:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("value:Q", title=axis_title, axis=alt.Axis(format=_value_format(unit))),
            tooltip=[
                alt.Tooltip(f"{facet}:N", title="Area"),
                alt.Tooltip(f"{year}:O", title="Academic year"),
                alt.Tooltip("value:Q", title=axis_title, format=_value_format(unit)),
            ],
        )
        .properties(width=180, height=110)
        .facet(facet=alt.Facet(f"{facet}:N", title=None), columns=columns)
        .properties(title=title)
    )


def grouped_bar(
    df: pd.DataFrame,
    category: str,
    value: str,
    colour: str,
    value_title: str,
    title: str,
    category_title: str | None = None,
    value_format: str = ",.0f",
) -> alt.Chart:
    """Horizontal bars per category, one colour per series (e.g. suspensions vs permanent)."""
    domain = list(dict.fromkeys(df[colour].tolist()))
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort="-x", title=category_title or category.title()),
            x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.Color(
                f"{colour}:N", title=None, scale=alt.Scale(domain=domain, range=OKABE_ITO)
            ),
            yOffset=alt.YOffset(f"{colour}:N"),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title or category.title()),
                alt.Tooltip(f"{colour}:N"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            ],
        )
        .properties(title=title, width="container")
    )


def small_multiples_with_reference(
    df: pd.DataFrame,
    reference: pd.DataFrame,
    value_label: str,
    unit: str,
    title: str,
    facet: str = "area",
    year: str = "year",
    columns: int = 3,
    series_label: str = "Locality",
    reference_label: str = "County",
    highlight: str | None = None,
) -> alt.FacetChart:
    """Small multiples with one reference series (e.g. the county) repeated in every panel.

    ``df`` has one row per panel and year with columns ``facet``, ``year``, ``value`` and
    ``suppressed``; ``reference`` one row per year with ``year`` and ``value``. Suppressed
    years break the line (never drawn as zero) and are marked "S". A highlighted panel is
    named "(selected)" and drawn bolder, so the choice does not rely on colour.
    """
    own = df[[facet, year, "value", "suppressed"]].copy()
    own["suppressed"] = own["suppressed"].fillna(False).astype(bool)
    own["value"] = own["value"].where(~own["suppressed"])
    own["series"] = series_label
    ref = reference[[year, "value"]].copy()
    ref["suppressed"] = False
    ref["series"] = reference_label
    panels = list(dict.fromkeys(own[facet].tolist()))
    data = pd.concat([own, *[ref.assign(**{facet: panel}) for panel in panels if not ref.empty]])
    domain = [series_label, reference_label] if not ref.empty else [series_label]
    data["selected"] = data[facet] == highlight
    data["panel"] = data[facet].where(~data["selected"], data[facet] + " (selected)")
    data["label"] = data["value"].map(
        lambda v: "Suppressed" if pd.isna(v) else format(v, _value_format(unit).replace("£", ""))
    )
    data["emphasis"] = 1.0 if highlight is None else data["selected"].map({True: 1.0, False: 0.5})
    axis_title = f"{value_label} ({unit})"
    base = alt.Chart().encode(x=alt.X(f"{year}:O", title=None, axis=alt.Axis(labelAngle=-45)))
    lines = base.mark_line(point=True, invalid="break-paths-filter-domains").encode(
        # The unit alone: a full title repeats on every row of panels and overprints.
        y=alt.Y("value:Q", title=unit, axis=alt.Axis(format=_value_format(unit))),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=domain, range=[HIGHLIGHT, "#000000"][: len(domain)]),
            legend=alt.Legend(orient="top"),
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            title=None,
            scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]][: len(domain)]),
        ),
        opacity=alt.Opacity("emphasis:Q", scale=None, legend=None),
        tooltip=[
            alt.Tooltip("panel:N", title="Area"),
            alt.Tooltip("series:N", title="Line"),
            alt.Tooltip(f"{year}:O", title="Academic year"),
            alt.Tooltip("label:N", title=axis_title),
        ],
    )
    marks = (
        base.transform_filter(alt.datum.suppressed)
        .mark_text(text="S", fontWeight="bold", color="#505a5f")
        .encode(
            y=alt.value(100),
            tooltip=[
                alt.Tooltip("panel:N", title="Area"),
                alt.Tooltip(f"{year}:O", title="Academic year"),
                alt.Tooltip("label:N", title=axis_title),
            ],
        )
    )
    return (
        alt.layer(lines, marks, data=data)
        .properties(width=180, height=110)
        .facet(facet=alt.Facet("panel:N", title=None, sort=None), columns=columns)
        .properties(title=title)
    )
