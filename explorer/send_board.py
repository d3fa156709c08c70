"""The SEND board page's parts: the board's rows (analysis.send_board: the rules, shared
with the county data pack) read from the live build, drawn one row each with a sparkline,
and the board as a table to download.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

import packs
import queries
from analysis.send_board import (  # noqa: F401 (the page reads the texts from here)
    AMBER,
    GREEN,
    NEXT_UPDATE,
    NONE,
    RED,
    RULES_TEXT,
    Council,
    KpiRow,
    change_text,
    headline,
    kpi_rows,
    summary_table,
)
from contract import catalogue, periods
from contract.access import Viewer
from explorer import access, data
from explorer.charts import VegaLiteSpec, finished, show_chart
from explorer.downloads import download_csv, offer_pdf

#: Streamlit draws a chart at the height it is given, whatever the spec says: room for the
#: title, legend and year labels and a plot tall enough to show the line's shape.
SPARKLINE_HEIGHT = 240

#: RAG words: never colour alone (WCAG 1.4.1); the icon and the word say it too.
BADGE = {GREEN: ":green-badge[:material/check_circle: {}]",
         AMBER: ":orange-badge[:material/error: {}]",
         RED: ":red-badge[:material/cancel: {}]",
         NONE: ":gray-badge[{}]"}  # fmt: skip


def load() -> tuple[Council, list[KpiRow]]:
    """The council and its board rows, from the settings the live build's connection was
    opened with (what the county pack reads too: the build's, tightened to the file now).
    The council's own KPIs (its termly SEND return) are left out for a viewer who may not
    see the county's council data: ``note_council_kpis`` says so."""
    council, rows = _board(data.build_id(), str(data.config_path()), access.viewer_key())
    if access.current_viewer().sees_all_council_data:
        return council, rows
    return council, [row for row in rows if not row.measure.council_only]


def note_council_kpis() -> None:
    """One line where the council's own KPIs were left out for this viewer."""
    if access.current_viewer().sees_all_council_data:
        return
    names = [m.short_label for m in catalogue.board() if m.council_only]
    if names:
        access.council_data_note(
            "Not shown here: " + " and ".join(names) + " (the council's termly SEND return)"
        )


@st.cache_data(show_spinner=False, max_entries=12)
def _board(build: str, config: str, viewer: str) -> tuple[Council, list[KpiRow]]:
    """Cached per build, settings file and viewer (the council's own KPIs are not the
    public's: queries.access)."""
    with access.as_viewer(Viewer.from_key(viewer)):  # its query too, whatever changes meanwhile
        con = data.connection()
        chosen = Council.from_settings(queries.council_settings(con))
        return chosen, kpi_rows(
            data.query("send_board_areas"), chosen, queries.send_board_settings(con)
        )


def sparkline(row: KpiRow, council_name: str) -> alt.Chart:
    """The council's line (solid) and England's (dashed, for rates only: England's count
    would flatten the council's) over the years; the axis fits the figures (a sparkline
    shows the shape; the numbers are in the row and the table)."""
    frame = row.series
    if row.measure.kind == "count":
        frame = frame[frame["area"] != "England"]
    frame = frame.assign(start=[periods.start_year(int(t)) for t in frame["time_period"]])
    fmt = row.measure.fmt
    areas = [a for a in (council_name, "England") if a in set(frame["area"])]
    title = f"{row.measure.short_label}: {council_name}" + (
        " and England by year" if "England" in areas else " by year"
    )
    return (
        alt.Chart(frame, title=alt.TitleParams(title, fontSize=12), description=row.verdict)
        .mark_line(point=True)
        .encode(
            x=alt.X("start:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=10)),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
                    axis=alt.Axis(format=fmt.d3_axis, tickCount=3)),
            color=alt.Color("area:N", scale=alt.Scale(domain=areas,
                            range=["#1d70b8", "#505a5f"][: len(areas)]),
                            legend=alt.Legend(title=None, orient="top")),
            strokeDash=alt.StrokeDash("area:N", scale=alt.Scale(domain=areas,
                                      range=[[1, 0], [5, 3]][: len(areas)]), legend=None),
            tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("year:N", title="Year"),
                     alt.Tooltip("value:Q", title=row.measure.short_label, format=fmt.d3)],
        )
        .properties(height=150, width="container")
    )  # fmt: skip


@data.per_build(max_entries=64)
def _sparkline(measure: str, council_name: str) -> VegaLiteSpec:
    """A row's sparkline as a finished spec, worked out once per build for everyone."""
    _council, rows = load()
    (row,) = [r for r in rows if r.measure.measure == measure]
    return finished(sparkline(row, council_name))


def headline_sentence(rows: list[KpiRow], council: Council) -> str:
    """The board's headline as Markdown: what it covers in bold, then the RAG counts."""
    covers, counts = headline(rows, council)
    return f"**{covers}** {counts}"


def render_row(row: KpiRow, council_name: str) -> None:
    with st.container(border=True):
        words, badges, chart = st.columns([5, 3, 4])
        words.markdown(f"**{row.measure.label}**")
        words.markdown(f"### {row.shown(row.value)}")
        words.caption(f"{row.year_label} · {row.measure.unit}")
        words.markdown(row.verdict)
        badges.markdown(
            "Against target: " + BADGE[row.rag_target].format(row.rag_target)
            + "\n\nAgainst neighbours: " + BADGE[row.rag_neighbours].format(row.rag_neighbours)
        )  # fmt: skip
        badges.caption(change_text(row, row.change_3, 3))
        badges.caption(change_text(row, row.change_5, 5))
        if not row.series.empty:
            with chart:
                show_chart(
                    _sparkline(row.measure.measure, council_name),
                    width="stretch",
                    height=SPARKLINE_HEIGHT,
                )
        st.page_link(
            "app_pages/data_and_definitions.py",
            label=f"{row.measure.short_label}: the definition, source and years",
            icon=":material/menu_book:",
            query_params={"measure": row.measure.measure},
        )
        with st.expander(f"How {row.measure.short_label} is defined, and where it comes from"):
            st.markdown(row.measure.definition)
            polarity = {"better": "Higher is better.", "worse": "Higher is worse.",
                        "neutral": "Context: neither higher nor lower is better."}  # fmt: skip
            st.caption(f"{polarity[row.measure.higher_is]} Source: {row.measure.source}. "
                       f"{NEXT_UPDATE}")  # fmt: skip
            if row.neighbour_set is not None:
                st.caption(
                    f"Neighbours ({row.neighbour_set.source}): "
                    + (
                        ", ".join(row.neighbour_set.names)
                        or ", ".join(map(str, row.neighbour_set.codes))
                    )
                    + f". {row.neighbours_with_figure} of {len(row.neighbour_set.codes)} "
                    f"published a figure for {row.year_label}."
                )


def render_table(rows: list[KpiRow]) -> None:
    table = summary_table(rows)
    st.dataframe(table, hide_index=True, width="stretch")
    download_csv(table, "send_board", "Download the board (CSV)")


# ------------------------------------------------------------ the board on one page


@st.cache_data(show_spinner=False, max_entries=12)
def _one_page(build: str, viewer: str) -> tuple[packs.BoardSummary | None, bytes]:
    """The board on one page (the county pack's) and its HTML; cached per warehouse build
    and viewer."""
    summary = packs.build_board_summary(
        data.connection(Viewer.from_key(viewer)), build=data.build_report()
    )
    return summary, (packs.render_board_html(summary).encode("utf-8") if summary else b"")


@st.cache_data(show_spinner=False, max_entries=12)
def _one_page_pdf(build: str, viewer: str) -> bytes:
    summary, _html = _one_page(build, viewer)
    return packs.write_board_pdf(summary)


def render_one_page() -> None:
    """The board on one A4 page for the meeting: a web page to print, and a PDF on request
    (a few seconds in Chromium, so only when asked)."""
    build, viewer = data.build_id(), access.viewer_key()
    summary, html = _one_page(build, viewer)
    if summary is None:
        return
    html_column, pdf_column = st.columns(2)
    html_column.download_button(
        "Download the board on one page (.html)",
        data=html,
        file_name=f"{summary.file_stem}.html",
        mime="text/html",
        key="download-board-html",
        icon=":material/print:",
        help="Opens in any browser with no internet needed; prints on one A4 page.",
    )
    offer_pdf(
        pdf_column,
        state_key=f"board-pdf-{build}-{viewer}",
        key="board-pdf",
        make=lambda: _one_page_pdf(build, viewer),
        file_name=f"{summary.file_stem}.pdf",
        what="the board",
    )
