"""Compare localities: the nine localities side by side for any measure and year.

Two tabs, only the open one drawn. The year: a ranked bar chart against the county, England
and the region, and the full table of figures (numerators, denominators, coverage,
suppression) to download. The trends: small multiples of every
locality's trend with the county line in each panel (above ``layout.MAX_LOCALITY_TILES``
localities, every LA nationally, one heatmap instead: 159 panels took the browser over a
second to draw). Charts are sent only the columns they draw.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import layout
from explorer.charts import (
    display_height,
    only_encoded_columns,
    ranked_bar,
    small_multiples_with_reference,
    trend_heatmap,
)
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import format_value, label_with_unit, unit_in_brackets, year_label
from explorer.layout import (
    area_figure_columns,
    definition_box,
    lazy_tabs,
    page_header,
    suppression_note,
)
from explorer.pickers import measure_picker, year_picker
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


page_header(
    "Compare localities",
    "Put the nine localities side by side for any measure: which are highest and lowest this "
    "year, how each has changed over time, and how they compare with the county and England. "
    "Pick a locality to highlight it in every chart.",
)

# ---------------------------------------------------------------- choices (kept in the URL)
measures = query("list_measures")
years = query("list_years")
localities_list = query("list_localities")["locality"].tolist()
pick_measure, pick_year, pick_locality = st.columns([3, 1, 2])
measure_id = measure_picker(measures, DEFAULT_MEASURE, container=pick_measure)
time_period = year_picker(years, container=pick_year)
highlight = url_selectbox(
    "Highlight a locality",
    [NO_HIGHLIGHT, *localities_list],
    param="locality",
    format_func=lambda name: name or "None",
    help="Picks one locality out in the charts and the table.",
    container=pick_locality,
)
if measure_id is None or time_period is None:
    st.stop()
highlight = highlight or None

measure = measures.set_index("measure").loc[measure_id]
measure_info = {"measure": measure_id, **measure.to_dict()}
label, unit = str(measure["label"]), str(measure["unit"])
label_and_unit = label_with_unit(label, unit)
year = year_label(time_period)
is_ratio = measure["kind"] in ("rate", "mean")  # not a total, so comparable with the county
definition_box(measure_info)

with st.spinner("Adding up the schools' figures…"):
    by_area = query(
        "measure_by_area", level="Locality", measure=measure_id, time_period=time_period
    )
localities = by_area[~by_area["is_reference"]].reset_index(drop=True)
references = by_area[by_area["is_reference"]].sort_values(
    "level", key=lambda levels: levels.map(REFERENCE_ORDER)
)

if localities.empty:
    st.info(
        f"There are no locality figures for {label.lower()} in {year}: not every source covers "
        "every year. Choose another year, or see the Trends tab."
    )

# ---------------------------------------------------------------- the two views, as tabs


def show_year() -> None:
    """The localities ranked in the chosen year, then the table of their figures."""
    st.header(f"Localities ranked, {year}")
    if not localities.empty:
        # Chart names for the reference lines: County, England and the region by name.
        reference_lines: dict[str, float | None] = {}
        # A total (count or money) for the county is the sum of its localities: as a line beside
        # them it would only squash the bars, so totals are compared in the table instead.
        comparable = references if is_ratio else references.iloc[0:0]
        for _, ref in comparable.iterrows():
            if ref["level"] == "LA":
                # the DfE's own LA figure is in the table; on the chart it would sit on County
                continue
            name = REFERENCE_NAMES.get(str(ref["level"]), f"{ref['area_name']} (region)")
            reference_lines[name] = None if ref["suppressed"] else ref["value"]
        chart_title = f"{label} by locality, {year}"
        chart = ranked_bar(
            localities[["area_name", "value", "suppressed"]].rename(
                columns={"area_name": "locality"}
            ),
            category="locality",
            value_label=label,
            unit=unit,
            title=chart_title,
            references=reference_lines,
            highlight=highlight,
            category_title="Locality",
        )
        drawn_references = {
            k: v for k, v in reference_lines.items() if v is not None and pd.notna(v)
        }
        ranking_words = "; ".join(
            f"{r['area_name']} {figure(r['value'], r['suppressed'], unit)}"
            for _, r in localities.iterrows()
        )
        reference_words = ", ".join(
            f"{name} {figure(value, False, unit)}" for name, value in drawn_references.items()
        )
        st.altair_chart(
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
                if is_ratio
                else "This measure is a total, so the county and England totals are in the table "
                "below rather than drawn as lines"
            )
            + (f"; **{md(highlight)}** is highlighted." if highlight else ".")
            + " "
            + suppression_note()
        )
        chart_data = pd.concat(
            [
                localities.assign(series="Locality")[
                    ["series", "area_name", "value", "suppressed"]
                ],
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
            file_stem=f"compare-ranked-{measure_id}-{time_period}",
            label="Download the chart's figures (CSV)",
        )

    st.header(f"The figures, {year}")
    table = pd.concat([localities, references], ignore_index=True)
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
            **area_figure_columns(measure_info, label_and_unit, "area"),
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
    download_csv(table_download, file_stem=f"compare-localities-{measure_id}-{time_period}")


def show_trends() -> None:
    """Every locality over the years, with the county beside it."""
    trends = query("compare_locality_trends", measure=measure_id)
    st.header("Trends in every locality")
    own = trends[~trends["is_reference"]]
    county_trend = trends[(trends["series"] == "County") & is_ratio]
    n_localities = own["area_name"].nunique()
    if own.empty:
        st.info(f"No locality has figures for {label.lower()} in any year.")
    elif n_localities > layout.MAX_LOCALITY_TILES:
        # Too many for a panel each (159 panels took the browser over a second to draw): one
        # heatmap, a row per locality ranked by its latest figure, a column per year.
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

        def listed(rows: pd.DataFrame) -> str:
            return ", ".join(
                f"{r['area_name']} {figure(r['value'], False, unit)}" for _, r in rows.iterrows()
            )

        st.altair_chart(
            heatmap,
            height=display_height(heatmap),  # Streamlit 1.67 squashes a chart's spec height
            alt=(
                f"Heatmap of {label.lower()} {unit_in_brackets(unit)} for {n_localities} "
                f"localities (rows) over the academic years {first} to {last} (columns); darker "
                f"is higher."
                + (" The top row is the county, for comparison." if is_ratio else "")
                + f" Rows are ranked by the {last} figure, highest first"
                + (
                    f": highest {listed(latest.head(5))}; "
                    f"lowest {listed(latest.tail(5).iloc[::-1])}."
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
            + (
                f"**{md(highlight)}** is named (selected), in bold and framed. "
                if highlight
                else ""
            )
            + "Grey cells marked **S** are suppressed figures (never shown as zero); a blank cell "
            "means no figure for that year. Hover over a cell for its figure, or download them all "
            "below."
        )
    else:
        first, last = own["year"].min(), own["year"].max()
        multiples = small_multiples_with_reference(
            own,
            county_trend,
            value_label=label,
            unit=unit,
            title=f"{label} by locality, {first} to {last}",
            facet="area_name",
            highlight=highlight,
        )
        changes = []
        for name, rows in own.groupby("area_name", sort=True):
            ordered = rows.sort_values("time_period")
            changes.append(
                f"{name} from "
                f"{figure(ordered['value'].iloc[0], ordered['suppressed'].iloc[0], unit)} to "
                f"{figure(ordered['value'].iloc[-1], ordered['suppressed'].iloc[-1], unit)}"
            )
        st.altair_chart(
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
    if not own.empty:
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
            trend_download.rename(columns={"area_name": "locality"}).assign(unit=unit),
            file_stem=f"compare-trends-{measure_id}",
            label="Download the trends (CSV)",
        )


# Only the open tab is drawn: the ranking and the trends at once were 3 charts, and the
# national trend heatmap alone delayed the page's first chart.
sections = {YEAR_TAB: show_year, TRENDS_TAB: show_trends}
lazy_tabs(sections)

# ---------------------------------------------------------------- where next
st.header("Look closer")
links = {"measure": measure_id, "year": str(time_period)}
if highlight:
    st.page_link(
        "app_pages/locality.py",
        label=f"Everything about {md(highlight)}",
        icon=":material/location_on:",
        query_params={**links, "locality": highlight},
    )
st.page_link(
    "app_pages/statistical_comparisons.py",
    label="Are the differences bigger than chance? See the statistical comparisons",
    icon=":material/scatter_plot:",
    query_params={**links, "level": "Locality"},
)
st.page_link(
    "app_pages/county_overview.py",
    label="See this measure on the county map",
    icon=":material/map:",
    query_params=links,
)
if measure["subject"] == "Exclusions":
    st.page_link(
        "app_pages/exclusions.py",
        label="Explore exclusions by reason and pupil characteristic",
        icon=":material/query_stats:",
        query_params={**links, **({"locality": highlight} if highlight else {})},
    )
