"""The SEND board's rules: one row per KPI (the catalogue's area-only measures: EHC plans,
SEN2, and suspensions and exclusions of SEND learners) with the council's latest figure,
its direction over 3 and 5 years, England, the region and the statistical neighbours of
that year, the council's target and trajectory, RAG against each and a one-line verdict.

Pure (a frame of published figures in, rows out), without Streamlit, so the board page
(explorer/send_board.py) and the county data pack's one-page summary (packs) say the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.funnel import differs_beyond_chance
from contract import catalogue, formats, neighbours, periods, settings

#: RAG words: never colour alone (WCAG 1.4.1): the board always writes the word.
GREEN, AMBER, RED, NONE = "Green", "Amber", "Red", "No rating"
NEXT_UPDATE = (
    "The DfE publishes EHC plan figures (SEN2) once a year, usually in June, for the calendar "
    "year before (plans in January of that year for placements). Suspensions and permanent "
    "exclusions by SEN provision come once a year with the full-year exclusions release, "
    "usually in July, for the school year before last."
)


@dataclass(frozen=True)
class Council:
    name: str
    old_la_code: int
    region_code: str | None

    @classmethod
    def from_settings(cls, row: Mapping[str, Any]) -> Council:
        """The council a connection was opened with (``queries.council_settings``)."""
        return cls(str(row["council_name"]), int(row["old_la_code"]), row.get("region_code"))


@dataclass
class KpiRow:
    measure: catalogue.Measure
    year: int | None = None  # time_period of the latest council figure
    value: float | None = None
    denominator: float | None = None
    england: float | None = None
    region: float | None = None
    neighbour_average: float | None = None
    neighbours_with_figure: int = 0
    neighbour_set: neighbours.NeighbourSet | None = None
    rank: int | None = None  # 1 = highest among the council and its neighbours
    ranked: int = 0
    change_3: float | None = None
    change_5: float | None = None
    target: settings.Target | None = None
    trajectory: float | None = None  # where the trajectory is in the latest year
    start_value: float | None = None
    rag_target: str = NONE
    target_text: str = "No target set"
    rag_neighbours: str = NONE
    neighbours_text: str = ""
    verdict: str = ""
    series: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def year_label(self) -> str:
        return periods.label(self.year) if self.year is not None else formats.NO_DATA

    def shown(self, value: float | None) -> str:
        return self.measure.fmt.text(value, self.measure.unit)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_words(rank: int, ranked: int) -> str:
    """'highest of 11', '3rd highest of 11', 'lowest of 11' (1 = the highest figure)."""
    if ranked > 1 and rank == ranked:
        return f"lowest of {ranked}"
    return f"{'' if rank == 1 else ordinal(rank) + ' '}highest of {ranked}"


def _better(measure: catalogue.Measure, difference: float) -> bool | None:
    """Whether a positive ``difference`` (this minus that) is better, by the polarity."""
    if measure.higher_is == "neutral" or difference == 0:
        return None
    return bool(difference > 0) == (measure.higher_is == "better")  # bool: not numpy's


def change_text(row: KpiRow, change: float | None, years: int) -> str:
    if change is None:
        return f"No figure {years} years earlier"
    if change == 0:
        return f"No change over {years} years"
    size = row.measure.fmt.difference(abs(change), row.measure.unit)
    better = _better(row.measure, change)
    judged = "" if better is None else (" (better)" if better else " (worse)")
    return f"{'Up' if change > 0 else 'Down'} {size} over {years} years{judged}"


def kpi_rows(
    figures: pd.DataFrame,
    council: Council,
    board: settings.SendBoard,
    reference: object = neighbours.REFERENCE_CSV,
) -> list[KpiRow]:
    """One row per board measure from the published figures (send_board_areas)."""
    # split once (filtering the whole frame per measure cost most of the page's time)
    by_measure = dict(tuple(figures.groupby("measure", sort=False))) if len(figures) else {}
    rows = []
    for measure in catalogue.board():
        mine = by_measure.get(measure.measure, figures.iloc[0:0])
        rows.append(_kpi_row(measure, mine, council, board, reference))
    return rows


def _value_at(frame: pd.DataFrame, year: int) -> pd.Series | None:
    hit = frame[frame["time_period"] == year]
    return None if hit.empty or pd.isna(hit["value"].iloc[0]) else hit.iloc[0]


def _kpi_row(measure, frame, council, board, reference) -> KpiRow:
    row = KpiRow(measure, target=board.target_for(measure.measure))
    las = frame[frame["level"] == "LA"]
    own = las[las["old_la_code"] == council.old_la_code].dropna(subset=["value"])
    own = own.sort_values("time_period")
    england = frame[frame["level"] == "National"].sort_values("time_period")
    row.series = pd.concat(
        [
            own.assign(area=council.name)[["time_period", "year", "value", "area"]],
            england.assign(area="England")[["time_period", "year", "value", "area"]],
        ]
    ).dropna(subset=["value"])
    if own.empty:
        row.verdict = f"{council.name} has no published figure for this measure."
        return row
    latest = own.iloc[-1]
    row.year, row.value = int(latest["time_period"]), latest["value"]
    if measure.denominator is not None and pd.notna(latest["denominator"]):
        row.denominator = float(latest["denominator"])
    start = periods.start_year(row.year)
    by_start = {periods.start_year(int(t)): v for t, v in zip(own["time_period"], own["value"],
                                                              strict=True)}  # fmt: skip
    for years in (3, 5):
        earlier = by_start.get(start - years)
        setattr(row, f"change_{years}", None if earlier is None else row.value - earlier)
    hit = _value_at(england, row.year)
    row.england = None if hit is None else hit["value"]
    region = frame[(frame["level"] == "Regional") & (frame["area_code"] == council.region_code)]
    hit = _value_at(region, row.year)
    row.region = None if hit is None else hit["value"]
    _neighbours(row, las, council, board, reference, start)
    _target(row, by_start, start)
    row.verdict = _verdict(row, council)
    return row


def _neighbours(row, las, council, board, reference, start) -> None:
    if not row.measure.area_only:
        row.neighbours_text = "The council's own figure: no other council publishes one"
        return
    chosen = neighbours.neighbours_of(council.old_la_code, start, board.neighbours, reference)
    row.neighbour_set = chosen
    if chosen is None:
        row.neighbours_text = "No statistical neighbours for this council"
        return
    year = las[las["time_period"] == row.year]
    values = year[year["old_la_code"].isin(chosen.codes)].dropna(subset=["value"])
    row.neighbours_with_figure = len(values)
    if values.empty:
        row.neighbours_text = "No neighbour published a figure"
        return
    row.neighbour_average = float(values["value"].mean())
    ranked = [*values["value"].tolist(), row.value]
    row.ranked = len(ranked)
    row.rank = 1 + sum(v > row.value for v in ranked)
    rank_text = rank_words(row.rank, row.ranked)
    tested = differs_beyond_chance(
        row.measure.unit, row.value, row.denominator, row.neighbour_average
    )
    better = _better(row.measure, row.value - row.neighbour_average)
    if row.measure.higher_is == "neutral":
        row.rag_neighbours, judged = NONE, "context, not rated"
    elif tested is None:
        row.rag_neighbours, judged = NONE, "no test of chance for a count"
    elif not tested:
        row.rag_neighbours, judged = AMBER, "not different beyond chance"
    else:
        row.rag_neighbours = GREEN if better else RED
        judged = f"{'better' if better else 'worse'} beyond chance"
    row.neighbours_text = f"{rank_text}; {judged}"


def _target(row: KpiRow, by_start: dict[int, float], start: int) -> None:
    target = row.target
    if target is None:
        return
    row.start_value = by_start.get(target.start)
    if row.start_value is None:
        row.target_text = f"No figure for {target.start}, where the trajectory starts"
        return
    if start <= target.start:  # nothing published since the line began: nothing to rate
        row.target_text = (
            f"Target {row.shown(target.target)} by {target.by}: the trajectory starts in "
            f"{target.start}, and no later figure is published yet"
        )
        return
    share = min(1.0, max(0.0, (start - target.start) / (target.by - target.start)))
    row.trajectory = row.start_value + (target.target - row.start_value) * share
    aim = row.shown(target.target)
    if _better(row.measure, row.value - row.trajectory) is not False:
        row.rag_target = GREEN
        row.target_text = f"On track for {aim} by {target.by}"
    elif _better(row.measure, row.value - row.start_value):
        row.rag_target = AMBER
        row.target_text = (
            f"Behind the trajectory to {aim} by {target.by} "
            f"({row.shown(row.trajectory)} by now), better than {target.start}"
        )
    else:
        row.rag_target = RED
        row.target_text = (
            f"Off track for {aim} by {target.by}: no better than in {target.start} "
            f"({row.shown(row.start_value)})"
        )


def _verdict(row: KpiRow, council: Council) -> str:
    parts = [f"{council.name}: {row.shown(row.value)} in {row.year_label}"]
    if not row.measure.area_only:
        parts.append("the council's own return (no England or neighbour figure exists)")
    if row.england is not None:
        better = _better(row.measure, row.value - row.england)
        word = {True: "better than England", False: "worse than England", None: "England"}[better]
        if row.value == row.england:
            word = "the same as England"
        parts.append(f"{word}: {row.shown(row.england)}")
    if row.rank is not None:
        parts.append(f"{rank_words(row.rank, row.ranked)} with its statistical neighbours")
    if row.target is not None:
        parts.append(row.target_text[0].lower() + row.target_text[1:])
    return "; ".join(parts) + "."


RULES_TEXT = (
    "Against target: green when the latest figure is on or ahead of a straight-line "
    "trajectory from the council's figure in the target's start year to the target; amber "
    "when behind it but better than the start year; red when no better than the start year. "
    "Against neighbours: green or red when the council's figure differs from the average of "
    "its statistical neighbours beyond chance (outside the 95% funnel limits for its number "
    "of plans or requests, the test the funnel charts use), amber when it does not; counts "
    "and context measures are not rated. Neighbours are the DfE's children's services "
    "statistical neighbours of the figure's year (the 2021 set to 2024, the 2025 set after) "
    "unless the council set its own."
)


def headline(rows: list[KpiRow], council: Council) -> tuple[str, str]:
    """The board in two sentences: what it covers (the page shows it in bold), and how many
    KPIs are green, amber and red against target and against neighbours."""

    def counts(attr: str) -> str:
        rated = [getattr(r, attr) for r in rows if getattr(r, attr) != NONE]
        if not rated:
            return "none rated"
        return ", ".join(f"{rated.count(w)} {w.lower()}" for w in (GREEN, AMBER, RED))

    latest = max((r.year for r in rows if r.year is not None), key=periods.start_year)
    return (
        f"{council.name}, {len(rows)} measures, latest {periods.label(latest)}.",
        f"Against target: {counts('rag_target')}. "
        f"Against statistical neighbours: {counts('rag_neighbours')}.",
    )


def summary_table(rows: list[KpiRow]) -> pd.DataFrame:
    """The board as a table (screen readers, the download and print)."""
    return pd.DataFrame(
        {
            "Measure": [r.measure.heading for r in rows],
            "Year": [r.year_label for r in rows],
            "Council": [r.shown(r.value) for r in rows],
            "Change over 3 years": [change_text(r, r.change_3, 3) for r in rows],
            "Change over 5 years": [change_text(r, r.change_5, 5) for r in rows],
            "England": [r.shown(r.england) for r in rows],
            "Region": [r.shown(r.region) for r in rows],
            "Neighbour average": [r.shown(r.neighbour_average) for r in rows],
            "Among neighbours": [r.neighbours_text for r in rows],
            "Against neighbours": [r.rag_neighbours for r in rows],
            "Target": [r.target_text for r in rows],
            "Against target": [r.rag_target for r in rows],
            "Higher is": [r.measure.higher_is for r in rows],
        }
    )
