"""Compare partnerships: any two or more partnerships side by side, wherever they are.

A chair can set their partnership beside one in another locality with a similar intake. For
one measure: this year's figures ranked, with each partnership's locality, the county and
England beside them, and the trend over every year. Every choice is in the address.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.charts import display_height, ranked_bar, show_chart, trend_chart
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import format_value, label_with_unit, year_label
from explorer.layout import area_figure_columns, definition_box, page_header, suppression_note
from explorer.pickers import measure_picker, year_picker
from explorer.text import md
from explorer.url_state import url_multiselect

DEFAULT_MEASURE = "perm_excl_rate"
#: How the reference rows are named beside the partnerships.
REFERENCE_NAMES = {"County": "County", "National": "England"}

page_header(
    "Compare partnerships",
    "Put any partnerships side by side, in the same locality or not: one measure this year, "
    "ranked, with each partnership's locality, the county and England beside them, and how "
    "each has changed over the years.",
)

# ---------------------------------------------------------------- choices (kept in the URL)
measures = query("list_measures")
years = query("list_years")
partnerships = query("list_partnerships", locality=None)
home = dict(zip(partnerships["partnership"], partnerships["locality"], strict=True))

chosen = url_multiselect(
    "Partnerships to compare",
    partnerships["partnership"].tolist(),
    "partnership",
    format_func=lambda name: f"{name} ({home[name]})",
    help="Type part of a name to narrow the list. Choose two or more, from any locality.",
    placeholder="Choose two or more partnerships",
)
pick_measure, pick_year = st.columns([3, 1])
measure_id = measure_picker(measures, DEFAULT_MEASURE, container=pick_measure)
time_period = year_picker(years, container=pick_year)
if len(chosen) < 2 or measure_id is None or time_period is None:
    st.info(
        "Choose two or more partnerships above to compare them. Your own partnership's "
        "profile page compares it with its locality, the county and England."
    )
    st.page_link(
        "app_pages/partnership.py", label="Open a partnership's profile", icon=":material/groups:"
    )
    st.stop()

measure = measures.set_index("measure").loc[measure_id]
measure_info = {"measure": measure_id, **measure.to_dict()}
label, unit = str(measure["label"]), str(measure["unit"])
year = year_label(time_period)
definition_box(measure_info)
st.caption(suppression_note())

# ---------------------------------------------------------------- this year, ranked
rows = query("measure_by_area", level="Partnership", measure=measure_id, time_period=time_period)
localities = {home[name] for name in chosen}
own = rows[~rows["is_reference"] & rows["area_name"].isin(chosen)].assign(
    shown_as=lambda df: df["area_name"]
)
locality_rows = query(
    "measure_by_area", level="Locality", measure=measure_id, time_period=time_period
)
beside = pd.concat(
    [
        locality_rows[
            ~locality_rows["is_reference"] & locality_rows["area_name"].isin(localities)
        ].assign(shown_as=lambda df: df["area_name"] + " locality"),
        rows[rows["level"].isin(list(REFERENCE_NAMES))].assign(
            shown_as=lambda df: df["level"].map(REFERENCE_NAMES)
        ),
    ],
    ignore_index=True,
)
table = pd.concat([own, beside], ignore_index=True)
st.header(f"{label}, {year}")
missing = sorted(set(chosen) - set(own["area_name"]))
if missing:
    st.info(
        f"No figures in {year} for: {', '.join(map(md, missing))} (not a partnership that year)."
    )
chart = ranked_bar(
    table,
    category="shown_as",
    value_label=label,
    unit=unit,
    title=f"{label} in {year}: the chosen partnerships, their localities, the county and England",
    category_title="Partnership or area",
).configure_axisY(labelLimit=320)  # partnership names are long: never cut them
figures = {
    name: format_value(None if pd.isna(v) else float(v), unit, suppressed=bool(s))
    for name, v, s in zip(table["shown_as"], table["value"], table["suppressed"], strict=True)
}
show_chart(
    chart,
    width="stretch",
    height=display_height(chart),
    alt=f"Bar chart of {label} in {year}: "
    + "; ".join(f"{name} {text}" for name, text in figures.items())
    + ".",
)
screen = table.assign(figure=[figures[name] for name in table["shown_as"]])[
    ["shown_as", "figure", "numerator", "denominator", "n_schools", "coverage_percent"]
]
st.dataframe(
    screen,
    hide_index=True,
    column_config={
        "shown_as": st.column_config.TextColumn("Partnership or area"),
        **area_figure_columns(measure_info, label_with_unit(label, unit), "partnership"),
    },
)
download_csv(
    table.drop(columns=["is_reference"]).assign(
        value=[None if s else v for v, s in zip(table["value"], table["suppressed"], strict=True)]
    ),
    f"compare-partnerships-{measure_id}-{time_period}",
)

# ---------------------------------------------------------------- over the years
st.header(f"{label} over the years")
trends = pd.concat(
    [
        query("area_measure_trend", level="Partnership", area=name, measure=measure_id).pipe(
            lambda df, name=name: df[~df["is_reference"]] if name != chosen[0] else df
        )
        for name in chosen
    ],
    ignore_index=True,
)
trends = trends.assign(value=trends["value"].where(~trends["suppressed"].astype(bool)))
trend = trend_chart(
    trends,
    value_label=label,
    unit=unit,
    title=f"{label}: the chosen partnerships, the county and England",
    series="series",
    subtitle="A gap in a line is a year whose figure is suppressed or not published.",
)
latest = trends[trends["time_period"] == trends["time_period"].max()]
show_chart(
    trend,
    width="stretch",
    height=display_height(trend),
    alt=f"Line chart of {label} over the years. In {year_label(int(latest['time_period'].max()))}: "
    + "; ".join(
        f"{series} {format_value(None if pd.isna(v) else float(v), unit, suppressed=bool(s))}"
        for series, v, s in zip(
            latest["series"], latest["value"], latest["suppressed"], strict=True
        )
    )
    + ".",
)
download_csv(
    trends.drop(columns=["is_reference"]), f"compare-partnerships-{measure_id}-over-the-years"
)

# ---------------------------------------------------------------- onward
st.header("Explore further")
for name in chosen:
    st.page_link(
        "app_pages/partnership.py",
        label=f"{md(name)}: its profile",
        icon=":material/groups:",
        query_params={"partnership": name, "locality": home[name], "year": str(time_period)},
    )
