"""The localities side by side for one measure (the Compare localities page): this year
ranked against the county, England and the region, with the full table of figures; and
every locality's trend, as small multiples or (above ``layout.MAX_LOCALITY_TILES``
localities, every LA nationally) one heatmap. Charts are sent only the columns they draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from explorer import layout
from explorer.charts import (
    display_height,
    only_encoded_columns,
    ranked_bar,
    show_chart,
    small_multiples_with_reference,
    trend_heatmap,
)
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import format_value, unit_in_brackets
from explorer.layout import area_figure_columns, suppression_note
from explorer.pickers import MeasureYear
from explorer.text import md
from explorer.url_state import url_selectbox

DEFAULT_MEASURE = "perm_excl_rate"
NO_HIGHLIGHT = ""
#: The tabs (their labels are the URL's section= values).
YEAR_TAB, TRENDS_TAB = "Ranked", "Trends"
# How each reference row is named on the chart and in the table.
REFERENCE_NAMES = {"County": "County", "National": "England"}
# References in a fixed order (county first, England last), not ranked by value.
REFERENCE_ORDER = {"County": 0, "LA": 1, "Regional": 2, "National": 3}
AREA_TYPES = {
    "Locality": "Locality",
    "County": "County (all schools)",
    "National": "England",
    "Regional": "Region",
    "LA": "Local authority (DfE published)",
}


def figure(value: float | None, suppressed: bool, unit: str) -> str:
    return format_value(None if pd.isna(value) else float(value), unit, suppressed=suppressed)


def highlight_picker(localities: list[str], container) -> str | None:
    """The locality picked out in every chart and the table (``?locality=``), or None."""
    highlight = url_selectbox(
        "Highlight a locality",
        [NO_HIGHLIGHT, *localities],
        param="locality",
        format_func=lambda name: name or "None",
        help="Picks one locality out in the charts and the table.",
        container=container,
    )
    return highlight or None


@dataclass(frozen=True)
class Localities(MeasureYear):
    """The chosen measure and year with every locality's figure and the references (the
    county, the DfE's LA figure, the region, England), and the locality picked out."""

    highlight: str | None = None
    localities: pd.DataFrame | None = None
    references: pd.DataFrame | None = None

    @property
    def is_ratio(self) -> bool:
        """Not a total, so comparable with the county."""
        return self.measure["kind"] in ("rate", "mean")


def load(chosen: MeasureYear, highlight: str | None) -> Localities:
    """Every locality's figure this year, and the reference rows in their fixed order."""
    with st.spinner("Adding up the schools' figures…"):
        by_area = query(
            "measure_by_area",
            level="Locality",
            measure=chosen.measure_id,
            time_period=chosen.time_period,
        )
    return Localities(
        chosen.measure_id,
        chosen.measure,
        chosen.time_period,
        highlight=highlight,
        localities=by_area[~by_area["is_reference"]].reset_index(drop=True),
        references=by_area[by_area["is_reference"]].sort_values(
            "level", key=lambda levels: levels.map(REFERENCE_ORDER)
        ),
    )


def sections(figures: Localities) -> dict[str, Callable[[], None]]:
    return {YEAR_TAB: partial(show_year, figures), TRENDS_TAB: partial(show_trends, figures)}


# ---------------------------------------------------------------- the year, ranked


def reference_lines(figures: Localities) -> dict[str, float | None]:
    """Chart names for the reference lines (County, England, the region by name) and
    their figures. A total (count or money) for the county is the sum of its localities:
    as a line beside them it would only squash the bars, so totals are compared in the
    table instead."""
    lines: dict[str, float | None] = {}
    references = figures.references
    comparable = references if figures.is_ratio else references.iloc[0:0]
    for _, ref in comparable.iterrows():
        if ref["level"] == "LA":
            # the DfE's own LA figure is in the table; on the chart it would sit on County
            continue
        name = REFERENCE_NAMES.get(str(ref["level"]), f"{ref['area_name']} (region)")
        lines[name] = None if ref["suppressed"] else ref["value"]
    return lines


def show_year(figures: Localities) -> None:
    """The localities ranked in the chosen year, then the table of their figures."""
    st.header(f"Localities ranked, {figures.year}")
    if not figures.localities.empty:
        ranked_chart(figures)
    st.header(f"The figures, {figures.year}")
    figures_table(figures)


def ranked_chart(figures: Localities) -> None:
    """The bars, highest first, with the reference lines; its caption and download."""
    localities, label, unit, year = figures.localities, figures.label, figures.unit, figures.year
    highlight = figures.highlight
    lines = reference_lines(figures)
    chart = ranked_bar(
        localities[["area_name", "value", "suppressed"]].rename(columns={"area_name": "locality"}),
        category="locality",
        value_label=label,
        unit=unit,
        title=f"{label} by locality, {year}",
        references=lines,
        highlight=highlight,
        category_title="Locality",
    )
    drawn_references = {k: v for k, v in lines.items() if v is not None and pd.notna(v)}
    ranking_words = "; ".join(
        f"{r['area_name']} {figure(r['value'], r['suppressed'], unit)}"
        for _, r in localities.iterrows()
    )
    reference_words = ", ".join(
        f"{name} {figure(value, False, unit)}" for name, value in drawn_references.items()
    )
    show_chart(
        only_encoded_columns(chart),
        # Streamlit 1.67 squashes a chart's fixed spec height: give the bars room here.
        height=display_height(chart),
        alt=(
            f"Bar chart of {label.lower()} {unit_in_brackets(unit)} for the "
            f"{len(localities)} localities in {year}, highest first: {ranking_words}."
            + (f" Reference lines: {reference_words}." if reference_words else "")
        ),
    )
    st.caption(
        "Bars are ranked from highest to lowest. "
        + (
            "Lines mark "
            + (", ".join(map(md, drawn_references)) or "no reference figures")
            + " (named with their figures above the chart; each has its own colour and dashes)"
            if figures.is_ratio
            else "This measure is a total, so the county and England totals are in the table "
            "below rather than drawn as lines"
        )
        + (f"; **{md(highlight)}** is highlighted." if highlight else ".")
        + " "
        + suppression_note()
    )
    chart_data = pd.concat(
        [
            localities.assign(series="Locality")[["series", "area_name", "value", "suppressed"]],
            pd.DataFrame(
                [
                    {"series": "Reference", "area_name": k, "value": v, "suppressed": False}
                    for k, v in drawn_references.items()
                ]
            ),
        ],
        ignore_index=True,
    )
    chart_data["value"] = [
        "Suppressed" if s else v
        for v, s in zip(chart_data["value"], chart_data["suppressed"], strict=True)
    ]
    download_csv(
        chart_data.rename(columns={"area_name": "area"}).assign(year=year, unit=unit),
        file_stem=f"compare-ranked-{figures.measure_id}-{figures.time_period}",
        label="Download the chart's figures (CSV)",
    )


def figures_table(figures: Localities) -> None:
    """Every locality and reference row with what its figure is made of, and its download."""
    measure, unit, highlight = figures.measure, figures.unit, figures.highlight
    table = pd.concat([figures.localities, figures.references], ignore_index=True)
    table["area_type"] = table["level"].map(AREA_TYPES).fillna(table["level"])
    table["figure"] = [
        figure(v, s, unit) for v, s in zip(table["value"], table["suppressed"], strict=True)
    ]
    table["selected"] = table["area_name"].eq(highlight) & ~table["is_reference"]
    table["area_label"] = table["area_name"].where(~table["selected"], table["area_name"] + " ◀")
    has_denominator = measure["kind"] != "count" and bool(str(measure["denominator_label"] or ""))
    columns = ["area_label", "area_type", "figure", "numerator"]
    columns += ["denominator"] if has_denominator else []
    columns += ["n_schools", "coverage_percent", "suppressed"]
    st.dataframe(
        table[columns],
        hide_index=True,
        column_config={
            "area_label": st.column_config.TextColumn(
                "Area", help="◀ marks the highlighted locality." if highlight else None
            ),
            "area_type": st.column_config.TextColumn("Type"),
            **area_figure_columns(figures.info, figures.label_and_unit, "area"),
            "suppressed": st.column_config.CheckboxColumn(
                "Suppressed", help="Hidden to protect pupils' privacy (small numbers)."
            ),
        },
        placeholder="–",
        height=35 * (len(table) + 1) + 3,  # every row visible, no inner scrolling
    )
    st.caption(
        "Localities are ranked highest first; suppressed figures come last. Reference rows are "
        "the county (all its schools), the figures the DfE publishes for the local authority, its "
        "region and England. A dash means the figure is not available or is suppressed."
    )
    table_download = table.assign(
        value=[
            "Suppressed" if s else v
            for v, s in zip(table["value"], table["suppressed"], strict=True)
        ],
        unit=unit,
    )[
        [
            "area_name",
            "area_type",
            "year",
            "measure",
            "value",
            "unit",
            "numerator",
            "denominator",
            "n_schools",
            "n_schools_missing",
            "coverage_percent",
            "suppressed",
        ]
    ].rename(columns={"area_name": "area"})
    download_csv(
        table_download,
        file_stem=f"compare-localities-{figures.measure_id}-{figures.time_period}",
    )


# ---------------------------------------------------------------- the trends


def show_trends(figures: Localities) -> None:
    """Every locality over the years, with the county beside it."""
    trends = query("compare_locality_trends", measure=figures.measure_id)
    st.header("Trends in every locality")
    own = trends[~trends["is_reference"]]
    county_trend = trends[(trends["series"] == "County") & figures.is_ratio]
    if own.empty:
        st.info(f"No locality has figures for {figures.label.lower()} in any year.")
        return
    if own["area_name"].nunique() > layout.MAX_LOCALITY_TILES:
        # Too many for a panel each (159 panels took the browser over a second to draw): one
        # heatmap, a row per locality ranked by its latest figure, a column per year.
        heatmap_trends(figures, own, county_trend)
    else:
        small_multiple_trends(figures, own, county_trend)
    trend_download = own[["area_name", "year", "value", "suppressed"]].merge(
        county_trend[["year", "value"]].rename(columns={"value": "county_value"}),
        on="year",
        how="left",
    )
    trend_download["value"] = [
        "Suppressed" if s else v
        for v, s in zip(trend_download["value"], trend_download["suppressed"], strict=True)
    ]
    download_csv(
        trend_download.rename(columns={"area_name": "locality"}).assign(unit=figures.unit),
        file_stem=f"compare-trends-{figures.measure_id}",
        label="Download the trends (CSV)",
    )


def _listed(rows: pd.DataFrame, unit: str) -> str:
    """'Banbury 3.1 per 100 pupils, Bicester 2.9 per 100 pupils' (for alt text)."""
    return ", ".join(
        f"{r['area_name']} {figure(r['value'], False, unit)}" for _, r in rows.iterrows()
    )


def heatmap_trends(figures: Localities, own: pd.DataFrame, county_trend: pd.DataFrame) -> None:
    """One heatmap: a row per locality ranked by its latest figure, a column per year."""
    label, unit, highlight, is_ratio = (
        figures.label,
        figures.unit,
        figures.highlight,
        figures.is_ratio,
    )
    n_localities = own["area_name"].nunique()
    first, last = own["year"].min(), own["year"].max()
    heatmap = trend_heatmap(
        own,
        reference=county_trend if not county_trend.empty else None,
        value_label=label,
        unit=unit,
        title=f"{label} by locality, {first} to {last}",
        highlight=highlight,
    )
    latest = own[own["year"] == last]
    latest = latest[~latest["suppressed"] & latest["value"].notna()]
    latest = latest.sort_values(["value", "area_name"], ascending=[False, True])
    n_hidden = int(own["suppressed"].sum())
    show_chart(
        heatmap,
        height=display_height(heatmap),  # Streamlit 1.67 squashes a chart's spec height
        alt=(
            f"Heatmap of {label.lower()} {unit_in_brackets(unit)} for {n_localities} "
            f"localities (rows) over the academic years {first} to {last} (columns); darker "
            f"is higher."
            + (" The top row is the county, for comparison." if is_ratio else "")
            + f" Rows are ranked by the {last} figure, highest first"
            + (
                f": highest {_listed(latest.head(5), unit)}; "
                f"lowest {_listed(latest.tail(5).iloc[::-1], unit)}."
                if len(latest)
                else "."
            )
            + (f" {n_hidden} figures are suppressed, marked S." if n_hidden else "")
            + (f" {highlight} is framed and named (selected)." if highlight else "")
            + " Every figure is in the trends download below the chart."
        ),
    )
    st.caption(
        f"Each row is a locality and each column an academic year; darker cells mean higher "
        f"figures (the key above the chart gives the scale). Rows are ranked by the {last} "
        "figure, highest first; localities without one come last. "
        + (
            "The top row is the county (all its schools), for comparison. "
            if is_ratio
            else "The county total is left out: as a total it would dwarf every locality. "
        )
        + (f"**{md(highlight)}** is named (selected), in bold and framed. " if highlight else "")
        + "Grey cells marked **S** are suppressed figures (never shown as zero); a blank cell "
        "means no figure for that year. Hover over a cell for its figure, or download them all "
        "below."
    )


def small_multiple_trends(
    figures: Localities, own: pd.DataFrame, county_trend: pd.DataFrame
) -> None:
    """A small line chart per locality on one scale, the county's line dashed in each."""
    label, unit, is_ratio = figures.label, figures.unit, figures.is_ratio
    first, last = own["year"].min(), own["year"].max()
    multiples = small_multiples_with_reference(
        own,
        county_trend,
        value_label=label,
        unit=unit,
        title=f"{label} by locality, {first} to {last}",
        facet="area_name",
        highlight=figures.highlight,
    )
    changes = []
    for name, rows in own.groupby("area_name", sort=True):
        ordered = rows.sort_values("time_period")
        changes.append(
            f"{name} from "
            f"{figure(ordered['value'].iloc[0], ordered['suppressed'].iloc[0], unit)} to "
            f"{figure(ordered['value'].iloc[-1], ordered['suppressed'].iloc[-1], unit)}"
        )
    show_chart(
        only_encoded_columns(multiples),
        alt=(
            f"{own['area_name'].nunique()} small line charts, one per locality, of "
            f"{label.lower()} {unit_in_brackets(unit)} from {first} to {last}"
            + (", each with the county's line dashed for comparison. " if is_ratio else ". ")
            + "; ".join(changes)
            + "."
        ),
    )
    st.caption(
        "Each panel shares the same scale, so the panels compare fairly. "
        + (
            "The solid line is the locality; the dashed line is the county. "
            if is_ratio
            else "The county total is left out: as a total it would dwarf every locality. "
        )
        + "**S** marks a year whose figure is suppressed (the line breaks there rather than "
        "drop to zero)."
    )
