"""Ten-year projections on the SEND board: EHC plans maintained, new plans and the high
needs top-up funding the council pays schools, continued on their trend with 80% and 95%
bands and a backtest (analysis.projections), and a scenario a lead sets (growth of new
plans, share in independent special schools, costs) that changes the projected plans and
cost. Only the council's own figures are used: published for plans, its records for money."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from analysis import projections
from analysis.send_board import KpiRow
from contract import catalogue, formats, periods
from explorer import access, send_board
from explorer.charts import VegaLiteSpec, finished, show_chart
from explorer.data import per_build, query
from explorer.downloads import download_csv
from explorer.url_state import url_radio

HORIZON = 10
#: The county's top-up funding (catalogue measure), a financial year to a year ending March.
SPEND = "topup_amount"


@dataclass(frozen=True)
class Series:
    """A series the page projects: the picker's words, the noun after its number, what its
    figures are (the DfE publishes the plans; the money is the council's records) and the
    chart's axis title. Its number format is the catalogue measure's."""

    label: str
    noun: str
    known: str
    axis: str


SERIES = {
    "ehc_caseload": Series(
        "EHC plans maintained (January)", "EHC plans maintained", "Published", "EHC plans"
    ),
    "ehc_new_plans": Series(
        "New EHC plans issued (calendar year)", "new EHC plans issued", "Published", "EHC plans"
    ),
    SPEND: Series(
        "High needs top-up funding (£, financial year ending March)",
        "of high needs top-up funding paid to schools",
        "Recorded",
        "Top-up funding (£)",
    ),
}
#: The backtest starts this many years before the last figure, or as many as the series
#: allows while leaving the method its minimum of years to fit.
BACKTEST_YEARS = 5
COUNT = formats.get("count")
MONEY = formats.get("gbp")


def _years(time_periods: pd.Series) -> list[int]:
    """The year each figure is drawn at: a calendar year as it is; an academic or financial
    year at the year it ends in (202324: the January caseload of 2024, or the financial
    year ending March 2024)."""
    return [
        int(t) if periods.is_calendar_year(int(t)) else periods.start_year(int(t)) + 1
        for t in time_periods
    ]


def council_series(rows: list[KpiRow], measure: str) -> tuple[list[int], list[float]]:
    """The council's published figures by year, from its board row."""
    (row,) = [r for r in rows if r.measure.measure == measure]
    own = row.series[row.series["area"] != "England"].sort_values("time_period")
    return _years(own["time_period"]), own["value"].astype(float).tolist()


def spend_series(council_name: str) -> tuple[list[int], list[float]]:
    """The county's high needs top-up funding by financial year, from the council's
    records; a suppressed or missing year is left out."""
    trend = query(
        "area_measure_trend", level="County", area=council_name, measure=SPEND, references=False
    )
    own = trend[~trend["suppressed"].astype(bool) & trend["value"].notna()]
    own = own.sort_values("time_period")
    return _years(own["time_period"]), own["value"].astype(float).tolist()


def _band_chart(
    frame: pd.DataFrame, test: pd.DataFrame | None, title: str, measure: str
) -> alt.Chart:
    observed = frame[frame["kind"] == "observed"]
    ahead = frame[frame["kind"] == "projected"]
    joined = pd.concat([observed.tail(1), ahead])  # the projection starts at the last figure
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    fmt = catalogue.measure(measure).fmt.d3
    series = SERIES[measure]
    layers = [
        alt.Chart(ahead).mark_area(opacity=0.18, color="#1d70b8").encode(
            x=x, y=alt.Y("lower_95:Q", title=series.axis, axis=alt.Axis(format=fmt)),
            y2="upper_95:Q"),
        alt.Chart(ahead).mark_area(opacity=0.3, color="#1d70b8").encode(
            x=x, y="lower_80:Q", y2="upper_80:Q"),
        alt.Chart(observed.assign(line=series.known)).mark_line(point=True, color="#0b0c0c")
        .encode(x=x, y="value:Q", tooltip=[alt.Tooltip("year:O", title="Year"),
                                           alt.Tooltip("value:Q", title="Figure", format=fmt)]),
        alt.Chart(joined).mark_line(strokeDash=[6, 4], color="#1d70b8").encode(
            x=x, y="value:Q",
            tooltip=[alt.Tooltip("year:O", title="Year"),
                     alt.Tooltip("value:Q", title="Projected", format=fmt),
                     alt.Tooltip("lower_95:Q", title="95% from", format=fmt),
                     alt.Tooltip("upper_95:Q", title="95% to", format=fmt)]),
    ]  # fmt: skip
    if test is not None and not test.empty:
        layers.append(
            alt.Chart(test).mark_line(strokeDash=[2, 2], color="#d4351c", point=True).encode(
                x=x, y="projected:Q",
                tooltip=[alt.Tooltip("year:O", title="Year"),
                         alt.Tooltip("projected:Q", title="Backtest projection", format=fmt),
                         alt.Tooltip("actual:Q", title=series.known, format=fmt)])
        )  # fmt: skip
    return alt.layer(*layers).properties(
        height=320,
        title=title,
        description=(
            f"{title}. {series.known} figures as a solid line, the projection dashed with its "
            "80% and 95% bands shaded, and the backtest (the projection from an earlier year) "
            "as a red dotted line."
        ),
    )


def _series(council_name: str, rows: list[KpiRow], measure: str) -> tuple[list[int], list[float]]:
    if measure == SPEND:
        return spend_series(council_name)
    return council_series(rows, measure)


@per_build(max_entries=16)
def _band_spec(council_name: str, measure: str, title: str) -> VegaLiteSpec:
    """The projection chart's finished spec, worked out once per build for everyone (the
    page checked that the series can be projected)."""
    _council, rows = send_board.load()
    years, values = _series(council_name, rows, measure)
    frame = projections.project(years, values, HORIZON)
    _back, test, _error = _backtest(years, values)
    return finished(_band_chart(frame, test, title, measure))


def _backtest(
    years: list[int], values: list[float]
) -> tuple[int, pd.DataFrame | None, projections.ProjectionError | None]:
    """(years back, the backtest or None, why there is none): from BACKTEST_YEARS back, or
    as many as the series allows."""
    back = min(BACKTEST_YEARS, len(years) - projections.MIN_YEARS)
    try:
        return back, projections.backtest(years, values, back=back), None
    except projections.ProjectionError as error:
        return back, None, error


def render(council_name: str, rows: list[KpiRow]) -> None:
    # the county's top-up funding is the council's own data (queries.access)
    shown = [m for m in SERIES if m != SPEND or access.current_viewer().sees_all_council_data]
    measure = url_radio(
        "Project",
        shown,
        "project",
        format_func=lambda m: SERIES[m].label,
        help="Which series to project",
    )
    years, values = _series(council_name, rows, measure)
    series, number = SERIES[measure], catalogue.measure(measure).fmt
    try:
        frame = projections.project(years, values, HORIZON)
        fit = projections.fit_log_linear(years, values)
    except projections.ProjectionError as error:
        st.info(f"{series.label} for {council_name} cannot be projected: {error}")
        return
    back, test, why_none = _backtest(years, values)
    if why_none is not None:
        st.caption(f"No backtest: {why_none}")
    last = frame[frame["kind"] == "projected"].iloc[-1]
    known = series.known
    title = f"{series.label}, {council_name}: {known.lower()} and projected to {int(last['year'])}"
    show_chart(_band_spec(council_name, measure, title), width="stretch")
    growth = formats.get("pct1").short(100 * fit.growth)
    st.markdown(
        f"On the trend of {len(years)} years ({years[0]} to {years[-1]}), {council_name} would "
        f"have **{number.bare(last['value'])}** {series.noun} in "
        f"{int(last['year'])} (95 in 100: {number.bare(last['lower_95'])} to "
        f"{number.bare(last['upper_95'])}), growing {growth} a year."
        + (" In cash: prices and rates as they were each year." if measure == SPEND else "")
    )
    st.caption(projections.METHOD_TEXT.format(n=len(years), growth=growth))
    if test is not None:
        error = projections.mean_absolute_percentage_error(test)
        inside = int(test["within_95"].sum())
        st.markdown(
            f"**Backtest.** {projections.BACKTEST_TEXT.format(origin=years[-back - 1])} It was "
            f"off by "
            f"{formats.get('pct1').short(error)} on average, and {inside} of {len(test)} "
            f"{known.lower()} figures fell inside its 95% band."
        )
        shown = test.assign(
            Year=test["year"],
            Projected=test["projected"].map(number.bare),
            **{"95% band": [f"{number.bare(a)} to {number.bare(b)}"
                            for a, b in zip(test["lower_95"], test["upper_95"], strict=True)]},
            **{known: test["actual"].map(number.bare)},
            **{"Inside the 95% band": test["within_95"].map({True: "Yes", False: "No"})},
        )[["Year", "Projected", "95% band", known, "Inside the 95% band"]]  # fmt: skip
        st.dataframe(shown, hide_index=True)
    table = frame.rename(columns={"value": "amount_gbp" if measure == SPEND else "plans"})
    download_csv(table, f"projection-{measure}", "Download the projection (CSV)")


def render_scenario(council_name: str, rows: list[KpiRow]) -> None:
    stock_years, stock = council_series(rows, "ehc_caseload")
    new_years, new = council_series(rows, "ehc_new_plans")
    if not stock_years or not new_years:
        st.info("The scenario needs the council's plans maintained and new plans.")
        return
    ceasing = projections.ceasing_rate(dict(zip(stock_years, stock, strict=True)),
                                       dict(zip(new_years, new, strict=True)))  # fmt: skip
    if ceasing is None:
        st.info("No year has plans maintained, new plans and the next January's plans together.")
        return
    trend = projections.fit_log_linear(new_years, new).growth if len(new) >= 4 else 0.0
    (share_row,) = [r for r in rows if r.measure.measure == "ehc_independent_special_pct"]
    share_now = (share_row.value or 0.0) / 100
    left, right = st.columns(2)
    growth = left.slider(
        "Growth of new EHC plans a year (%)", -10.0, 20.0,
        min(20.0, max(-10.0, round(100 * trend * 2) / 2)), 0.5,
        help="Starts at the trend of the council's new plans",
    ) / 100  # fmt: skip
    share = left.slider(
        "Share of plans in independent special schools (%)", 0.0, 20.0,
        min(20.0, round(100 * share_now, 1)), 0.1, help="Starts at the latest published share",
    ) / 100  # fmt: skip
    cost_independent = right.number_input(
        "Average yearly cost of a place in an independent special school (£)", 0, 500_000, 0,
        1_000, help="The council's own figure: no published figure is assumed",
    )  # fmt: skip
    cost_other = right.number_input(
        "Average yearly cost of an EHC plan in any other placement (£)", 0, 500_000, 0, 500,
        help="The council's own figure: no published figure is assumed",
    )  # fmt: skip
    flow = projections.stock_and_flow(stock_years[-1], stock[-1], new[-1], growth, ceasing, HORIZON)
    frame = projections.projected_cost(flow, share, cost_independent, cost_other)
    end = frame.iloc[-1]
    st.markdown(
        f"With new plans growing {formats.get('pct1').short(100 * growth)} a year and "
        f"{formats.get('pct1').short(100 * ceasing)} of plans ending each year, {council_name} "
        f"would maintain **{COUNT.bare(end['stock'])}** EHC plans in January "
        f"{int(end['year'])}, {COUNT.bare(end['independent'])} of them in independent special "
        "schools."
        + (f" Their yearly cost would be **{MONEY.tile(end['cost'])}**."
           if cost_independent or cost_other else
           " Enter the costs per place to see the projected cost.")
    )  # fmt: skip
    st.caption(projections.STOCK_FLOW_TEXT.format(ceasing=formats.get("pct1").short(100 * ceasing)))
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, color="#1d70b8")
        .encode(
            x=alt.X("year:O", title="January", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("stock:Q", title="EHC plans maintained", axis=alt.Axis(format=COUNT.d3)),
            tooltip=[alt.Tooltip("year:O", title="January"),
                     alt.Tooltip("stock:Q", title="Plans", format=COUNT.d3),
                     alt.Tooltip("independent:Q", title="In independent special", format=",.0f"),
                     alt.Tooltip("cost:Q", title="Cost (£)", format=",.0f")],
        )
        .properties(height=260, title=f"Scenario: EHC plans maintained, {council_name}",
                    description="The scenario's EHC plans maintained each January, ten years on.")
    )  # fmt: skip
    show_chart(chart, width="stretch")
    download_csv(frame, "scenario-ehc-plans", "Download the scenario (CSV)")
