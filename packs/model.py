"""Build a data pack: the numbers, sentences and tables of one area's report for one year.

Everything comes from the query layer (``queries``), whose public views are already
suppressed, so a pack can only show what the app shows. The pack is plain data
(dataclasses of numbers and strings); packs.excel and packs.html render it.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

import queries
from analysis import (
    comparison_sentence,
    differs_beyond_chance,
    funnel_test_name,
    send_board,
    trend_test,
)
from analysis.breakdowns import with_totals
from analysis.sentences import (
    format_measure,
    membership_sentence,
    suppressed_sentence,
    trend_sentence,
)
from analysis.trend import format_p
from contract import catalogue
from contract.formats import SUPPRESSED

#: A cell where the column means nothing for the row (a difference between counts).
NOT_APPLICABLE = "Not applicable"
PACK_LEVELS: tuple[str, ...] = ("Locality", "Partnership", "County")


class Estimate(float):
    """A figure with school cells the DfE withheld: a number (Excel writes it as one) that
    also knows the range it lies in, so every table can show it as an estimate, never as
    an exact figure or a zero."""

    low: float | None
    high: float | None

    def __new__(cls, value: float, low: float | None, high: float | None) -> Estimate:
        self = super().__new__(cls, value)
        self.low, self.high = low, high
        return self


#: A table cell: a number (perhaps an Estimate), text, the text "Suppressed", or None.
Cell = float | int | str | None


#: The sections of the 2017 Banbury data set, in its order (the catalogue's).
SECTIONS = catalogue.SECTIONS
SectionSpec = catalogue.Section


@dataclass(frozen=True)
class Column:
    """A table column. ``unit`` None: text; 'row': the unit in the row's ``row_units`` entry."""

    header: str
    unit: str | None = None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_units: tuple[str, ...] | None = None

    def cell_unit(self, row: int, column: int) -> str | None:
        unit = self.columns[column].unit
        if unit == "row":
            return self.row_units[row] if self.row_units else None
        return unit

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame of what it shows (numbers, 'Suppressed', or blank)."""
        return pd.DataFrame(list(self.rows), columns=[c.header for c in self.columns])


@dataclass(frozen=True)
class TrendPoint:
    time_period: int
    year: str
    value: float | None
    suppressed: bool
    comparator_value: float | None
    comparator_suppressed: bool = False
    #: the area's figure as a table cell (Suppressed, an Estimate, a number or None)
    cell: Cell = None
    #: each of the figure's comparisons' cells this year, in the figure's order
    references: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The area's figure beside one comparator (its locality, the county or England)."""

    name: str  #: as a column header: 'Banbury locality', 'County (Oxfordshire)', 'England'
    phrase: str  #: as a sentence says it: 'Banbury locality', 'the county', 'England'
    cell: Cell  #: the comparator's figure this year
    #: beyond chance by the funnel test (rates of pupils only; None: not tested)
    significant: bool | None = None
    sentence: str = ""  #: the comparison in words ('' for England: the tables give it)


@dataclass(frozen=True)
class Figure:
    """One measure for the area in the pack's year, with its comparison and trend."""

    measure: str
    label: str
    unit: str
    kind: str
    higher_is: str
    definition: str
    value: float | None
    suppressed: bool
    comparator_value: float | None
    comparator_suppressed: bool
    national_value: float | None
    difference: float | None
    share_of_comparator: float | None
    sentence: str
    trend_sentence: str
    trend: tuple[TrendPoint, ...]
    #: this year's figure as a table cell (Suppressed, an Estimate, a number or None)
    cell: Cell = None
    #: beside the locality (partnership packs), the county and England, in that order
    comparisons: tuple[Comparison, ...] = ()
    #: the trend test's verdict and name, for a rate: (significant, 'Poisson score test …')
    trend_significant: bool = False
    trend_test_name: str = ""
    #: the comparisons in words, in reading order (rates: the locality's, then the county's)
    comparison_sentences: tuple[str, ...] = ()
    #: the end of ``trend_sentence`` that warns the area's schools changed ('' if none)
    trend_caveat: str = ""

    @property
    def sentences(self) -> list[str]:
        """The comparisons in words, then the trend (a hidden figure: the one sentence)."""
        said = self.comparison_sentences or (self.sentence,)
        if self.kind != "rate":
            # a count's first and latest years are in the trend table: no test to report
            return [text for text in said if text]
        # the warning that schools changed is said once for the section (Section.caveat)
        trend = self.trend_sentence.removesuffix(self.trend_caveat)
        return [text for text in (*said, trend) if text]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...]

    @property
    def sentences(self) -> list[str]:
        """Each measure's comparison sentences followed by its trend sentence."""
        return [text for f in self.figures for text in f.sentences]

    @property
    def caveat(self) -> str:
        """Said once after the sentences when a significant trend may come from schools
        joining or leaving the area ('' when none may)."""
        return next((f.trend_caveat.strip() for f in self.figures if f.trend_caveat), "")


@dataclass(frozen=True)
class Highlight:
    """A measure that stands out, for the pack's first page: the sentence and its test."""

    section: str
    sentence: str
    test: str


def highlights(sections: Sequence[Section]) -> tuple[Highlight, ...]:
    """What stands out: each difference from a comparator beyond chance (the pages' funnel
    test) and each significant trend, in the pack's order, with the test that says so."""
    found = []
    for section in sections:
        for f in section.figures:
            if f.suppressed:
                continue
            for c in f.comparisons:
                test = funnel_test_name(f.unit)
                if c.significant and c.sentence and test:
                    found.append(
                        Highlight(
                            section.title,
                            c.sentence,
                            f"outside the {test} around {c.phrase}'s figure",
                        )
                    )
            if f.trend_significant:
                # the summary says once that schools changed, not in every sentence
                said = f.trend_sentence.removesuffix(f.trend_caveat)
                found.append(Highlight(section.title, said, f.trend_test_name))
    return tuple(found)


@dataclass(frozen=True)
class Board:
    """The SEND board on one page (county packs): the same rows as the SEND board page
    (analysis.send_board), for the latest published year of each measure."""

    covers: str  #: 'Oxfordshire, 9 measures, latest 2022.'
    counts: str  #: 'Against target: 0 green, ... Against statistical neighbours: ...'
    rules: str
    next_update: str
    table: Table


#: The board's columns in a pack (the page's table less the 3-year change and the region,
#: so that nine measures fit one printed page).
BOARD_COLUMNS = ("Measure", "Year", "Council", "Change over 5 years", "England",
                 "Neighbour average", "Among neighbours", "Against neighbours", "Target",
                 "Against target")  # fmt: skip


def _board(con: duckdb.DuckDBPyConnection, settings: dict[str, Any]) -> Board | None:
    """The council's SEND board, or None when the build has none of its SEN2 figures."""
    if settings.get("old_la_code") is None:
        return None
    council = send_board.Council.from_settings(settings)
    rows = send_board.kpi_rows(
        queries.send_board_areas(con), council, queries.send_board_settings(con)
    )
    if all(row.value is None for row in rows):
        return None
    frame = send_board.summary_table(rows)[list(BOARD_COLUMNS)]
    headers = [council.name if c == "Council" else c for c in BOARD_COLUMNS]
    table = Table(
        key="send_board",
        title="The SEND board's measures",
        caption=(
            f"The DfE's figures for local authorities (EHC plans, SEN2; suspensions by SEN "
            f"provision) and the council's own (part-time timetables, alternative provision): "
            f"{council.name}'s latest figure for each measure beside England and its "
            "statistical neighbours where they publish one, and against the council's target. "
            "Ratings are words: Green, Amber, Red or No rating."
        ),
        columns=tuple(Column(h) for h in headers),
        rows=tuple(tuple(str(v) for v in r) for r in frame.itertuples(index=False)),
    )
    covers, counts = send_board.headline(rows, council)
    return Board(covers, counts, send_board.RULES_TEXT, send_board.NEXT_UPDATE, table)


@dataclass(frozen=True)
class BoardSummary:
    """The SEND board on its own, for the board's meeting (the SEND board page's download)."""

    board: Board
    council_name: str
    build_id: str
    demo: bool
    generated_at: str

    @property
    def title(self) -> str:
        return f"{self.council_name} SEND board"

    @property
    def file_stem(self) -> str:
        return f"{slug(self.council_name)}-send-board"


def build_board_summary(
    con: duckdb.DuckDBPyConnection, *, build: dict | None = None
) -> BoardSummary | None:
    """The council's SEND board on one page, or None when the build has no SEN2 figures."""
    settings = queries.council_settings(con)
    board = _board(con, settings)
    if board is None:
        return None
    build = build or {}
    return BoardSummary(
        board=board,
        council_name=str(settings["council_name"]),
        build_id=str(build.get("build_id", "unknown")),
        demo=build.get("mode") == "demo",
        generated_at=datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
    )


@dataclass(frozen=True)
class Pack:
    level: str
    area: str
    time_period: int
    year: str
    council_name: str
    comparator_name: str
    #: the partnership's locality in the pack's year (partnership packs only)
    locality: str | None
    #: every comparator's column name: the locality (partnerships), the county, England
    comparator_names: tuple[str, ...]
    build_id: str
    demo: bool
    generated_at: str
    min_count: int
    min_denominator: int
    sections: tuple[Section, ...]
    definitions: Table
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: the SEND board on one page (county packs with the council's SEN2 figures)
    board: Board | None = None

    @property
    def highlights(self) -> tuple[Highlight, ...]:
        """The measures that stand out (see :func:`highlights`)."""
        return highlights(self.sections)

    @property
    def title(self) -> str:
        return f"{self.area} data pack {self.year}"

    @property
    def file_stem(self) -> str:
        return pack_file_stem(slug(self.area), self.year)


# --------------------------------------------------------------------------- helpers


#: Longest slug kept whole: a name from a file can be any length, a file name cannot.
MAX_SLUG = 80


def slug(text: str) -> str:
    """'Banbury North Partnership' -> 'banbury-north-partnership' (safe as a file name;
    a name longer than MAX_SLUG is cut and keeps a short hash of the whole name)."""
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    cleaned = "-".join(part for part in out.split("-") if part) or "area"
    if len(cleaned) <= MAX_SLUG:
        return cleaned
    return f"{cleaned[:MAX_SLUG].rstrip('-')}-{_short_hash(text)}"


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


def unique_slugs(names: Sequence[str]) -> dict[str, str]:
    """Each name's slug, unique among ``names``: names that reduce to the same slug
    ('St Mary's' and 'St Marys', 'Oxford North' and 'Oxford-North') each take a short
    hash of the exact name, so no file overwrites another. Stable: a name's slug depends
    only on the names it collides with, not on their order."""
    plain = {name: slug(name) for name in dict.fromkeys(names)}
    counts = Counter(plain.values())
    unique = {
        name: f"{text}-{_short_hash(name)}" if counts[text] > 1 else text
        for name, text in plain.items()
    }
    # a plain slug equal to another's hashed one (vanishingly rare): number them
    seen: Counter[str] = Counter()
    for name, text in sorted(unique.items()):
        seen[text] += 1
        if seen[text] > 1:
            unique[name] = f"{text}-{seen[text]}"
    return unique


def pack_file_stem(area_slug: str, year: str) -> str:
    """'banbury-north-partnership-data-pack-2023-24' (a pack's file name, no suffix)."""
    return f"{area_slug}-data-pack-{year.replace('/', '-')}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return float(value)


def _cell(value: Any, suppressed: bool) -> Cell:
    """A table cell: the text 'Suppressed' for a hidden value, never a zero."""
    if suppressed:
        return SUPPRESSED
    return _number(value)


def _year_label(time_period: int) -> str:
    return queries.period_label(int(time_period))


def _trend_kind(unit: str) -> str:
    """The trend test's model: 'rate' (Poisson) or 'proportion' (binomial), as catalogued."""
    statistics, _overdispersed = catalogue.unit_model(unit)
    return "rate" if statistics == "poisson" else "proportion"


def _describe_change(label: str, area: str, points: Sequence[TrendPoint], unit: str) -> str:
    """For counts, money and means: first and latest published figures, no test."""
    shown = [p for p in points if p.value is not None]
    if len(shown) < 2:
        return (
            f"There are not enough published years to describe how {label[:1].lower()}"
            f"{label[1:]} in {area} has changed."
        )
    first, last = shown[0], shown[-1]
    return (
        f"{label} in {area}: {format_measure(first.value, unit)} in {first.year} and "
        f"{format_measure(last.value, unit)} in {last.year}."
    )


def _range_words(low: Any, high: Any, unit: str) -> str:
    """'between 0.15 and 0.21 per 100 pupils', or 'at or above 12 exclusions'."""
    low_number, high_number = _number(low), _number(high)
    if low_number is None:
        return "within a range that cannot be given"
    if high_number is None:
        return f"at or above {format_measure(low_number, unit)}"
    return f"between {format_measure(low_number, unit)} and {format_measure(high_number, unit)}"


@dataclass(frozen=True)
class Reference:
    """A comparator of the pack: where its series is, and how tables and sentences name it."""

    key: str  #: its series in ``build_pack``'s series map: 'Locality', 'County', 'National'
    name: str  #: column header
    phrase: str  #: in sentences
    said: bool = True  #: compared in words too (England is in the tables only)


def _reading(row: dict[str, Any] | None) -> Cell:
    """A series row as a table cell: Suppressed, an Estimate with its range, a number, None."""
    if row is None:
        return None
    if bool(row.get("suppressed") or False):
        return SUPPRESSED
    value = _number(row.get("value"))
    if value is not None and bool(row.get("estimated") or False):
        return Estimate(value, _number(row.get("value_low")), _number(row.get("value_high")))
    return value


def _compare(
    label: str,
    area: str,
    value: float | None,
    denominator: float | None,
    reference: Reference,
    reference_value: float | None,
    measure: pd.Series,
    year: str,
    suppressed: bool,
) -> tuple[bool | None, str]:
    """(beyond chance?, sentence) for the area against one comparator: the pages' test."""
    unit, kind = str(measure["unit"]), str(measure["kind"])
    if kind not in ("rate", "mean"):
        return None, comparison_sentence(
            label, area, value, reference.phrase, None, unit, year, suppressed=suppressed
        )
    significant = (
        differs_beyond_chance(unit, value, denominator, reference_value) if kind == "rate" else None
    )
    sentence = comparison_sentence(
        label,
        area,
        value,
        reference.phrase,
        reference_value,
        unit,
        year,
        str(measure["higher_is"]),  # type: ignore[arg-type]
        significant,
        suppressed,
    )
    return significant, sentence


def _figure(
    series: dict[tuple[str, str], dict[int, dict[str, Any]]],
    level: str,
    area: str,
    time_period: int,
    measure: pd.Series,
    references: Sequence[Reference],
    membership_changed: bool = False,
) -> Figure:
    """One measure: the area's figure, each comparator's, the sentences and the trend.

    The county (England for the county pack) is the main comparator, ``comparator_*``: its
    sentence is ``sentence``, and counts and money give their share of its total.
    """
    name = str(measure["measure"])
    own = series.get(("area", name), {})
    label, unit, kind = str(measure["label"]), str(measure["unit"]), str(measure["kind"])
    higher_is = str(measure["higher_is"])
    year = _year_label(time_period)
    main = next((r for r in references if r.key == "County"), references[0] if references else None)

    def at(by_year: dict[int, dict[str, Any]], column: str, period: int) -> Any:
        return by_year[period][column] if period in by_year else None

    def ref_series(reference: Reference | None) -> dict[int, dict[str, Any]]:
        return series.get((reference.key, name), {}) if reference else {}

    comparator = ref_series(main)
    national = series.get(("National", name), {})
    value = _number(at(own, "value", time_period))
    denominator = _number(at(own, "denominator", time_period))
    suppressed = bool(at(own, "suppressed", time_period) or False)
    comparator_value = _number(at(comparator, "value", time_period))
    comparator_suppressed = bool(at(comparator, "suppressed", time_period) or False)
    national_value = _number(at(national, "value", time_period)) if level != "County" else None

    points = tuple(
        TrendPoint(
            int(period),
            _year_label(int(period)),
            _number(row["value"]),
            bool(row["suppressed"]),
            _number(at(comparator, "value", int(period))),
            bool(at(comparator, "suppressed", int(period)) or False),
            cell=_reading(row),
            references=tuple(_reading(ref_series(r).get(int(period))) for r in references),
        )
        for period, row in sorted(own.items())
        if period <= time_period
    )

    estimate = ""
    if not suppressed and bool(at(own, "estimated", time_period) or False):
        # a figure with school cells the DfE withheld: an estimate, with its range
        low, high = at(own, "value_low", time_period), at(own, "value_high", time_period)
        withheld = int(at(own, "n_withheld", time_period) or 0)
        estimate = (
            f" This is an estimate: {withheld} school figure{'' if withheld == 1 else 's'}"
            f" behind it {'was' if withheld == 1 else 'were'} withheld by the DfE (small"
            f" numbers, never zero), so it lies {_range_words(low, high, unit)}."
        )

    comparable = kind in ("rate", "mean")
    locality = next((r for r in references if r.key == "Locality"), None)
    comparisons, said = [], []
    sentence = ""
    difference = share = None
    for reference in references:
        ref_value = _number(at(ref_series(reference), "value", time_period))
        significant, text = _compare(
            label, area, value, denominator, reference, ref_value, measure, year, suppressed
        )
        if not comparable:
            # A count or amount is not comparable with a whole county's: give the share.
            ref_share = (
                100.0 * value / ref_value
                if value is not None and ref_value is not None and ref_value > 0
                else None
            )
            if reference is main:
                share = ref_share
                if ref_share is not None and level != "County":
                    text += (
                        f" That is {ref_share:.1f}% of the county total of "
                        f"{format_measure(ref_value, unit)}."
                    )
            elif ref_share is not None and reference is locality:
                text = (
                    f"That is {ref_share:.1f}% of {reference.phrase}'s total of "
                    f"{format_measure(ref_value, unit)}."
                )
            else:
                text = ""
        if reference is main:
            text += estimate
            sentence = text
            if comparable and value is not None and ref_value is not None:
                difference = value - ref_value
        text = text if reference.said and not suppressed else ""
        comparisons.append(
            Comparison(
                reference.name,
                reference.phrase,
                _reading(ref_series(reference).get(time_period)),
                significant if not suppressed else None,
                text,
            )
        )
        if text:
            said.append(text)
    if not comparable and len(said) > 1:
        said.append(said.pop(0))  # the locality's share reads after the sentence naming it

    trend_significant, trend_name, trend_caveat = False, "", ""
    if kind == "rate":
        usable = [(p, row) for p, row in sorted(own.items()) if p <= time_period]
        result = trend_test(
            [p for p, _ in usable],
            [row["numerator"] for _, row in usable],
            [row["denominator"] for _, row in usable],
            _trend_kind(unit),  # type: ignore[arg-type]
            overdispersion=catalogue.unit_model(unit)[1],  # shares of sessions
        )
        trend_text = trend_sentence(label, area, result, higher_is)  # type: ignore[arg-type]
        trend_significant = result.tested and result.direction in ("rising", "falling")
        trend_name = f"{result.method}, {format_p(result.p_value)}" if result.tested else ""
        if membership_changed and trend_significant and result.n_years >= 2:
            # never a "significant trend" that may come from new or departed members
            trend_caveat = (
                f" {area}'s schools changed over these years (see the notes), so part of"
                " a trend may come from schools joining or leaving."
            )
            trend_text += trend_caveat
    else:
        trend_text = _describe_change(label, area, points, unit)

    return Figure(
        measure=name,
        label=label,
        unit=unit,
        kind=kind,
        higher_is=higher_is,
        definition=str(measure["definition"]),
        value=value,
        suppressed=suppressed,
        comparator_value=comparator_value,
        comparator_suppressed=comparator_suppressed,
        national_value=national_value,
        difference=difference,
        share_of_comparator=share,
        # Say which measure is hidden: the bare suppressed sentence names none.
        sentence=f"{label}: {suppressed_sentence(area, year)}" if suppressed else sentence,
        trend_sentence=trend_text,
        trend=points,
        cell=_reading(own.get(time_period)),
        comparisons=tuple(comparisons),
        trend_significant=trend_significant,
        trend_test_name=trend_name,
        comparison_sentences=tuple(said),
        trend_caveat=trend_caveat,
    )


# --------------------------------------------------------------------------- tables


def _in_words(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _summary_table(section: SectionSpec, figures: Sequence[Figure], pack: dict) -> Table:
    area, phrase = pack["area"], pack["comparator_phrase"]
    references: list[Reference] = pack["references"]
    columns = [Column("Measure"), Column("Unit"), Column(f"{area} {pack['year']}", "row")]
    columns += [Column(f"{r.name} {pack['year']}", "row") for r in references]
    columns += [
        # in the measure's unit: percentage points for percentages
        Column(f"Difference from {phrase} (in the measure's unit)", "row"),
        Column(f"Share of {phrase} total (%)", "%"),
    ]
    rows = []
    for f in figures:
        row: list[Cell] = [f.label, f.unit, f.cell, *(c.cell for c in f.comparisons)]
        # Counts and money have a share instead of a difference, and rates the reverse.
        comparable = f.kind in ("rate", "mean")
        row += [
            f.difference if comparable else NOT_APPLICABLE,
            NOT_APPLICABLE if comparable else f.share_of_comparator,
        ]
        rows.append(tuple(row))
    return Table(
        f"{section.key}_summary",
        f"{section.title}: {area} in {pack['year']}",
        f"{area} beside {_in_words([r.phrase for r in references])}.",
        tuple(columns),
        tuple(rows),
        tuple(f.unit for f in figures),
    )


def _trend_table(section: SectionSpec, figures: Sequence[Figure], pack: dict) -> Table:
    """One row per measure, one column per year: the area's own figures."""
    area = pack["area"]
    periods = sorted({p.time_period for f in figures for p in f.trend})
    rows = []
    for f in figures:
        by_period = {p.time_period: p.cell for p in f.trend}
        rows.append((f.label, f.unit, *(by_period.get(t) for t in periods)))
    return Table(
        f"{section.key}_trend",
        f"{section.title}: {area} year by year",
        f"Each measure for {area} in every year up to {pack['year']} (the charts add the "
        "comparators).",
        (Column("Measure"), Column("Unit"), *(Column(_year_label(t), "row") for t in periods)),
        tuple(rows),
        tuple(f.unit for f in figures),
    )


def _schools_table(con: duckdb.DuckDBPyConnection, pack: dict) -> Table | None:
    level, area, time_period = pack["level"], pack["area"], pack["time_period"]
    if level == "County":
        return None
    profile = queries.school_profile(
        con,
        time_period=time_period,
        partnership=area if level == "Partnership" else None,
        locality=area if level == "Locality" else None,
    )
    # the headline measures that fit a printed page beside the names: pupils and their needs
    measures = [
        (m.measure, m.heading, m.unit)
        for m in map(
            catalogue.measure,
            ("pupils", "fsm_percent", "sen_support_percent", "ehc_plan_percent",
             "overall_absence_rate"),
        )
    ]  # fmt: skip
    columns = [Column("School"), Column("URN"), Column("Phase")]
    if level == "Locality":
        columns.append(Column("Partnership"))
    columns += [Column(header, unit) for _, header, unit in measures]
    rows = []
    for _, school in profile.iterrows():
        hidden = set(
            school["suppressed_measures"] if school["suppressed_measures"] is not None else []
        )
        row: list[Cell] = [str(school["school_name"]), str(int(school["urn"])), school["phase"]]
        if level == "Locality":
            row.append(school["partnership"])
        row += [_cell(school[m], m in hidden) for m, _, _ in measures]
        rows.append(tuple(row))
    return Table(
        "schools",
        f"Schools in {area}, {pack['year']}",
        f"Each school in {area} at the January {pack['time_period'] % 100 + 2000} census.",
        tuple(columns),
        tuple(rows),
    )


def _reasons_table(con: duckdb.DuckDBPyConnection, pack: dict) -> Table:
    frame = queries.exclusions_by_reason(
        con, pack["level"], pack["area"], time_period=pack["time_period"]
    )
    # the parts add up: the suppressed reasons together, then all exclusions (the area's
    # own figures, as the exclusions section gives them)
    trend = queries.exclusion_trend(con, pack["level"], pack["area"])
    own = trend[trend["time_period"] == pack["time_period"]]
    frame = with_totals(
        frame, "reason", own.iloc[0] if not own.empty else None, ["perm_excl", "susp"]
    )
    rows = tuple(
        (
            r["reason"],
            _cell(r["perm_excl"], r["perm_excl_suppressed"]),
            _cell(r["susp"], r["susp_suppressed"]),
            _cell(r["susp_rate"], r["susp_rate_suppressed"]),
        )
        for _, r in frame.iterrows()
    )
    # a reason no school gave is named once, not a row of zeros (a hidden count is not zero)
    none_given = [r[0] for r in rows if r[1] == 0 and r[2] == 0]
    rows = tuple(r for r in rows if r[0] not in none_given)
    caption = (
        f"The reason schools in {pack['area']} gave for each permanent exclusion and suspension."
    )
    if none_given:
        caption += " No exclusion or suspension for: " + ", ".join(none_given).lower() + "."
    return Table(
        "exclusion_reasons",
        f"Exclusions and suspensions by reason, {pack['year']}",
        caption,
        (
            Column("Reason"),
            Column("Permanent exclusions", "exclusions"),
            Column("Suspensions", "suspensions"),
            Column("Suspensions per 100 pupils", "per 100 pupils"),
        ),
        rows,
    )


def _needs_table(con: duckdb.DuckDBPyConnection, pack: dict) -> Table:
    frame = queries.sen_need_profile(con, pack["level"], pack["area"], pack["time_period"])
    provisions = list(dict.fromkeys(frame["sen_provision"]))
    cells: dict[str, dict[str, tuple[Cell, Cell]]] = {}
    for _, r in frame.iterrows():
        cells.setdefault(r["primary_need"], {})[r["sen_provision"]] = (
            _cell(r["pupils"], r["pupils_suppressed"]),
            _cell(r["percent_of_provision"], r["percent_suppressed"]),
        )
    rows = tuple(
        (need, *(c for p in provisions for c in by.get(p, (None, None))))
        for need, by in cells.items()
    )
    columns = [Column("Primary need")]
    for provision in provisions:
        columns += [
            Column(f"{provision}: pupils", "pupils"),
            Column(f"{provision}: share of its pupils (%)", "%"),
        ]
    return Table(
        "sen_needs",
        f"Primary type of need, {pack['year']}",
        f"Pupils with special educational needs in {pack['area']} by primary need, for each "
        "kind of provision; the share is of the pupils with that provision.",
        tuple(columns),
        rows,
    )


def _funding_table(con: duckdb.DuckDBPyConnection, pack: dict) -> Table:
    level, area = pack["level"], pack["area"]
    frame = queries.funding_share(
        con, locality=area if level == "Locality" else None, time_period=pack["time_period"]
    )
    if level == "Partnership":
        frame = frame[frame["partnership"] == area]
    rows = tuple(
        (
            r["partnership"],
            r["locality"],
            _cell(r["topup_amount"], r["topup_suppressed"]),
            _number(r["topup_share_percent"]),
            _number(r["pupils"]),
            _number(r["pupil_share_percent"]),
            _number(r["funding_to_pupil_share_ratio"]),
        )
        for _, r in frame.iterrows()
    )
    return Table(
        "funding_share",
        f"Share of the county's top-up funding, {pack['year']}",
        "Each partnership's share of the county's high needs top-up funding beside its share of "
        "pupils. A ratio above 1 means more funding than its share of pupils.",
        (
            Column("Partnership"),
            Column("Locality"),
            Column("Top-up funding (£)", "£"),
            Column("Share of county top-up funding (%)", "%"),
            Column("Pupils on roll", "pupils"),
            Column("Share of county pupils (%)", "%"),
            Column("Funding share ÷ pupil share (ratio)", "ratio"),
        ),
        rows,
    )


def _definitions_table(catalogue: pd.DataFrame) -> Table:
    """Every measure in plain words: its name, unit, what it counts, how to read it, source.
    No internal measure ids: a chair reads names (the Data and definitions page has ids)."""

    def text(value: Any) -> str | None:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    reading = {"better": "Higher is better.", "worse": "Lower is better."}
    rows = tuple(
        (
            r["label"],
            r["unit"],
            f"{r['definition']} {reading.get(r['higher_is'], 'Neither higher nor lower is better.')}",
            text(r["numerator_label"]),
            text(r["denominator_label"]),
            r["source"],
        )
        for _, r in catalogue.iterrows()
    )
    return Table(
        "definitions",
        "Definitions",
        "Every measure in this pack: what it counts, its unit and where the data come from.",
        (
            Column("Measure"),
            Column("Unit"),
            Column("What it means"),
            Column("Counted"),
            Column("Out of"),
            Column("Source"),
        ),
        rows,
    )


# --------------------------------------------------------------------------- build


def available_areas(
    con: duckdb.DuckDBPyConnection, level: str, time_period: int | str | None = None
) -> list[str]:
    """Areas at ``level`` that have schools in the year (default: every year), A-Z."""
    if level == "County":
        return [str(queries.council_settings(con)["council_name"])]
    frame = (
        queries.list_partnerships(con) if level == "Partnership" else queries.list_localities(con)
    )
    name = "partnership" if level == "Partnership" else "locality"
    tp = queries.period(time_period)
    if tp is not None:
        frame = frame[(frame["first_period"] <= tp) & (frame["last_period"] >= tp)]
    return sorted(str(a) for a in frame[name])


def build_pack(
    con: duckdb.DuckDBPyConnection,
    level: str,
    area: str,
    time_period: int | str | None = None,
    *,
    build: dict | None = None,
) -> Pack:
    """Everything one area's data pack shows for one year (default: the latest year).

    ``level`` is Locality, Partnership or County; ``build`` is the warehouse's
    build_report.json (for the build id and demo notice). Raises ValueError for an
    unknown level, area or year.
    """
    if level not in PACK_LEVELS:
        raise ValueError(f"level must be one of {', '.join(PACK_LEVELS)}; got {level!r}")
    years = [int(y) for y in queries.list_years(con)["time_period"]]
    tp = queries.period(time_period) if time_period is not None else max(years)
    if tp not in years:
        raise ValueError(
            f"No data for {queries.period_label(tp)}; years available: "
            + ", ".join(queries.period_label(y) for y in sorted(years))
        )
    settings = queries.council_settings(con)
    council = str(settings["council_name"])
    if level == "County":
        area = council
    elif area not in available_areas(con, level):
        raise ValueError(f"No {level.lower()} called {area!r} in this warehouse")
    build = build or {}
    comparator_title = "England" if level == "County" else f"County ({council})"
    year = _year_label(tp)
    context = {
        "level": level,
        "area": area,
        "time_period": tp,
        "year": year,
        "comparator_title": comparator_title,
        "comparator_phrase": "England" if level == "County" else f"the county ({council})",
    }

    catalogue = queries.list_measures(con)
    by_id = catalogue.set_index("measure", drop=False)
    # One query for every measure's series; split once into (area|level, measure) frames.
    trends = queries.area_measures_trend(con, level=level, area=area)
    locality = None
    if level == "Partnership":
        # the locality the partnership belonged to in the pack's year, as its page says
        placed = queries.partnership_vs_locality(con, area, tp)
        locality = str(placed["locality"].iloc[0]) if not placed.empty else None
    if locality is not None:
        # the same view the page's locality column reads, for every year
        of_locality = queries.area_measures_trend(con, level="Locality", area=locality)
        trends = pd.concat(
            [trends, of_locality[~of_locality["is_reference"]].assign(is_reference=True)],
            ignore_index=True,
        )
    series: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for row in trends.to_dict("records"):
        key = (row["level"] if row["is_reference"] else "area", row["measure"])
        series.setdefault(key, {})[int(row["time_period"])] = row
    references = [Reference("National", "England", "England", said=False)]
    if level == "County":
        references[0] = Reference("National", "England", "England")
    else:
        references.insert(0, Reference("County", comparator_title, "the county"))
    if locality is not None:
        references.insert(0, Reference("Locality", f"{locality} locality", f"{locality} locality"))
    context["references"] = references
    # schools that joined or left over the pack's years: a trend is not like for like
    changes = (
        queries.membership_changes(con, level, area)
        if level in ("Partnership", "Locality")
        else pd.DataFrame()
    )
    if not changes.empty:
        changes = changes[changes["time_period"] <= tp]
    membership_note = membership_sentence(changes, area)
    sections = []
    for spec in SECTIONS:
        figures = tuple(
            _figure(
                series,
                level,
                area,
                tp,
                by_id.loc[m],
                references,
                membership_changed=bool(membership_note),
            )
            for m in spec.measures
            if m in by_id.index
        )
        tables: list[Table] = [
            _summary_table(spec, figures, context),
            _trend_table(spec, figures, context),
        ]
        extra: Table | None = None
        if spec.key == "pupils":
            extra = _schools_table(con, context)
        elif spec.key == "exclusions":
            extra = _reasons_table(con, context)
        elif spec.key == "send":
            extra = _needs_table(con, context)
        elif spec.key == "funding":
            extra = _funding_table(con, context)
        if extra is not None:
            tables.append(extra)
        sections.append(Section(spec.key, spec.title, spec.intro, figures, tuple(tables)))

    min_count, min_denominator = int(settings["min_count"]), int(settings["min_denominator"])
    notes = (
        f"Small numbers are suppressed to protect pupils' privacy: a count of 1 to "
        f"{min_count - 1}, or a rate based on fewer than {min_denominator} pupils, is shown as "
        f'"{SUPPRESSED}", never as zero. Money is suppressed when it pays for fewer than '
        f"{min_count} pupils or places. Where a hidden figure could be worked out by "
        "subtracting the others from a total, another figure is hidden with it.",
        "Rates are 100 × the sum of the numerators ÷ the sum of the denominators over the "
        "schools in the area: never an average of school rates. Where the DfE publishes its "
        "own figure for the local authority, that is the county's figure. A school figure "
        "the DfE withheld is a small number, never zero: an area's figure with such figures "
        "in it is an estimate (the LA's total less its schools' published figures, shared "
        "over the withheld ones), and says so with the range it lies in.",
        f"Partnerships and localities are as at the January census of each year. "
        f"'{comparator_title}' is the DfE's own figure for the council as a local authority "
        "where it publishes one, else the sum of the council's schools in this warehouse"
        + (" and England is the DfE's published national figure." if level != "County" else "."),
        "A difference is called statistically significant when the area lies outside the 95% "
        "limits of a funnel plot around the comparator (exact binomial for percentages of "
        "pupils, exact Poisson for rates per 100). Trends are tested with the Cochran-Armitage "
        "test (percentages) or the Poisson score test (rates per 100), with an allowance for "
        "over-dispersion for absence.",
        f"Data build: {build.get('build_id', 'unknown')}.",
    ) + ((membership_note,) if membership_note else ())
    return Pack(
        level=level,
        area=area,
        time_period=tp,
        year=year,
        council_name=council,
        comparator_name=comparator_title,
        locality=locality,
        comparator_names=tuple(r.name for r in references),
        build_id=str(build.get("build_id", "unknown")),
        demo=build.get("mode") == "demo",
        generated_at=datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        min_count=min_count,
        min_denominator=min_denominator,
        sections=tuple(sections),
        definitions=_definitions_table(catalogue),
        notes=notes,
        board=_board(con, settings) if level == "County" else None,
    )


DEMO_NOTICE = (
    "Demo data: every school, number and name in this pack is generated for demonstration "
    "and is not real."
)
