"""A partnership's share of the county's high needs top-up funding beside its shares of
pupils and of pupils with an EHC plan, against the other partnerships of its locality
(the Partnership profile's last section)."""

from __future__ import annotations

import streamlit as st

from explorer import access, charts, dataset
from explorer.data import query
from explorer.downloads import download_csv
from explorer.formatting import year_label
from explorer.text import md


def show_funding_share(partnership: str, locality: str, year: int, stem: str) -> None:
    """The sentence, the grouped bars for every partnership in the locality, and the
    download (``stem``: the page's file name stem)."""
    st.header("Share of high needs top-up funding", anchor="funding-share")
    shares = query("funding_share", locality=locality, time_period=year)
    own = shares[shares["partnership"] == partnership]
    if own.empty:
        if access.may_see_council_data_of(partnership):
            st.info(f"No high needs top-up funding figures for {year_label(year)}.")
        else:
            access.council_data_note("High needs top-up funding by partnership")
        return
    st.markdown(dataset.funding_share_sentence(own.iloc[0]))
    long = shares.melt(
        id_vars=["partnership"],
        value_vars=["topup_share_percent", "pupil_share_percent", "ehc_plan_share_percent"],
        var_name="share_of",
        value_name="percent",
    )
    long["share_of"] = long["share_of"].map(
        {
            "topup_share_percent": "Top-up funding",
            "pupil_share_percent": "Pupils",
            "ehc_plan_share_percent": "Pupils with an EHC plan",
        }
    )
    chart = charts.grouped_bar(
        long,
        category="partnership",
        value="percent",
        colour="share_of",
        value_title="Share of the county total (%)",
        title=f"Partnerships in {locality}: share of the county's top-up funding, pupils and "
        f"EHC plans, {year_label(year)}",
        category_title="Partnership",
        value_format=",.1f",
        # Streamlit fits the whole chart, title and key included, into its height: room for
        # the bars (70 px a partnership) plus the title's lines and the key's three rows
    ).properties(height=max(200, 70 * len(shares)) + 140)
    chart = chart.configure_axisY(labelLimit=320)  # partnership names are long; never cut them
    charts.show_chart(
        chart,
        width="stretch",
        alt=f"Bar chart comparing, for each partnership in {locality}, its share of the county's "
        "high needs top-up funding with its share of pupils and of pupils with an EHC plan. "
        + dataset.funding_share_sentence(own.iloc[0], markdown=False).replace("**", ""),
    )
    hidden = shares[shares["topup_suppressed"].astype(bool)]["partnership"].tolist()
    if hidden:
        st.caption(
            "Top-up funding **Suppressed** (no bar drawn) for: " + ", ".join(map(md, hidden)) + "."
        )
    st.caption(
        "Shares are of the whole county (every council school, including any in no "
        "partnership). A partnership with a special school or resource base will usually get "
        "more than its pupil share: top-ups follow the pupils with the highest needs."
    )
    download = shares[
        [
            "partnership",
            "locality",
            "year",
            "topup_amount",
            "topup_share_percent",
            "pupils",
            "pupil_share_percent",
            "ehc_plan_count",
            "ehc_plan_share_percent",
            "funding_to_pupil_share_ratio",
        ]
    ].copy()
    for column in ("topup_amount", "topup_share_percent", "funding_to_pupil_share_ratio"):
        download[column] = [
            dataset.download_value(v, s)
            for v, s in zip(download[column], shares["topup_suppressed"], strict=True)
        ]
    download_csv(download, f"{stem}-funding-share-{year}")
