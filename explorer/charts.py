"""Altair chart builders with titles, axis labels, units, tooltips and colour-blind-safe colours."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from altair.utils import schemapi
from streamlit import dataframe_util

from contract import formats
from contract.catalogue import unit_format

# Altair checks every Scale(), Axis() and mark against the Vega-Lite schema as it is made
# (its "debug mode"): 12% of the SEND board's server time, for builders that only change
# when the code does. The page tests turn it back on (tests/conftest.py app_warehouse).
schemapi.disable_debug_mode()

# Chart text in GOV.UK black and dark grey (WCAG 2.2 AA): Vega's default axis and legend
# text is a mid grey, 3.7:1 on white (4.5:1 needed). A theme, so every chart gets it.
CHART_TEXT, CHART_SECONDARY_TEXT = "#0b0c0c", "#505a5f"


@alt.theme.register("locality_explorer", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    text = {"labelColor": CHART_TEXT, "titleColor": CHART_TEXT}
    return alt.theme.ThemeConfig(
        config={
            "axis": {
                **text,
                "tickColor": CHART_SECONDARY_TEXT,
                "domainColor": CHART_SECONDARY_TEXT,
            },
            "legend": text,
            "header": text,
            "title": {"color": CHART_TEXT, "subtitleColor": CHART_SECONDARY_TEXT},
            "text": {"color": CHART_TEXT},
        }
    )


# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
REFERENCE_COLOURS = {"County": "#000000", "England": "#D55E00", "National": "#D55E00"}
HIGHLIGHT = "#0072B2"
MUTED = "#9fb6cd"
# Reference lines differ in colour AND dash pattern, so they are told apart without colour.
REFERENCE_DASHES = {"County": [6, 3], "England": [2, 2], "National": [2, 2]}
OTHER_REFERENCE_STYLES = [("#CC79A7", [10, 3, 2, 3]), ("#009E73", [12, 4]), ("#505a5f", [4, 4])]
# Rows of a ranked bar chart are this many pixels apart, so every label shows.
BAR_STEP = 26
# Vega text has no halo; a white-outlined copy drawn underneath makes labels readable on
# any fill or line.
HALO = {"stroke": "white", "strokeWidth": 4, "strokeJoin": "round", "strokeOpacity": 0.9}


#: A chart title longer than this is set on two lines: Vega cuts a title that is wider than
#: its chart (on a phone, past about 50 characters) and never wraps it.
TITLE_LINE_CHARS = 50


def title_lines(title: str, width: int = TITLE_LINE_CHARS) -> str | list[str]:
    """A chart title as Vega lines, broken between words so no line is cut on a phone."""
    import textwrap

    lines = textwrap.wrap(title, width)
    return lines[0] if len(lines) == 1 else lines


@dataclass(frozen=True)
class VegaLiteSpec:
    """A finished Vega-Lite spec (a dict), validated once when it was built.

    For charts with big inline data (a map's polygons): Altair deep-copies a chart's data on
    every ``.properties()``, ``layer`` or ``configure_*`` call and again when it validates the
    chart, which costs seconds for hundreds of polygons. Builders that return this build the
    chart's structure with named datasets in Altair, and attach the data to the finished
    dict. ``to_dict()`` and ``usermeta`` read like an Altair chart's; draw it with
    :func:`show_chart`.
    """

    spec: dict[str, Any]

    @property
    def usermeta(self) -> dict[str, Any]:
        return self.spec.get("usermeta", {})

    def to_dict(self) -> dict[str, Any]:
        return self.spec


class _Unchecked:
    """An Altair chart as st.altair_chart reads it (it calls ``to_dict()`` and nothing else),
    turned into its spec without checking it against the Vega-Lite schema.

    That check was 29% of the SEND board's server time (py-spy, 40 runs) and runs for
    every chart on every run, for specs that only change when the code does. The page
    tests turn it on (tests/conftest.py ``app_warehouse``), so every chart they draw is
    checked.
    """

    validate = False

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self._chart = chart

    def to_dict(self) -> dict[str, Any]:
        return self._chart.to_dict(validate=self.validate)


def checks_on() -> bool:
    """Whether charts are checked against the Vega-Lite schema as they are made or turned
    into specs (off in the app; the page tests turn both checks on)."""
    return bool(_Unchecked.validate or schemapi.DEBUG_MODE)


def finished(chart: alt.TopLevelMixin) -> VegaLiteSpec:
    """An Altair chart as a finished spec, its tables inline: what a chart cached across
    sessions keeps (``data.per_build``), drawn with :func:`show_chart` like any other.

    The tables are turned into inline values here, not by Altair's data transformer:
    Streamlit swaps that transformer (a global) while it draws a chart in another thread.
    Checked against the Vega-Lite schema when the page tests turn the checks on. As in
    Altair's own inline data, dates become text and whole numbers with gaps decimals: no
    cached chart reads a date field.
    """
    return with_arrow_tables(VegaLiteSpec(_Unchecked(_inline_tables(chart)).to_dict()))


def with_arrow_tables(chart: VegaLiteSpec) -> VegaLiteSpec:
    """The spec with its tables (named datasets that are not geography) as the Arrow bytes
    Streamlit sends to the browser, made here once: Streamlit turns a table it is given as
    values into those bytes on every draw, 16% of a page's server time once the specs were
    cached. Streamlit sends bytes it is given as they are; geography stays in the spec."""
    tables = chart.spec.get("datasets") or {}
    converted = {
        name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame.from_records(values))
        if isinstance(values, list) and not _is_geography(values)
        else values
        for name, values in tables.items()
    }
    return VegaLiteSpec({**chart.spec, "datasets": converted}) if tables else chart


def _is_geography(values: Any) -> bool:
    """A dataset of GeoJSON features (what Streamlit leaves in the spec for Vega-Lite)."""
    return (
        isinstance(values, list)
        and bool(values)
        and isinstance(values[0], dict)
        and (values[0].get("type") == "Feature")
    )


#: Where a compound chart keeps its parts (layers, concatenations, a facet's inner chart).
_PART_LISTS, _PART = ("layer", "hconcat", "vconcat", "concat"), "spec"


def _inline_tables(chart: Any) -> Any:
    """``chart`` (changed in place) with every DataFrame it or its parts read as inline
    values, as Altair would write them (its own sanitising: dates as text, NaN as null)."""
    if isinstance(getattr(chart, "data", None), pd.DataFrame):
        chart.data = alt.InlineData(values=alt.utils.data.to_values(chart.data)["values"])
    for attribute in _PART_LISTS:
        parts = getattr(chart, attribute, alt.Undefined)
        if isinstance(parts, list):
            for part in parts:
                _inline_tables(part)
    inner = getattr(chart, _PART, alt.Undefined)
    if isinstance(inner, alt.SchemaBase):
        _inline_tables(inner)
    return chart


def show_chart(chart: alt.TopLevelMixin | VegaLiteSpec, **kwargs: Any) -> None:
    """Draw an Altair chart or a finished :class:`VegaLiteSpec` (same keyword arguments as
    st.altair_chart: height, width, alt). Every chart the app draws goes through here."""
    if isinstance(chart, VegaLiteSpec):
        st.vega_lite_chart(chart.spec, **kwargs)
    else:
        st.altair_chart(_Unchecked(chart), **kwargs)  # type: ignore[arg-type]


def display_height(chart: alt.TopLevelMixin | VegaLiteSpec, default: int = 400) -> int:
    """The height (pixels) to pass to ``st.altair_chart(chart, height=...)``.

    Streamlit 1.67 squeezes a chart to its own default height whatever the spec says, so
    the builders here record the room they need (plot, titles, axes and legend) in
    ``usermeta`` and pages pass it on.
    """
    meta = getattr(chart, "usermeta", alt.Undefined)
    if isinstance(meta, dict) and "display_height" in meta:
        return int(meta["display_height"])
    return default


def reference_styles(names: list[str]) -> list[tuple[str, list[int]]]:
    """(colour, dash) for each reference name: County black dashes, England orange dots,
    anything else (a region, a neighbour) from a fixed list of other colour-dash pairs."""
    others = iter(OTHER_REFERENCE_STYLES)
    styles = []
    for name in names:
        if name in REFERENCE_DASHES:
            styles.append((REFERENCE_COLOURS[name], REFERENCE_DASHES[name]))
        else:
            styles.append(next(others, ("#505a5f", [1, 3])))
    return styles


def _value_format(unit: str) -> str:
    """The unit's d3 format: never with "£" (d3-format has none: "£,.0f" is invalid and
    blanks the whole chart); the axis title carries "(£)"."""
    return unit_format(unit).d3


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
        lambda v: formats.SUPPRESSED if pd.isna(v) else format(v, _value_format(unit))
    )
    data["is_highlight"] = data[category] == highlight
    order = data.sort_values("shown", ascending=False, na_position="last")[category].tolist()
    axis_title = f"{value_label} ({unit})"
    base = alt.Chart(data).encode(
        y=alt.Y(f"{category}:N", sort=order, title=category_title or category.title()),
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "shown:Q", title=axis_title, axis=alt.Axis(format=_value_format(unit), tickCount=8)
        ),
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
    label_encoding = {"x": alt.X("shown:Q", impute=None), "text": "label:N"}
    halo = base.mark_text(align="left", dx=3, fontSize=11, **HALO).encode(**label_encoding)
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(**label_encoding)
    suppressed_labels = (
        alt.Chart(data[data["shown"].isna()])
        .mark_text(align="left", dx=3, fontStyle="italic", color="#505a5f")
        .encode(y=alt.Y(f"{category}:N", sort=order), x=alt.value(0), text="label:N")
    )
    layers: list[alt.Chart] = [bars]
    refs = [
        {"reference": name, "value": val}
        for name, val in (references or {}).items()
        if val is not None and not pd.isna(val)
    ]
    if refs:
        ref_df = pd.DataFrame(refs)
        # The legend names each line with its figure, so no label sits on the bars.
        ref_df["key"] = [
            f"{r} ({format(v, _value_format(unit))})"
            for r, v in zip(ref_df["reference"], ref_df["value"], strict=True)
        ]
        styles = reference_styles(ref_df["reference"].tolist())
        legend = alt.Legend(
            title=None, orient="top", symbolType="stroke", symbolStrokeWidth=2.5,
            symbolSize=400, labelLimit=320,
        )  # fmt: skip
        keys = ref_df["key"].tolist()
        layers.append(
            alt.Chart(ref_df)
            .mark_rule(strokeWidth=2)
            .encode(
                x="value:Q",
                color=alt.Color(
                    "key:N",
                    legend=legend,
                    scale=alt.Scale(domain=keys, range=[c for c, _ in styles]),
                ),  # fmt: skip
                strokeDash=alt.StrokeDash(
                    "key:N",
                    legend=legend,
                    scale=alt.Scale(domain=keys, range=[d for _, d in styles]),
                ),  # fmt: skip
                tooltip=[
                    alt.Tooltip("reference:N", title="Reference"),
                    alt.Tooltip("value:Q", title=axis_title, format=_value_format(unit)),
                ],
            )
        )
    # Figures are drawn after the lines, with a halo, so a line never hides a number.
    layers += [halo, labels, suppressed_labels]
    rows = max(len(data), 1)
    extra = 110 + (30 if refs else 0)  # title, x axis and its title, the legend on top
    return alt.layer(*layers).properties(
        title=title,
        height=alt.Step(BAR_STEP),
        width="container",
        usermeta={"display_height": BAR_STEP * rows + extra},
    )


def trend_chart(
    df: pd.DataFrame,
    value_label: str,
    unit: str,
    title: str,
    series: str = "area",
    year: str = "year",
    subtitle: str | None = None,
    height: int = 320,
) -> alt.Chart:
    """Lines over academic years, one per series; reference series (County, England) dashed.

    A missing (suppressed) year breaks the line rather than bridging it. Year labels are
    level; a ``subtitle`` (say, the unit or what is compared) goes under the title. Pass
    ``display_height(chart)`` to st.altair_chart.
    """
    data = df.copy()
    data["is_reference"] = data[series].isin(list(REFERENCE_COLOURS))
    domain = list(dict.fromkeys(data[series].tolist()))
    palette = iter(OKABE_ITO)
    colours = [REFERENCE_COLOURS.get(s) or next(palette, "#505a5f") for s in domain]
    dashes = [REFERENCE_DASHES.get(s, [6, 3]) if s in REFERENCE_COLOURS else [1, 0] for s in domain]
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400, labelLimit=320)
    axis_title = f"{value_label} ({unit})"
    chart_title: str | alt.TitleParams = (
        alt.TitleParams(text=title, subtitle=subtitle, anchor="start") if subtitle else title
    )
    return (
        alt.Chart(data)
        .mark_line(point=True, invalid="break-paths-filter-domains")
        .encode(
            x=alt.X(f"{year}:O", title="Academic year", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "value:Q",
                title=axis_title,
                axis=alt.Axis(format=_value_format(unit), titleLimit=height - 20),
            ),
            color=alt.Color(
                f"{series}:N",
                title=None,
                scale=alt.Scale(domain=domain, range=colours),
                legend=legend,
            ),  # fmt: skip
            # References dashed, each its own pattern; the legend shows the same samples.
            strokeDash=alt.StrokeDash(
                f"{series}:N",
                title=None,
                scale=alt.Scale(domain=domain, range=dashes),
                legend=legend,
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip(f"{series}:N", title="Area"),
                alt.Tooltip(f"{year}:O", title="Academic year"),
                alt.Tooltip("value:Q", title=axis_title, format=_value_format(unit)),
            ],
        )
        .properties(
            title=chart_title,
            height=height,
            width="container",
            padding={"top": 12, "left": 5, "right": 5, "bottom": 5},
            usermeta={"display_height": height + 110 + (20 if subtitle else 0)},
        )
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
            # the key above the bars, not beside them: beside, with long category names,
            # it left no width for the bars on a phone
            color=alt.Color(
                f"{colour}:N",
                title=None,
                scale=alt.Scale(domain=domain, range=OKABE_ITO),
                legend=alt.Legend(orient="top", direction="vertical"),
            ),
            yOffset=alt.YOffset(f"{colour}:N"),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title or category.title()),
                alt.Tooltip(f"{colour}:N"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            ],
        )
        .properties(title=title_lines(title), width="container")
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
    panel_width: int = 250,
    panel_height: int = 130,
) -> alt.FacetChart:
    """Small multiples with one reference series (e.g. the county) repeated in every panel.

    ``df`` has one row per panel and year with columns ``facet``, ``year``, ``value`` and
    ``suppressed``; ``reference`` one row per year with ``year`` and ``value``. Suppressed
    years break the line (never drawn as zero) and are marked "S". A highlighted panel is
    named "(selected)" and drawn bolder, so the choice does not rely on colour. Panels are
    ``panel_width`` wide (facets cannot fit their container): three fill Streamlit's column.
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
        lambda v: formats.SUPPRESSED if pd.isna(v) else format(v, _value_format(unit))
    )
    data["emphasis"] = 1.0 if highlight is None else data["selected"].map({True: 1.0, False: 0.5})
    axis_title = f"{value_label} ({unit})"
    base = alt.Chart().encode(x=alt.X(f"{year}:O", title=None, axis=alt.Axis(labelAngle=-45)))
    # One legend for colour and dash, drawn as line samples (not the default point symbol).
    legend = alt.Legend(orient="top", symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
    lines = base.mark_line(point=True, invalid="break-paths-filter-domains").encode(
        # The unit alone: a full title repeats on every row of panels and overprints.
        y=alt.Y("value:Q", title=unit, axis=alt.Axis(format=_value_format(unit))),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=domain, range=[HIGHLIGHT, "#000000"][: len(domain)]),
            legend=legend,
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            title=None,
            scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]][: len(domain)]),
            legend=legend,
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
        .properties(width=panel_width, height=panel_height)
        .facet(facet=alt.Facet("panel:N", title=None, sort=None), columns=columns)
        .properties(title=title)
    )


#: Pixels per locality row of :func:`trend_heatmap`: 159 rows (every LA) stay legible.
HEATMAP_STEP = 16
SUPPRESSED_FILL = "#d9d9d9"  # a grey no viridis colour is near: never read as a value


def trend_heatmap(
    df: pd.DataFrame,
    value_label: str,
    unit: str,
    title: str,
    row: str = "area_name",
    year: str = "year",
    highlight: str | None = None,
    reference: pd.DataFrame | None = None,
    reference_label: str = "County (all schools)",
    row_title: str = "Locality",
    step: int = HEATMAP_STEP,
) -> alt.LayerChart:
    """Every area's trend in one compact chart: a row per area, a column per academic year,
    colour for the value (darker is higher, as on the maps).

    For more areas than small multiples can draw quickly. ``df`` has one row per area and
    year with columns ``row``, ``year``, ``value`` and ``suppressed``; ``reference`` (say,
    the county) one row per year with ``year`` and ``value``, drawn as the top row. Areas
    are ranked by their value in the latest year, highest first; those without one come
    last, A-Z. Suppressed cells are grey with an "S", never coloured as a value; years with
    no figure stay blank. The highlighted area is named "(selected)", its name bold and its
    row framed, so the choice does not rely on colour. Only the four columns the chart
    draws are sent to the browser; ``usermeta`` holds ``display_height`` and ``rows`` (the
    row labels top to bottom).
    """
    own = df[[row, year, "value", "suppressed"]].rename(columns={row: "row"})
    own["suppressed"] = own["suppressed"].fillna(False).astype(bool)
    own["value"] = own["value"].where(~own["suppressed"])
    latest = own[year].max()
    latest_values = own[own[year] == latest].set_index("row")["value"]
    names = sorted(own["row"].unique())
    ranked = sorted(
        names,
        key=lambda name: (
            pd.isna(latest_values.get(name)),
            -(latest_values.get(name) if pd.notna(latest_values.get(name)) else 0.0),
            name,
        ),
    )
    selected = f"{highlight} (selected)" if highlight in names else None
    own["row"] = own["row"].where(own["row"] != highlight, selected)
    order = [selected if name == highlight else name for name in ranked]
    frames = [own]
    if reference is not None and not reference.empty:
        ref = reference[[year, "value"]].assign(row=reference_label, suppressed=False)
        frames.insert(0, ref)
        order.insert(0, reference_label)
    data = pd.concat(frames, ignore_index=True)[["row", year, "value", "suppressed"]]
    data = data.rename(columns={"row": row_title.lower()}).reset_index(drop=True)
    row_field = row_title.lower()
    axis_title = f"{value_label} ({unit})"
    label_weight = (
        {"expr": f"datum.value === {json.dumps(selected)} ? 'bold' : 'normal'"}
        if selected
        else "normal"
    )
    # Shared by every layer (set once on the layer chart): the row order is sent once.
    axes = {
        "x": alt.X(
            f"{year}:O",
            title="Academic year",
            axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=11),
        ),
        "y": alt.Y(
            f"{row_field}:N",
            sort=order,
            title=None,
            axis=alt.Axis(
                labelLimit=300,
                labelFontSize=11,
                labelFontWeight=label_weight,
                labelOverlap=False,  # every row named (the step leaves room)
                ticks=False,
            ),
        ),
    }
    base = alt.Chart()
    tooltip_name = alt.Tooltip(f"{row_field}:N", title=row_title)
    tooltip_year = alt.Tooltip(f"{year}:O", title="Academic year")
    cells = (
        base.transform_filter("isValid(datum.value) && !datum.suppressed")
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            color=alt.Color(
                "value:Q",
                title=axis_title,
                scale=alt.Scale(scheme="viridis", reverse=True),
                legend=alt.Legend(
                    orient="top",
                    direction="horizontal",
                    gradientLength=260,
                    titleLimit=500,
                    format=_value_format(unit),
                ),
            ),
            tooltip=[
                tooltip_name,
                tooltip_year,
                alt.Tooltip("value:Q", title=axis_title, format=_value_format(unit)),
            ],
        )
    )
    hidden = base.transform_filter("datum.suppressed").transform_calculate(
        shown=f"'{formats.SUPPRESSED}'"
    )
    hidden_cells = hidden.mark_rect(fill=SUPPRESSED_FILL, stroke="white", strokeWidth=0.5).encode(
        tooltip=[tooltip_name, tooltip_year, alt.Tooltip("shown:N", title=axis_title)]
    )
    hidden_marks = hidden.mark_text(
        text="S", fontWeight="bold", fontSize=max(step - 4, 8), color="#333333"
    ).encode(tooltip=[tooltip_name, tooltip_year, alt.Tooltip("shown:N", title=axis_title)])
    layers: list[alt.Chart] = [cells, hidden_cells, hidden_marks]
    if selected:
        # A frame round the selected row, drawn over the cells.
        layers.append(
            alt.Chart(alt.InlineData(values=[{row_field: selected}]))
            .mark_rect(filled=False, stroke="#000000", strokeWidth=2.5)
            .encode(x=alt.value(0), x2=alt.value("width"))
        )
    return (
        alt.layer(*layers, data=data)
        .encode(**axes)
        .properties(
            title=alt.TitleParams(text=title, anchor="start"),  # the key names the unit
            width="container",
            height=alt.Step(step),
            usermeta={"display_height": step * len(order) + 140, "rows": order},
        )
    )


def _fields_used(node: object, found: set[str]) -> set[str]:
    """Every data field a (part of a) Vega-Lite spec names: ``field``s, ``groupby`` lists and
    ``datum.x`` / ``datum['x']`` in expressions."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "field" and isinstance(value, str):
                found.add(value)
            elif key == "groupby" and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))
            elif isinstance(value, str):
                found.update(_DATUM_FIELD.findall(value))
                found.update(_DATUM_ITEM.findall(value))
            else:
                _fields_used(value, found)
    elif isinstance(node, list):
        for value in node:
            _fields_used(value, found)
    return found


_DATUM_FIELD = re.compile(r"datum\.([A-Za-z_]\w*)")
_DATUM_ITEM = re.compile(r"datum\[['\"]([^'\"]+)['\"]\]")


def only_encoded_columns(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Trim, in place, every DataFrame of an Altair chart (its layers and facet spec too) to
    the columns that part of the chart encodes, filters on or shows, with no pandas index:
    the browser decodes every column sent (as Arrow) before it draws. Returns the chart."""

    # Parts sharing one DataFrame (layers built from one base chart) keep sharing one
    # trimmed frame with the columns any of them uses, so it is still sent once.
    users: dict[int, list[Any]] = {}
    used: dict[int, set[str]] = {}

    def collect(part: Any) -> None:
        frame = getattr(part, "data", None)
        if isinstance(frame, pd.DataFrame):
            spec = part.to_dict(validate=False)
            spec.pop("datasets", None)
            spec.pop("data", None)
            users.setdefault(id(frame), []).append(part)
            _fields_used(spec, used.setdefault(id(frame), set()))
        for child in getattr(part, "layer", None) or []:
            collect(child)
        inner = getattr(part, "spec", None)
        if isinstance(inner, alt.Chart | alt.LayerChart):
            collect(inner)

    collect(chart)
    for key, parts in users.items():
        frame = parts[0].data
        trimmed = frame[[c for c in frame.columns if c in used[key]]].reset_index(drop=True)
        for part in parts:
            part.data = trimmed
    return chart
