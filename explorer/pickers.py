"""The pickers most pages share, written once: the academic year and the measure, both kept
in the address (explorer.url_state)."""

from __future__ import annotations

import pandas as pd

from explorer.formatting import year_label
from explorer.url_state import url_selectbox

YEAR_HELP = (
    "Funding figures are for the financial year (April to March) that mostly overlaps the "
    "academic year."
)


def year_picker(years: pd.DataFrame, container) -> int | None:
    """The academic year (``?year=``), newest first as list_years returns them."""
    return url_selectbox(
        "Academic year",
        years["time_period"].tolist(),
        "year",
        format_func=year_label,
        help=YEAR_HELP,
        container=container,
    )


def measure_picker(measures: pd.DataFrame, default: str, container) -> str | None:
    """Any measure (``?measure=``), labelled 'Subject: label' as list_measures orders them."""
    labels = dict(zip(measures["measure"], measures["label"], strict=True))
    subjects = dict(zip(measures["measure"], measures["subject"], strict=True))
    return url_selectbox(
        "Measure",
        measures["measure"].tolist(),
        "measure",
        default=default,
        format_func=lambda m: f"{subjects[m]}: {labels[m]}",
        container=container,
    )
