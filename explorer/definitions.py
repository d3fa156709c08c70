"""The Data and definitions page's sections: what every measure means and which years it
covers, how small numbers are protected, what the last build loaded (and rejected), how
the county's schools reconcile with the DfE's LA figures, and the public tables to
download whole."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from contract.settings import weakened
from explorer.data import build_report, query
from explorer.downloads import (
    DOWNLOADABLE_TABLES,
    download_csv,
    download_rejects_csv,
    download_table_csv,
)
from explorer.formatting import ESTIMATE_MARK, SUPPRESSED_LABEL
from explorer.text import md
from explorer.url_state import url_selectbox

PREVIEW_ROWS = 1000  # rows shown on screen; the download has them all
REJECTS_PAGE_ROWS = 500  # rejected rows sent to the browser at a time

KIND_WORDS = {
    "rate": "a rate",
    "count": "a count",
    "mean": "an average per pupil",
    "amount": "an amount of money",
}
# What each downloadable table holds, in plain words (names from DOWNLOADABLE_TABLES).
TABLE_DESCRIPTIONS = {
    "area_measure_year": "Every measure for every school, partnership, locality, the county "
    "and the published England, regional and council figures, one row per area, year and "
    "measure (long format).",
    "locality_vs_county": "Every measure for each locality and year beside the county, the "
    "region and England, with the difference from the county.",
    "exclusion_trend": "Permanent exclusions and suspensions (counts and rates) for every "
    "area and year, one row per area and year.",
    "exclusions_by_reason": "Permanent exclusions and suspensions by reason for every area "
    "and year.",
    "exclusions_by_characteristic": "Permanent exclusions and suspensions by pupil "
    "characteristic (gender, SEN provision, free school meals, ethnicity, year group); "
    "rates are per 100 pupils with that characteristic.",
    "sen_need_profile": "Pupils with special educational needs by type of provision and "
    "primary need, for every area and year.",
    "funding_share": "Each partnership's and locality's share of the county's high needs "
    "top-up funding beside its share of pupils and of EHC plans.",
    "school_profile": "One row per school and year with the headline measures side by side.",
    "school_points": "Each school in each year with its partnership, locality and location.",
    "measures": "The measure catalogue: labels, units, definitions and sources.",
    "rejects": "Rows the data build rejected or warned about, with the reason.",
    "exclusions_by_phase": "Permanent exclusions and suspensions by school phase for every "
    "area and year.",
}


def how_worked_out(measure: pd.Series) -> str:
    """The calculation in words, from the catalogue's kind, numerator and denominator."""
    numerator = str(measure["numerator_label"]).lower()
    denominator = str(measure["denominator_label"] or "").lower()
    if measure["kind"] == "rate":
        return (
            f"{float(measure['multiplier']):g} × total {numerator} ÷ total {denominator}, "
            "adding up the area's schools first (never an average of school rates)"
        )
    if measure["kind"] == "mean":
        return f"Total {numerator} ÷ total {denominator}, over the area's schools"
    return f"The total of {numerator} over the area's schools"


def tick(ok: bool) -> str:
    """A check result in words and a symbol, so it does not rely on colour."""
    return "✓ Adds up" if ok else "✗ Does not add up"


# ---------------------------------------------------------------- measures


def years_words(measure: pd.Series) -> str:
    if measure["area_only"]:  # EHC plans: the DfE publishes the LA's figure, no school's
        return "Years with the council's published figure (LA level only)"
    return "Years for the council's schools"


def show_measures() -> None:
    """Every measure: a look-up box for one (definition, unit, how it is worked out,
    source, years), then the whole catalogue as a table to download."""
    st.header("Measures")
    measures = query("data_dictionary")
    coverage = query("data_measure_years")
    catalogue = measures.merge(coverage, on="measure", how="left")
    labels = dict(zip(catalogue["measure"], catalogue["label"], strict=True))
    subjects = dict(zip(catalogue["measure"], catalogue["subject"], strict=True))
    chosen = url_selectbox(
        "Look up a measure",
        catalogue["measure"].tolist(),
        "measure",
        format_func=lambda m: f"{subjects[m]}: {labels[m]}",
    )
    if chosen is not None:
        measure = catalogue.set_index("measure").loc[chosen]
        with st.container(border=True):
            st.subheader(str(measure["label"]))
            st.markdown(str(measure["definition"]))
            st.markdown(
                f"- **Unit:** {measure['unit']} ({KIND_WORDS.get(str(measure['kind']), '')})\n"
                f"- **How it is worked out:** {how_worked_out(measure)}\n"
                f"- **Source:** {measure['source']}\n"
                f"- **{years_words(measure)}:** {measure['years'] or 'none in this build'}\n"
                f"- **Years with England figures:** {measure['england_years'] or 'none published'}"
            )
    st.caption("Every measure in the catalogue, with the years this build holds for it.")
    catalogue_table = catalogue[
        [
            "subject",
            "label",
            "unit",
            "definition",
            "numerator_label",
            "denominator_label",
            "source",
            "years",
            "england_years",
            "measure",
        ]
    ]
    st.dataframe(
        catalogue_table,
        hide_index=True,
        # The columns a reader scans; numerators, sources and England years are in the box above
        # and the download, so the table fits without sideways scrolling.
        column_order=["subject", "label", "unit", "definition", "years", "measure"],
        column_config={
            "subject": st.column_config.TextColumn("Subject"),
            "label": st.column_config.TextColumn("Measure", width="medium"),
            "unit": st.column_config.TextColumn("Unit"),
            "definition": st.column_config.TextColumn("Definition", width="large"),
            "numerator_label": st.column_config.TextColumn("Counts (numerator)"),
            "denominator_label": st.column_config.TextColumn("Out of (denominator)"),
            "source": st.column_config.TextColumn("Source", width="medium"),
            "years": st.column_config.TextColumn("Years (council schools)", width="medium"),
            "england_years": st.column_config.TextColumn("Years (England)", width="medium"),
            "measure": st.column_config.TextColumn(
                "Identifier", help="The measure's name in page links and downloads"
            ),
        },
        placeholder="None",
        alt="The measure catalogue: every measure with its definition, unit, source and years",
    )
    download_csv(catalogue_table, "measure-definitions")


# ---------------------------------------------------------------- suppression


def show_suppression() -> None:
    """How small numbers are protected, with this warehouse's thresholds (said loudly
    when the settings allow weaker ones), and what a figure the DfE withheld stands for."""
    st.header("Small numbers and suppression")
    settings = query("council_settings")
    min_count, min_denominator = int(settings["min_count"]), int(settings["min_denominator"])
    if weakened(min_count, min_denominator):
        # only possible with allow_unsafe = true: said loudly, where the rules are stated
        st.error(
            f"**Small numbers are not fully protected.** The council's settings allow weaker "
            f"suppression than the safe rules (a smallest count of {min_count} and a smallest "
            f"base of {min_denominator}, with `allow_unsafe = true` in `[suppression]`): "
            + (
                "no small count is hidden, so single pupils can be identified. "
                if min_count < 2
                else "rates can be shown on fewer pupils than a count that is hidden. "
            )
            + "Do not share these pages or downloads outside the council.",
            icon=":material/gpp_bad:",
        )
    st.markdown(
        f"To protect pupils' privacy, small numbers are hidden before they reach any page or "
        f"download, and shown as **{SUPPRESSED_LABEL}**, never as zero:\n"
        f"- a **count** of 1 to {min_count - 1} is suppressed (a count of 0 is shown);\n"
        f"- a **rate** is suppressed when its count is 1 to {min_count - 1}, or when it is "
        f"based on fewer than {min_denominator} pupils (or sessions, or places);\n"
        f"- an **average** (Attainment 8) is suppressed when fewer than {min_denominator} "
        "pupils took part;\n"
        f"- an **amount of money** is suppressed when it pays for fewer than {min_count} "
        "pupils or places, so one child's funding cannot be worked out;\n"
        "- a suppressed number cannot be worked out from the others: where one hidden figure "
        "could be recovered by subtracting the shown ones from a total (a partnership's "
        "schools from the partnership, a locality's partnerships from the locality, the "
        "reasons from all exclusions), the next smallest figure in that total is hidden too "
        "(**complementary suppression**)."
    )
    st.subheader("Figures the DfE withheld, and the county's own figure")
    st.markdown(
        "- Where a DfE file carries its own figure for the local authority, that is the "
        "county's figure everywhere in the app (tiles, charts, packs, funnels). The sum of the "
        "county's schools is shown beside it where it differs.\n"
        "- A school figure the DfE withheld (shown as `x` or `c` in its files) is a small "
        "number that is not zero, never 0. A locality's or partnership's figure is then a "
        "**range**: the sum of its schools' published figures plus the range each withheld "
        "figure stands for. Where one number is needed it is an **estimate**, marked "
        f"**{ESTIMATE_MARK}**: the LA's residual (the DfE's LA figure minus its schools' "
        "published figures) is shared equally over the withheld figures, each kept within its "
        "range; with no LA figure, each counts as the middle of its range. The pupils at those "
        "schools stay in the rates.\n"
        "- A school's own withheld figure is shown as suppressed."
    )
    ranges = query("withheld_ranges")
    if not ranges.empty:
        st.dataframe(
            ranges,
            hide_index=True,
            column_config={
                "fact_table": st.column_config.TextColumn("Data"),
                "symbols": st.column_config.TextColumn("Symbols"),
                "low": st.column_config.NumberColumn("Stands for at least", format="%g"),
                "high": st.column_config.NumberColumn("and at most", format="%g"),
            },
            placeholder="no upper bound",
            alt="What a withheld figure stands for in each kind of data",
        )
        st.caption(
            "From `data/config.toml`, section `[withheld]`. The exclusions range (1 or 2) is the "
            "DfE's rule for school counts, checked on its 2016/17 release: for every LA and "
            "year from 2010/11, the LA's total minus its schools' published counts lies "
            "between 1 and 2 for each withheld figure. Other data: at least 1, no upper bound."
        )
    st.caption(
        f"These thresholds (a smallest count of {min_count} and a smallest base of "
        f"{min_denominator}) come from the council's settings file, `data/config.toml`, "
        "section `[suppression]`. Changing them there changes every page and download."
    )


# ---------------------------------------------------------------- the last build


def show_last_build() -> None:
    """What the last build read: its id, data, council and times, each file's rows
    (loaded, benchmark, out of scope, rejected: they must add up), each table's rows."""
    st.header("The last data build")
    report = build_report()
    if not report:
        st.info("No build report was found: run `python -m etl build` to build the warehouse.")
        return
    mode = report.get("mode")
    council = report.get("la", {}) or {}
    st.markdown(
        f"- **Build:** `{report.get('build_id', 'unknown')}`\n"
        f"- **Data:** {'demonstration data (generated, not real)' if mode == 'demo' else 'real data'}"
        f" (`{mode}`)\n"
        f"- **Council:** {md(council.get('name', 'not recorded'))} (LA {council.get('old_la_code', '?')}"
        f", {council.get('new_la_code', '?')})\n"
        f"- **Started:** {report.get('started_at', '?')}; **finished:** "
        f"{report.get('finished_at', '?')}"
    )
    build_files(report)
    build_tables(report)


def build_files(report: dict) -> None:
    """Each file the build read, its rows accounted for, and whether they add up."""
    files = pd.DataFrame(report.get("files", []))
    if files.empty:
        st.info("The build read no files.")
        return
    numbers = ["rows_read", "rows_loaded", "rows_benchmark", "rows_out_of_scope"]
    numbers += ["rows_rejected", "warnings"]
    files = files.reindex(columns=["file", "source", "encoding", "format", *numbers])
    accounted = files[["rows_loaded", "rows_benchmark", "rows_out_of_scope", "rows_rejected"]]
    files["reconciles"] = [
        tick(bool(ok)) for ok in files["rows_read"] == accounted.sum(axis=1, min_count=4)
    ]
    st.caption(
        "Every row read from a file is either loaded (the council's schools), kept as a "
        "benchmark (England, region, council totals), out of scope (other councils' "
        "schools) or rejected. The last column checks that these add up to the rows read."
    )
    st.dataframe(
        files,
        hide_index=True,
        column_order=[c for c in files.columns if c not in ("encoding", "format")],
        column_config={
            "file": st.column_config.TextColumn("File"),
            "source": st.column_config.TextColumn("Recognised as"),
            "encoding": st.column_config.TextColumn("Encoding"),
            "format": st.column_config.TextColumn("Format"),
            "rows_read": st.column_config.NumberColumn("Rows read", format="%,d"),
            "rows_loaded": st.column_config.NumberColumn("Loaded", format="%,d"),
            "rows_benchmark": st.column_config.NumberColumn("Benchmark", format="%,d"),
            "rows_out_of_scope": st.column_config.NumberColumn(
                "Other councils", format="%,d", help="Out of scope: other councils' schools"
            ),
            "rows_rejected": st.column_config.NumberColumn("Rejected", format="%,d"),
            "warnings": st.column_config.NumberColumn("Warnings", format="%,d"),
            "reconciles": st.column_config.TextColumn(
                "Check", help="Do loaded + benchmark + out of scope + rejected = rows read?"
            ),
        },
        placeholder="–",
        alt="Files read by the last build, with rows read, loaded, rejected and the check",
    )
    download_csv(files, "build-report-files")
    failing = files[~files["reconciles"].str.startswith("✓")]
    if failing.empty:
        st.success(
            f"All {len(files)} files reconcile: rows read = loaded + benchmark + out of "
            "scope + rejected.",
            icon=":material/check_circle:",
        )
    else:
        st.error(
            f"{len(failing)} files do not reconcile: {', '.join(map(md, failing['file']))}.",
            icon=":material/error:",
        )


def build_tables(report: dict) -> None:
    """The rows in each warehouse table, in an expander."""
    tables = pd.DataFrame(sorted((report.get("tables") or {}).items()), columns=["table", "rows"])
    if not tables.empty:
        with st.expander("Rows in each warehouse table"):
            st.dataframe(
                tables,
                hide_index=True,
                column_config={
                    "table": st.column_config.TextColumn("Table"),
                    "rows": st.column_config.NumberColumn("Rows", format="%,d"),
                },
                alt="Rows in each warehouse table after the last build",
            )
            download_csv(tables, "build-report-tables")


# ---------------------------------------------------------------- reconciliation


def show_reconciliation() -> None:
    """The DfE's own LA figures against the sums of the county's schools."""
    st.header("The county's schools against the DfE's figures for the LA")
    reconciliation = query("reconciliation")
    if reconciliation.empty:
        st.info("No file in the last build carried the DfE's own figures for the LA.")
    else:
        misfits = reconciliation[reconciliation["residual_fits"].ne("fits")]
        st.markdown(
            "For every measure and year where a DfE file gives its own figure for the LA: that "
            "figure, the sum of the county's schools' published figures, how many school "
            "figures the DfE withheld, and whether the difference fits what those withheld "
            "figures can hold. A difference that does not fit means schools are missing (from "
            "the register or the partnership list), some schools' figures were not available, "
            "or the two count different things."
        )
        if misfits.empty:
            st.success(
                f"All {len(reconciliation)} measure-years reconcile with the DfE's LA figures.",
                icon=":material/check_circle:",
            )
        else:
            st.warning(
                f"{len(misfits)} of {len(reconciliation)} measure-years do not reconcile: "
                + ", ".join(sorted(set(misfits["label"])))
                + ".",
                icon=":material/warning:",
            )
        shown_columns = ["label", "year", "la_figure", "schools_published", "n_schools"]
        shown_columns += ["withheld_cells", "withheld_low", "withheld_high", "other_missing"]
        shown_columns += ["residual", "residual_fits"]
        st.dataframe(
            reconciliation[shown_columns],
            hide_index=True,
            column_config={
                "label": st.column_config.TextColumn("Measure"),
                "year": st.column_config.TextColumn("Year"),
                "la_figure": st.column_config.NumberColumn("DfE figure for the LA", format="%,.0f"),
                "schools_published": st.column_config.NumberColumn(
                    "Schools' published figures", format="%,.0f"
                ),
                "n_schools": st.column_config.NumberColumn("Schools", format="%,d"),
                "withheld_cells": st.column_config.NumberColumn("Withheld", format="%,d"),
                "withheld_low": st.column_config.NumberColumn("They hold at least", format="%g"),
                "withheld_high": st.column_config.NumberColumn("and at most", format="%g"),
                "other_missing": st.column_config.NumberColumn(
                    "Not available", format="%,d", help="School figures not published at all"
                ),
                "residual": st.column_config.NumberColumn("Difference", format="%,.1f"),
                "residual_fits": st.column_config.TextColumn(
                    "Fits?", help="fits, or the difference is above or below what they can hold"
                ),
            },
            placeholder="no limit",
            alt="The DfE's LA figures against the sums of the county's schools",
        )
        download_csv(reconciliation, "reconciliation")


# ---------------------------------------------------------------- rejects and warnings


def show_rejects() -> None:
    """How many rows the build rejected or warned about, by file and rule, and the rows
    themselves a page at a time (filtered by file and rule); all of them to download."""
    st.header("Rejected rows and warnings")
    # counted in SQL and shown a page at a time: a build can reject millions of rows, far too
    # many to send to a browser (6 M rejects once took the server to 12.8 GB)
    totals = query("rejects_totals")
    n_rejects = int(totals.loc[totals["severity"].eq("reject"), "rows"].sum())
    n_warnings = int(totals.loc[totals["severity"].eq("warning"), "rows"].sum())
    st.markdown(
        f"The last build rejected **{n_rejects:,}** rows and raised **{n_warnings:,}** warnings. "
        "A rejected row is left out of the warehouse; a warning is loaded but worth checking."
    )
    if totals.empty:
        st.success(
            "Nothing was rejected and there were no warnings.", icon=":material/check_circle:"
        )
    else:
        st.dataframe(
            totals,
            hide_index=True,
            column_config={
                "source_file": st.column_config.TextColumn("File"),
                "rule": st.column_config.TextColumn("Rule"),
                "severity": st.column_config.TextColumn("Rejected or warning"),
                "rows": st.column_config.NumberColumn("Rows", format="%,d"),
            },
            alt="How many rows each file had rejected or warned about, by rule",
        )
        rejected_rows(totals)
    download_rejects_csv(
        f"Download all {n_rejects + n_warnings:,} rejected rows and warnings (CSV)",
        help="The file is written when you press the button; a long list takes a moment.",
    )


def rejected_rows(totals: pd.DataFrame) -> None:
    """The rejected rows and warnings themselves, filtered by file and rule, a page of
    REJECTS_PAGE_ROWS at a time (``totals``: the rows per file, rule and severity)."""
    file_column, rule_column = st.columns(2)
    chosen_file = url_selectbox(
        "File",
        ["", *sorted(set(totals["source_file"].dropna()))],
        "rejects_file",
        format_func=lambda name: name or "All files",
        container=file_column,
    )
    in_file = totals[totals["source_file"].eq(chosen_file)] if chosen_file else totals
    chosen_rule = url_selectbox(
        "Rule",
        ["", *sorted(set(in_file["rule"].dropna()))],
        "rejects_rule",
        format_func=lambda name: name or "All rules",
        container=rule_column,
    )
    chosen = in_file[in_file["rule"].eq(chosen_rule)] if chosen_rule else in_file
    count = int(chosen["rows"].sum())
    pages = max(1, math.ceil(count / REJECTS_PAGE_ROWS))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Page (of {pages:,})",
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                # a new filter starts again at its first page
                key=f"rejects-page-{chosen_file}-{chosen_rule}",
            )
        )
    rows = query(
        "rejects_page",
        source_file=chosen_file or None,
        rule=chosen_rule or None,
        limit=REJECTS_PAGE_ROWS,
        offset=(page - 1) * REJECTS_PAGE_ROWS,
    )
    first = (page - 1) * REJECTS_PAGE_ROWS + 1 if count else 0
    st.caption(f"Rows {first:,}–{first + len(rows) - 1:,} of {count:,}.")
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "source_file": st.column_config.TextColumn("File"),
            "source_row": st.column_config.NumberColumn("Line in file", format="%d"),
            "column_name": st.column_config.TextColumn("Column"),
            "value": st.column_config.TextColumn("Value"),
            "rule": st.column_config.TextColumn("Rule"),
            "reason": st.column_config.TextColumn("What is wrong", width="large"),
            "severity": st.column_config.TextColumn("Rejected or warning"),
        },
        placeholder="–",
        alt="Rows the last build rejected or warned about (one page)",
    )


# ---------------------------------------------------------------- downloads


def show_public_tables() -> None:
    """Any public table: its size, its first rows, and the whole of it as CSV."""
    st.header("Download the public tables")
    st.markdown(
        "Whole tables as CSV, with every small number already suppressed exactly as on the "
        "pages. Unsuppressed working tables are never offered."
    )
    table = st.selectbox(
        "Table",
        list(DOWNLOADABLE_TABLES),
        format_func=lambda name: name.replace("_", " ").capitalize(),
        key="download-table",
    )
    if table is not None:
        st.caption(TABLE_DESCRIPTIONS.get(table, ""))
        with st.spinner("Reading the first rows…"):
            rows = int(query("table_row_count", table=table)["rows"].iloc[0])
            preview = query("table_preview", table=table, limit=PREVIEW_ROWS)
        st.markdown(
            f"**{rows:,} rows**, {len(preview.columns)} columns. "
            + (f"The first {len(preview):,} rows are below; " if rows > len(preview) else "")
            + "a blank cell is either not applicable or hidden, and the `suppressed` columns say "
            "which values are hidden."
        )
        st.dataframe(
            preview,
            hide_index=True,
            placeholder="",
            height=400,
            alt=f"The first {len(preview):,} rows of the {table} table",
        )
        # The whole table is written as CSV only when the button is pressed (by DuckDB, to a
        # file): nationally area_measure_year has millions of rows, too many for every run.
        download_table_csv(
            table,
            f"Download the whole {table} table (CSV, {rows:,} rows)",
            help="The file is prepared when you press the button; a big table takes a moment.",
        )


# ---------------------------------------------------------------- own data


def show_own_data() -> None:
    """Where a council's own files go, and how to rebuild with them."""
    st.header("Using your own data")
    st.markdown(
        "Put your council's files (DfE downloads, the GIAS extract, the partnership membership "
        "workbook, the high needs funding files) in the `data/raw/` folder: any file name, as "
        "each file is recognised by its column headings. Set your council's codes and the "
        "suppression thresholds in `data/config.toml`, then rebuild with `python -m etl build`. "
        "The demo data is used only while `data/raw/` holds no files of your own. The "
        "**Using your own data** section of the README lists every file and its columns."
    )
