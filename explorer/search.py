"""One search box for the whole app: type part of a school's, partnership's or locality's
name, a school's URN or a postcode district (OX15) and open its page in one step.

A selectbox filters its options as the reader types, so every option's label carries the
words they may type. Choosing one opens the page: a locality on the Locality page, a
partnership on its profile, a school on its partnership's profile with the school named.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from contract.access import ANONYMOUS
from explorer import access
from explorer.data import build_id, config_path, on_retire, query

SEARCH_KEY = "find-anything"
#: Set by the search box's callback, read once by `go_to_choice` (a callback cannot
#: switch page itself).
TARGET_KEY = "find-anything-target"
PLACEHOLDER = "Name, URN or postcode"


@dataclass(frozen=True)
class Destination:
    page: str
    query_params: dict[str, str]


def option_label(row: pd.Series) -> str:
    """What the reader sees and types against, e.g.
    'Hornton Primary School – school, URN 123280, OX15, Banbury North Partnership'."""
    if row["kind"] == "Locality":
        return f"{row['name']} – locality"
    if row["kind"] == "Partnership":
        return f"{row['name']} – partnership in {row['locality']}"
    where = ", ".join(
        str(part)
        for part in (f"URN {row['urn']}", row["postcode_district"], row["partnership"])
        if part is not None and not pd.isna(part)
    )
    return f"{row['name']} – school, {where}"


def destination(row: pd.Series) -> Destination:
    """The page that shows a found area (a school is shown within its partnership)."""
    if row["kind"] == "Locality":
        return Destination("app_pages/locality.py", {"locality": str(row["name"])})
    if row["kind"] == "Partnership" or (row["kind"] == "School" and pd.notna(row["partnership"])):
        params = {"partnership": str(row["partnership"]), "locality": str(row["locality"])}
        if row["kind"] == "School":
            params["school"] = str(int(row["urn"]))
        return Destination("app_pages/partnership.py", params)
    # a school in no partnership: its figures are on the Exclusions explorer's school level
    return Destination(
        "app_pages/exclusions.py", {"level": "School", "school": str(int(row["urn"]))}
    )


def _remember_choice(labels: dict[str, Destination]) -> None:
    chosen = st.session_state.get(SEARCH_KEY)
    if chosen in labels:
        st.session_state[TARGET_KEY] = labels[chosen]
    st.session_state[SEARCH_KEY] = None  # the box is empty again when the page opens


@functools.lru_cache(maxsize=4)
def _options(build: str, config: str) -> dict[str, Destination]:
    """Every option's label and destination, once per build: nationally 24,000 schools,
    seconds of work that every page's run would otherwise repeat. Shared, not copied per
    run (st.cache_data's copy was 13% of a page's server time): read-only. Names only, the
    same for everyone: made as the public sees them. Dropped when a new build goes live."""
    with access.as_viewer(ANONYMOUS):
        index = query("search_index")
    columns = list(index.columns)
    rows = (pd.Series(values, index=columns) for values in index.itertuples(index=False))
    return {option_label(row): destination(row) for row in rows}


on_retire(_options.cache_clear)


def search_box() -> None:
    """The search box (call inside the sidebar), then open what was chosen."""
    labels = _options(build_id(), str(config_path()))
    st.selectbox(
        "Find a school, partnership or locality",
        list(labels),
        index=None,
        key=SEARCH_KEY,
        placeholder=PLACEHOLDER,
        help="Start typing: the list narrows to the names that match. A school's URN or "
        "postcode district (the first half of its postcode) finds it too.",
        on_change=_remember_choice,
        args=(labels,),
    )
    target = st.session_state.pop(TARGET_KEY, None)
    if target is not None:
        st.switch_page(target.page, query_params=target.query_params)
