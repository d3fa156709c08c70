"""A data pack on screen (the Data packs page): the area picker, the pack built and cached
per warehouse build, its Excel, web-page and PDF downloads (the PDF made only when asked),
and the pack's sections, tables and notes as the packs package wrote them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import packs
from contract.access import Viewer
from explorer import access, data
from explorer.data import query
from explorer.downloads import download_csv, offer_pdf
from explorer.formatting import year_label
from explorer.layout import suppression_note
from explorer.text import md
from explorer.url_state import url_radio, url_selectbox
from packs.html import display

PAGE_LEVELS = ("Locality", "Partnership")


@st.cache_data(show_spinner=False, max_entries=64)
def _pack(level: str, area: str, time_period: int, build: str, viewer: str) -> packs.Pack:
    """The pack for one area and year, as ``viewer`` may see it; cached per warehouse build
    and viewer."""
    con = data.connection(Viewer.from_key(viewer))
    return packs.build_pack(con, level, area, time_period, build=data.build_report())


@st.cache_data(show_spinner=False, max_entries=64)
def _files(level: str, area: str, time_period: int, build: str, viewer: str) -> tuple[bytes, bytes]:
    """The pack as Excel bytes and as HTML bytes."""
    pack = _pack(level, area, time_period, build, viewer)
    return packs.write_excel(pack), packs.render_html(pack).encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=16)
def _pdf(level: str, area: str, time_period: int, build: str, viewer: str) -> bytes:
    """The pack as PDF bytes (a few seconds in Chromium, so only when asked)."""
    return packs.write_pdf(_pack(level, area, time_period, build, viewer))


def pick_area(level_column, area_column) -> tuple[str | None, str | None]:
    """A locality or a partnership (``?level=&locality=`` or ``&partnership=``)."""
    level = url_radio("Pack for a", list(PAGE_LEVELS), "level", container=level_column)
    if level == "Partnership":
        areas = query("list_partnerships")["partnership"].tolist()
        return level, url_selectbox("Partnership", areas, "partnership", container=area_column)
    areas = query("list_localities")["locality"].tolist()
    return level, url_selectbox("Locality", areas, "locality", container=area_column)


def built(level: str, area: str, year: int) -> tuple[packs.Pack, bytes, bytes]:
    """The pack, and its Excel and web-page files (cached per build)."""
    with st.spinner(f"Building the data pack for {md(area)}, {year_label(year)}…"):
        pack = _pack(level, area, int(year), data.build_id(), access.viewer_key())
        excel_bytes, html_bytes = _files(
            level, area, int(year), data.build_id(), access.viewer_key()
        )
    return pack, excel_bytes, html_bytes


def downloads(
    pack: packs.Pack, excel_bytes: bytes, html_bytes: bytes, level: str, area: str, year: int
) -> None:
    """The three downloads side by side, then what the pack covers."""
    st.header("Download the pack")
    excel_column, html_column, pdf_column = st.columns(3)
    excel_column.download_button(
        "Download as Excel (.xlsx)",
        data=excel_bytes,
        file_name=f"{pack.file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download-pack-excel",
        icon=":material/table_view:",
        help="One sheet per section, plus contents, definitions and notes sheets.",
    )
    html_column.download_button(
        "Download as a printable web page (.html)",
        data=html_bytes,
        file_name=f"{pack.file_stem}.html",
        mime="text/html",
        key="download-pack-html",
        icon=":material/print:",
        help="Opens in any browser with no internet needed; print it on A4 for the meeting.",
    )
    pdf_offer(pdf_column, level, area, int(year), pack.file_stem)
    st.caption(
        f"{pack.level} pack for **{md(pack.area)}**, {pack.year}, compared with "
        f"{', '.join(map(md, pack.comparator_names))}. Data build {pack.build_id}. {suppression_note()}"
    )


def pdf_offer(column, level: str, area: str, time_period: int, file_stem: str) -> None:
    """A button that makes the pack's PDF, then its download."""
    build, viewer = data.build_id(), access.viewer_key()
    offer_pdf(
        column,
        state_key=f"pack-pdf-{level}-{area}-{time_period}-{build}-{viewer}",
        key="pack-pdf",
        make=lambda: _pdf(level, area, time_period, build, viewer),
        file_name=f"{file_stem}.pdf",
        what="the pack",
        download_help="The pack as an A4 PDF: a summary first, then each section.",
    )


def shown(table: packs.Table) -> pd.DataFrame:
    """The table as displayed: numbers to the pack's decimals, 'Suppressed', 'No data'."""
    frame = table.frame().astype(object)
    for r in range(len(table.rows)):
        for c in range(len(table.columns)):
            frame.iat[r, c] = display(table.rows[r][c], table.cell_unit(r, c))
    return frame


def preview(pack: packs.Pack) -> None:
    """Every section as the pack has it: intro, sentences, caveat, tables, definitions."""
    st.header("Preview")
    contents = ", ".join(md(section.title) for section in pack.sections)
    st.markdown(
        f"The pack has {len(pack.sections)} sections: {contents}; then definitions and notes."
    )
    for section in pack.sections:
        # the pack's text is plain (the HTML pack escapes it): names from data in it are shown
        st.subheader(md(section.title))
        st.markdown(md(section.intro))
        st.markdown("\n".join(f"- {md(sentence)}" for sentence in section.sentences))
        if section.caveat:
            st.markdown(md(section.caveat))
        for table in section.tables:
            st.markdown(f"**{md(table.title)}**")
            st.caption(md(table.caption))
            st.dataframe(shown(table), hide_index=True, width="stretch")
            download_csv(table.frame(), f"{pack.file_stem}-{table.key}")
        with st.expander(f"Definitions of the {section.title.lower()} measures"):
            for figure in section.figures:
                st.markdown(f"**{md(figure.label)}** ({md(figure.unit)}): {md(figure.definition)}")


def notes(pack: packs.Pack) -> None:
    """The pack's notes (sources, suppression, the build), as a list."""
    st.header("Notes")
    for note in pack.notes:
        st.markdown(f"- {md(note)}")
