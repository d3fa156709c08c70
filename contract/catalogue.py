"""The measure catalogue: one row per measure in contract/measures.csv is the measure.

A row gives the measure's label and short label, its section (``subject``), kind and unit,
the named format (contract.formats), its formula (warehouse ``table``, ``numerator`` and
``denominator`` columns, and ``only_when``, a condition on the table's rows), its statistical
model (``binomial`` / ``poisson`` / ``none``, ``overdispersed``), its polarity (``higher_is``
better / worse / neutral), whether it is a headline measure, its definition and source.

Everything else is generated from it: the query layer's measure-fact view and ``measures``
table, the ETL's benchmark rows from the DfE's LA/region/England figures, the sections of
the data-set page and the packs, the headline tables and the measure tables in README.md and
docs/architecture.md. Adding a measure that uses existing warehouse columns is one row here
(and a test).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from contract import formats
from contract.schema import AREA_ONLY, COUNCIL_BOARD_TABLES, COUNCIL_TABLES, SCHEMA

CATALOGUE_CSV = Path(__file__).resolve().parent / "measures.csv"

COLUMNS: tuple[str, ...] = (
    "measure",
    "label",
    "short_label",
    "subject",
    "kind",
    "unit",
    "format",
    "multiplier",
    "table",
    "numerator",
    "denominator",
    "only_when",
    "statistics",
    "overdispersed",
    "higher_is",
    "headline",
    "numerator_label",
    "denominator_label",
    "definition",
    "source",
)
KINDS = ("rate", "count", "mean", "amount")
STATISTICS = ("binomial", "poisson", "none")
POLARITIES = ("better", "worse", "neutral")
#: Tables with several rows per school and year (bands, provision types): a measure sums
#: them to one row per school, known only when every row is.
SUMMED_TABLES = frozenset({"topups", "places", "send_timetables", "ehc_placements"})


class CatalogueError(ValueError):
    """contract/measures.csv breaks a rule of the catalogue (one plain line)."""


@dataclass(frozen=True)
class Measure:
    measure: str
    label: str
    short_label: str
    subject: str
    kind: str
    unit: str
    format: str
    multiplier: float
    table: str
    numerator: str
    denominator: str | None
    only_when: str | None
    statistics: str
    overdispersed: bool
    higher_is: str
    headline: bool
    numerator_label: str
    denominator_label: str | None
    definition: str
    source: str

    @property
    def fmt(self) -> formats.Format:
        return formats.get(self.format)

    @property
    def heading(self) -> str:
        """The label with its unit in brackets (table columns, downloads, chart titles),
        unless the label already says the unit: 'Overall absence (% of sessions)'."""
        return label_with_unit(self.label, self.unit)

    @property
    def area_only(self) -> bool:
        """Published for LAs, regions and England only (EHC plans): no school, partnership
        or locality figure exists, so it is on the SEND board, not in the data set."""
        return self.table in AREA_ONLY

    @property
    def on_board(self) -> bool:
        """On the SEND board: published for LAs only, or a council-held SEND KPI."""
        return self.area_only or self.table in COUNCIL_BOARD_TABLES

    @property
    def council_only(self) -> bool:
        """The council's own data (no publication): with sign-in on, shown only to the
        council's analysts and, for their own partnership, its school staff."""
        return self.table in COUNCIL_TABLES

    @property
    def tested(self) -> bool:
        """Whether a difference can be tested against chance (funnel limits): counts of
        pupils or events with a known denominator; over-dispersed shares (sessions) and
        means get no verdict."""
        return self.statistics != "none" and not self.overdispersed


@dataclass(frozen=True)
class Section:
    """A part of the data set (the 2017 Banbury locality data set's order): its measures
    are the catalogue's rows with this ``subject``, in file order."""

    key: str
    subject: str
    title: str
    intro: str

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(m.measure for m in MEASURES if m.subject == self.subject and not m.area_only)


def label_with_unit(label: str, unit: str) -> str:
    """A name with its unit in brackets unless the name already says it; a unit with its
    own brackets is flattened so they never nest: 'points (mean)' -> '(points, mean)'."""
    if not unit or unit.lower() in label.lower():
        return label
    flat = unit.replace(" (", ", ").replace("(", "").replace(")", "")
    return f"{label} ({flat})"


def _flag(value: str, column: str, measure: str) -> bool:
    if value not in ("true", "false"):
        raise CatalogueError(f"{measure}: {column} must be true or false, not {value!r}")
    return value == "true"


def _checked(row: dict[str, str]) -> Measure:
    name = row["measure"]
    for column, allowed in (
        ("kind", KINDS),
        ("statistics", STATISTICS),
        ("higher_is", POLARITIES),
        ("format", tuple(formats.FORMATS)),
    ):
        if row[column] not in allowed:
            raise CatalogueError(f"{name}: {column} {row[column]!r} is not one of {allowed}")
    table = row["table"]
    if table not in SCHEMA and table not in AREA_ONLY:
        raise CatalogueError(f"{name}: table {table!r} is not a warehouse table")
    columns = {column for column, _type in SCHEMA.get(table) or AREA_ONLY[table]}
    for column in ("numerator", "denominator"):
        if row[column] and row[column] not in columns:
            raise CatalogueError(f"{name}: {column} {row[column]!r} is not a column of {table}")
    needs_denominator = row["kind"] in ("rate", "mean")
    if needs_denominator != bool(row["denominator"]) and row["kind"] != "amount":
        raise CatalogueError(
            f"{name}: a {row['kind']} needs a denominator exactly when it is a rate or mean"
        )
    return Measure(
        measure=name,
        label=row["label"],
        short_label=row["short_label"],
        subject=row["subject"],
        kind=row["kind"],
        unit=row["unit"],
        format=row["format"],
        multiplier=float(row["multiplier"]),
        table=table,
        numerator=row["numerator"],
        denominator=row["denominator"] or None,
        only_when=row["only_when"] or None,
        statistics=row["statistics"],
        overdispersed=_flag(row["overdispersed"], "overdispersed", name),
        higher_is=row["higher_is"],
        headline=_flag(row["headline"], "headline", name),
        numerator_label=row["numerator_label"],
        denominator_label=row["denominator_label"] or None,
        definition=row["definition"],
        source=row["source"],
    )


@cache
def load(path: Path = CATALOGUE_CSV) -> tuple[Measure, ...]:
    """The catalogue's measures in file order, checked."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise CatalogueError(f"{path} must have the columns {', '.join(COLUMNS)}")
        measures = tuple(_checked(row) for row in reader)
    names = [m.measure for m in measures]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{path}: a measure is listed twice")
    return measures


MEASURES: tuple[Measure, ...] = load()
BY_NAME: dict[str, Measure] = {m.measure: m for m in MEASURES}

#: The data set's sections, in the order of the 2017 Banbury locality data set.
SECTIONS: tuple[Section, ...] = (
    Section(
        "pupils",
        "Pupils",
        "Children and young people",
        "How many pupils attend the area's schools and the profile of their needs: eligibility "
        "for free school meals and English as an additional language.",
    ),
    Section(
        "attendance",
        "Attendance",
        "Attendance",
        "How much school time pupils missed, with and without the school's permission, and "
        "how many pupils were persistently absent.",
    ),
    Section(
        "exclusions",
        "Exclusions",
        "Exclusions and suspensions",
        "Permanent exclusions and suspensions as rates per 100 pupils, so areas of different "
        "sizes can be compared, and as numbers.",
    ),
    Section(
        "attainment",
        "Attainment",
        "Attainment",
        "Results at the end of primary school (key stage 2) and at the end of Year 11 "
        "(key stage 4).",
    ),
    Section(
        "send",
        "SEND",
        "Special educational needs",
        "Pupils receiving SEN support or with an Education, Health and Care plan, and their "
        "main types of need.",
    ),
    Section(
        "funding",
        "Funding",
        "High needs funding",
        "High needs top-up and place funding paid for pupils at the area's schools in the "
        "financial year (April to March) that mostly overlaps the school year.",
    ),
)


def measure(name: str) -> Measure:
    """One measure; a KeyError names an unknown one."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown measure {name!r}") from None


def area_only() -> tuple[Measure, ...]:
    """The measures published for areas only (the SEND board's), in catalogue order."""
    return tuple(m for m in MEASURES if m.area_only)


def board() -> tuple[Measure, ...]:
    """The SEND board's measures, in catalogue order."""
    return tuple(m for m in MEASURES if m.on_board)


def council_only() -> frozenset[str]:
    """The names of the council-only measures."""
    return frozenset(m.measure for m in MEASURES if m.council_only)


def headline() -> tuple[Measure, ...]:
    """The headline measures (the partnership and school tables), in catalogue order."""
    return tuple(m for m in MEASURES if m.headline)


def benchmarks(table: str) -> tuple[tuple[str, str, str | None], ...]:
    """(measure, numerator column, denominator column) of every measure on ``table``: what
    the ETL computes from the DfE's LA, region and England rows of that table's sources."""
    return tuple((m.measure, m.numerator, m.denominator) for m in MEASURES if m.table == table)


def _units() -> dict[str, tuple[str, str, bool]]:
    """unit -> (format, statistics, overdispersed): the catalogue gives one of each per unit
    (checked), so code holding only a unit (a chart, a table column) still takes the
    measure's named format and model, never a guess from the unit's wording."""
    found: dict[str, tuple[str, str, bool]] = {}
    for m in MEASURES:
        model = (m.format, m.statistics, m.overdispersed)
        if found.setdefault(m.unit, model) != model:
            raise CatalogueError(
                f"unit {m.unit!r} has two formats or statistical models ({m.measure}): "
                "give the measure its own unit"
            )
    return found


def unit_format(unit: str | None) -> formats.Format:
    """The named format of a catalogue unit ('% of pupils' -> pct1), or of a table unit
    (formats.TABLE_UNITS: '%', '£', 'ratio'); a KeyError names any other."""
    unit = unit or ""
    if unit in UNITS:
        return formats.get(UNITS[unit][0])
    if unit in formats.TABLE_UNITS:
        return formats.get(formats.TABLE_UNITS[unit])
    if unit in _COUNT_UNITS:
        return formats.get("count")
    raise KeyError(f"unknown unit {unit!r}: not a catalogue measure's unit nor a table unit")


def unit_model(unit: str) -> tuple[str, bool]:
    """(statistics, overdispersed) of a catalogue unit; ('none', False) for other units."""
    _fmt, statistics, overdispersed = UNITS.get(unit, ("count", "none", False))
    return statistics, overdispersed


def _check_sections() -> None:
    subjects = {m.subject for m in MEASURES}
    known = {s.subject for s in SECTIONS}
    if subjects - known:
        raise CatalogueError(f"subjects without a section: {', '.join(sorted(subjects - known))}")


_check_sections()
UNITS = _units()
#: Plain counts of things that are not a measure's unit (a pack's reason table).
_COUNT_UNITS = frozenset({"exclusions", "suspensions", "pupils", "places", "schools"})
