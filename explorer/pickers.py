"""The pickers most pages share, written once: the academic year and the measure, both kept
in the address (explorer.url_state)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from explorer.formatting import label_with_unit, year_label
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


@dataclass(frozen=True)
class MeasureYear:
    """A measure (its list_measures row) and an academic year, as the two pickers chose."""

    measure_id: str
    measure: pd.Series
    time_period: int

    @classmethod
    def of(cls, measures: pd.DataFrame, measure_id: str, time_period: int) -> MeasureYear:
        return cls(measure_id, measures.set_index("measure").loc[measure_id], time_period)

    @property
    def info(self) -> dict:
        """The measure as layout.definition_box and measure_help take it."""
        return {"measure": self.measure_id, **self.measure.to_dict()}

    @property
    def label(self) -> str:
        return str(self.measure["label"])

    @property
    def unit(self) -> str:
        return str(self.measure["unit"])

    @property
    def label_and_unit(self) -> str:
        """'Suspensions (suspensions)' says nothing twice: the unit only when it adds something."""
        return label_with_unit(self.label, self.unit)

    @property
    def year(self) -> str:
        return year_label(self.time_period)
