"""One spec per raw source (docs/architecture.md, "Raw sources").

A spec says which columns a file must have (its *signature*), the other names each column
has had across years (aliases, matched ignoring case, surrounding spaces and ``_`` vs
space), each column's type, the warehouse table it loads into and that table's grain.
``detect_source`` recognises a file by its header alone: the file name never matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

#: Column types. ``id``: a URN (whole number > 0, required); ``period``: a time period;
#: ``count``: whole number >= 0 or a suppression symbol; ``amount``: number >= 0 (money,
#: points, rates) or a symbol; ``whole``: whole number >= 0 or blank (ages); ``coordinate``:
#: a number or blank; ``date``; ``category``: required text (part of a key); ``text``.
ColumnType = Literal[
    "id", "period", "count", "amount", "whole", "coordinate", "date", "category", "text"
]
SourceKind = Literal["ees", "gias", "links", "membership", "council"]

#: Types whose cells may hold a suppression symbol (stored as NULL + ``<column>_flag``).
MEASURE_TYPES = frozenset({"count", "amount"})


def normalise_header(name: object) -> str:
    """Header matching key: case, surrounding/double spaces, ``_`` vs space and a BOM ignored."""
    text = str(name).replace("\ufeff", "").replace("_", " ").strip().lower()
    return " ".join(text.split())


@dataclass(frozen=True)
class Column:
    """One raw column. ``name`` is its name inside the ETL (the warehouse column when the
    table stores it); ``raw`` is the contract's header; ``aliases`` are other headers seen."""

    name: str
    raw: str
    type: ColumnType = "text"
    aliases: tuple[str, ...] = ()
    required: bool = True
    #: Only School rows must have it (EES benchmark rows leave school identifiers blank).
    school_only: bool = False
    #: Largest valid value (100 for a published percentage); None when unbounded.
    maximum: float | None = None
    #: A count some releases publish as a fraction (exclusions to 2009/10): kept as
    #: published with a warning, never rejected.
    fractional: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (normalise_header(self.raw), *(normalise_header(a) for a in self.aliases))


@dataclass(frozen=True)
class Benchmark:
    """A catalogue measure (queries/measures.csv) computed from a source's benchmark rows."""

    measure: str
    numerator: str
    denominator: str | None = None


@dataclass(frozen=True)
class Subset:
    """Parts that count a subset of ``whole``: their sum can never exceed it."""

    parts: tuple[str, ...]
    whole: str


@dataclass(frozen=True)
class Source:
    name: str
    kind: SourceKind
    table: str | None
    columns: tuple[Column, ...]
    #: Grain: the row key (ETL names). Later rows with a key already seen are rejected.
    key: tuple[str, ...]
    subsets: tuple[Subset, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()
    #: Headers that mean the file is a breakdown of this source, not this source
    #: (a characteristics file may also have ``school_laestab``).
    excludes: tuple[str, ...] = ()
    sheet: str | None = None
    required_source: bool = False

    @property
    def signature(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# --------------------------------------------------------------------------------------
# EES files: the standard columns, then school identifiers, then measures
# --------------------------------------------------------------------------------------

EES_STANDARD: tuple[Column, ...] = (
    Column("time_period", "time_period", "period"),
    Column("time_identifier", "time_identifier"),
    Column("geographic_level", "geographic_level"),
    Column("country_code", "country_code"),
    Column("country_name", "country_name"),
    Column("region_code", "region_code"),
    Column("region_name", "region_name"),
    Column("old_la_code", "old_la_code"),
    Column("new_la_code", "new_la_code"),
    Column("la_name", "la_name"),
)

_URN_ALIASES = ("urn", "school_urn", "URN")


def _urn(raw: str) -> Column:
    return Column("urn", raw, "id", tuple(a for a in _URN_ALIASES if a != raw), school_only=True)


def _school_text(name: str, raw: str, *aliases: str, required: bool = True) -> Column:
    return Column(name, raw, "text", aliases, required=required, school_only=True)


def _count(
    name: str, raw: str, *aliases: str, required: bool = True, fractional: bool = False
) -> Column:
    return Column(name, raw, "count", aliases, required=required, fractional=fractional)


def _rate(raw: str, *aliases: str, percent: bool = True) -> Column:
    """A published percentage/rate: validated as a number, not stored (views recompute it).
    A percentage (``percent``) cannot exceed 100; a rate per 100 pupils of events that can
    happen to one pupil many times (suspensions) can."""
    return Column(raw, raw, "amount", aliases, required=False, maximum=100.0 if percent else None)


def _ees(name: str, table: str, columns: Iterable[Column], key: Sequence[str], **kw) -> Source:
    return Source(name, "ees", table, (*EES_STANDARD, *columns), ("time_period", "urn", *key), **kw)


_LAESTAB = _school_text("laestab", "school_laestab", "laestab", "la_estab")
_SCHOOL_NAME = _school_text("school_name", "school_name", "schname", "school")
#: The school's phase as EES files name it: ``school_type`` to 2022/23, ``education_phase``
#: from the 2023/24 releases (values "State-funded primary", "Special", "Total", ...).
_SCHOOL_TYPE = _school_text("school_type", "school_type", "education_phase")
#: Files that identify schools by URN, or by LAESTAB only (the releases to 2016/17): the
#: ETL finds the URN in GIAS by LA code and establishment number (etl.shape).
_OPTIONAL_URN = Column("urn", "school_urn", "id", ("urn", "URN"), required=False, school_only=True)
_OPTIONAL_LAESTAB = Column(
    "laestab",
    "school_laestab",
    "whole",
    ("laestab", "la_estab", "LAEstab"),
    required=False,
    school_only=True,
)
_PHASE_TYPE = _school_text("phase_type_grouping", "phase_type_grouping", "phase_type")

EXCLUSION_BENCHMARKS = (
    Benchmark("exclusions_headcount", "headcount"),
    Benchmark("perm_excl_rate", "perm_excl", "headcount"),
    Benchmark("susp_rate", "susp", "headcount"),
    Benchmark("one_plus_susp_rate", "one_plus_susp", "headcount"),
    Benchmark("perm_excl", "perm_excl"),
    Benchmark("susp", "susp"),
    Benchmark("one_plus_susp", "one_plus_susp"),
)

SOURCES: tuple[Source, ...] = (
    Source(
        "gias",
        "gias",
        "schools",
        (
            Column("urn", "URN", "id"),
            Column("la_code", "LA (code)", aliases=("LA code", "LA")),
            Column("la_name", "LA (name)", aliases=("LA name",)),
            Column("estab_number", "EstablishmentNumber", "whole", ("Establishment Number",)),
            Column("school_name", "EstablishmentName", aliases=("Establishment Name",)),
            Column("establishment_type", "TypeOfEstablishment (name)"),
            Column("establishment_group", "EstablishmentTypeGroup (name)"),
            Column("status", "EstablishmentStatus (name)"),
            Column("phase_gias", "PhaseOfEducation (name)"),
            Column("low_age", "StatutoryLowAge", "whole"),
            Column("high_age", "StatutoryHighAge", "whole"),
            Column("open_date", "OpenDate", "date"),
            Column("close_date", "CloseDate", "date"),
            Column("postcode", "Postcode"),
            Column("easting", "Easting", "coordinate"),
            Column("northing", "Northing", "coordinate"),
            Column("district", "DistrictAdministrative (name)"),
            Column("ward", "AdministrativeWard (name)"),
        ),
        ("urn",),
        required_source=True,
    ),
    Source(
        "gias_links",
        "links",
        "school_links",
        (
            Column("urn", "URN", "id"),
            Column("link_urn", "LinkURN", "id", ("Link URN",)),
            Column("link_name", "LinkName", aliases=("Link Name",)),
            Column("link_type", "LinkType", "category", ("Link Type",)),
            Column("link_date", "LinkEstablishedDate", "date", ("Link Established Date",)),
        ),
        ("urn", "link_urn", "link_type"),
    ),
    Source(
        "membership",
        "membership",
        "membership",
        (
            Column("urn", "URN", "id", ("School URN",)),
            Column("school_name", "School name", aliases=("School",)),
            Column("partnership", "Partnership", "category", ("Partnership name",)),
            Column("locality", "Locality", "category", ("Locality name",)),
            Column("start_date", "Joined", "date", ("Start date", "Date joined", "From")),
            Column("end_date", "Left", "date", ("End date", "Date left", "To")),
        ),
        ("urn", "partnership", "start_date"),
        sheet="Membership",
        required_source=True,
    ),
    _ees(
        "census",
        "pupils",
        (
            _urn("urn"),
            _SCHOOL_NAME,
            _PHASE_TYPE,
            _count("headcount", "headcount_of_pupils", "headcount", "total_pupils_headcount"),
            _count(
                "fsm_eligible",
                "number_of_fsm_eligible_pupils",
                "number_of_pupils_known_to_be_eligible_for_free_school_meals",
                "fsm_eligible",
            ),
            _count("eal", "number_of_pupils_with_eal", "number_of_pupils_eal", "eal_pupils"),
        ),
        (),
        subsets=(Subset(("fsm_eligible",), "headcount"), Subset(("eal",), "headcount")),
        benchmarks=(
            Benchmark("pupils", "headcount"),
            Benchmark("fsm_count", "fsm_eligible"),
            Benchmark("fsm_percent", "fsm_eligible", "headcount"),
            Benchmark("eal_percent", "eal", "headcount"),
        ),
        excludes=("ncyear", "nc year"),
    ),
    _ees(
        "census_year_group",
        "pupils_year_group",
        (
            _urn("urn"),
            _SCHOOL_NAME,
            Column("year_group", "ncyear", "category", ("nc_year", "year_group")),
            _count("headcount", "headcount", "headcount_of_pupils", "number_of_pupils"),
        ),
        ("year_group",),
    ),
    _ees(
        "absence",
        "absence",
        (
            _urn("school_urn"),
            _LAESTAB,
            _SCHOOL_NAME,
            _SCHOOL_TYPE,
            _count("enrolments", "enrolments"),
            _count("sess_possible", "sess_possible"),
            _count("sess_overall", "sess_overall"),
            _count("sess_authorised", "sess_authorised"),
            _count("sess_unauthorised", "sess_unauthorised"),
            _count(
                "enrolments_pa_10",
                "enrolments_pa_10_exact",
                "enrolments_pa10_exact",
                "enrolments_pa_10",
                "enrolments_pa10",
            ),
            _rate("sess_overall_percent"),
            _rate("sess_authorised_percent"),
            _rate("sess_unauthorised_percent"),
            _rate("enrolments_pa_10_exact_percent", "enrolments_pa10_exact_percent"),
        ),
        (),
        subsets=(
            Subset(("sess_overall",), "sess_possible"),
            Subset(("sess_authorised", "sess_unauthorised"), "sess_overall"),
            Subset(("enrolments_pa_10",), "enrolments"),
        ),
        benchmarks=(
            Benchmark("overall_absence_rate", "sess_overall", "sess_possible"),
            Benchmark("authorised_absence_rate", "sess_authorised", "sess_possible"),
            Benchmark("unauthorised_absence_rate", "sess_unauthorised", "sess_possible"),
            Benchmark("persistent_absence_rate", "enrolments_pa_10", "enrolments"),
        ),
    ),
    _ees(
        "exclusions",
        "exclusions",
        (
            _OPTIONAL_URN,
            _OPTIONAL_LAESTAB,
            _school_text("school_name", "school_name", "schname", required=False),
            _SCHOOL_TYPE,
            _count("headcount", "headcount", "pupil_headcount"),
            _count("perm_excl", "perm_excl", fractional=True),
            _count("susp", "suspension", "susp", "fixed_excl", fractional=True),
            _count("one_plus_susp", "one_plus_susp", "one_plus_fixed", fractional=True),
            _rate("perm_excl_rate"),
            _rate("susp_rate", "fixed_excl_rate", percent=False),
            _rate("one_plus_susp_rate", "one_plus_fixed_rate"),
        ),
        (),
        subsets=(Subset(("one_plus_susp",), "headcount"), Subset(("one_plus_susp",), "susp")),
        benchmarks=EXCLUSION_BENCHMARKS,
        excludes=("exclusion reason", "reason", "characteristic group", "characteristic"),
    ),
    _ees(
        "exclusions_reason",
        "exclusions_reason",
        (
            _urn("school_urn"),
            _SCHOOL_NAME,
            _SCHOOL_TYPE,
            Column("reason", "exclusion_reason", "category", ("reason",)),
            _count("perm_excl", "perm_excl"),
            _count("susp", "susp", "fixed_excl"),
        ),
        ("reason",),
    ),
    _ees(
        "exclusions_characteristic",
        "exclusions_characteristic",
        (
            _urn("school_urn"),
            _SCHOOL_NAME,
            _SCHOOL_TYPE,
            Column("characteristic_group", "characteristic_group", "category"),
            Column("characteristic", "characteristic", "category"),
            _count("headcount", "headcount", "pupil_headcount"),
            _count("perm_excl", "perm_excl"),
            _count("susp", "susp", "fixed_excl"),
            _count("one_plus_susp", "one_plus_susp", "one_plus_fixed"),
        ),
        ("characteristic_group", "characteristic"),
        subsets=(Subset(("one_plus_susp",), "headcount"), Subset(("one_plus_susp",), "susp")),
    ),
    _ees(
        "sen",
        "sen",
        (
            _urn("urn"),
            _SCHOOL_NAME,
            _PHASE_TYPE,
            _count("total_pupils", "total_pupils", "headcount"),
            _count("sen_support", "sen_support", "number_sen_support"),
            _count("ehc_plan", "ehc_plan", "number_ehc_plan", "statement_or_ehc_plan"),
            _rate("sen_support_percent"),
            _rate("ehc_plan_percent", "statement_or_ehc_plan_percent"),
        ),
        (),
        subsets=(Subset(("sen_support", "ehc_plan"), "total_pupils"),),
        benchmarks=(
            Benchmark("sen_support_percent", "sen_support", "total_pupils"),
            Benchmark("ehc_plan_percent", "ehc_plan", "total_pupils"),
            Benchmark("sen_support_count", "sen_support"),
            Benchmark("ehc_plan_count", "ehc_plan"),
        ),
        excludes=("primary need", "sen provision"),
    ),
    _ees(
        "sen_need",
        "sen_need",
        (
            _urn("urn"),
            _SCHOOL_NAME,
            Column("sen_provision", "sen_provision", "category", ("provision",)),
            Column("primary_need", "primary_need", "category", ("need",)),
            _count("pupils", "number_of_pupils", "pupils", "headcount"),
        ),
        ("sen_provision", "primary_need"),
    ),
    _ees(
        "ks2",
        "ks2",
        (
            _urn("school_urn"),
            _SCHOOL_NAME,
            _count("pupils_eligible", "t_elig", "telig", "t_elig_rwm"),
            _count("rwm_expected", "t_rwm_met_expected", "t_rwm_exp", "trwm_exp"),
            # The published percentage, kept: the EES institution-level file (2022/23 on)
            # gives only this, no pupil numbers (etl.layouts_ks).
            Column(
                "rwm_expected_percent",
                "pt_rwm_met_expected",
                "amount",
                ("pt_rwm_exp", "ptrwm_exp", "expected_standard_pupil_percent"),
                required=False,
                maximum=100.0,
            ),
        ),
        (),
        subsets=(Subset(("rwm_expected",), "pupils_eligible"),),
        benchmarks=(Benchmark("ks2_rwm_expected_percent", "rwm_expected", "pupils_eligible"),),
    ),
    _ees(
        "ks4",
        "ks4",
        (
            _urn("school_urn"),
            _SCHOOL_NAME,
            _count("pupils", "t_pupils", "tpup", "t_pupils_ks4", "pupil_count"),
            # A published mean: the warehouse keeps total points (mean x pupils) so areas sum.
            Column(
                "avg_att8",
                "avg_att8",
                "amount",
                ("att8scr", "avg_attainment_8", "attainment8_average"),
            ),
        ),
        (),
        benchmarks=(Benchmark("ks4_attainment8", "att8_total", "pupils"),),
    ),
    Source(
        "topups",
        "council",
        "topups",
        (
            Column("time_period", "Financial year", "period", ("Financial year (FY)", "FY")),
            Column("urn", "URN", "id", ("School URN",)),
            Column("school_name", "School name", aliases=("School",)),
            Column("band", "Band", "category", ("Top-up band", "Funding band")),
            _count("pupils_funded", "Pupils funded", "Number of pupils", "Pupils"),
            Column(
                "amount_gbp",
                "Top-up amount (£)",
                "amount",
                ("Top-up amount", "Top-up amount (GBP)", "Top up amount (£)", "Amount (£)"),
            ),
        ),
        ("time_period", "urn", "band"),
    ),
    Source(
        "places",
        "council",
        "places",
        (
            Column("time_period", "Financial year", "period", ("Financial year (FY)", "FY")),
            Column("urn", "URN", "id", ("School URN",)),
            Column("school_name", "School name", aliases=("School",)),
            Column("provision_type", "Provision type", "category", ("Provision",)),
            _count("places", "Places", "Number of places", "Places funded"),
            Column(
                "amount_gbp",
                "Place funding (£)",
                "amount",
                ("Place funding", "Place funding (GBP)", "Amount (£)"),
            ),
        ),
        ("time_period", "urn", "provision_type"),
        sheet="Places",
    ),
)

SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}


@dataclass
class Detection:
    """What a header says: the source (or why none), and raw header -> ETL column name."""

    source: Source | None
    columns: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    #: The nearest source when none matched fully, and the columns it lacks.
    near: Source | None = None
    missing: tuple[str, ...] = ()


def map_columns(source: Source, header: Sequence[str]) -> dict[str, str]:
    """Raw header -> ETL name for the columns of ``source`` present (first match wins)."""
    by_key: dict[str, str] = {}
    for raw in header:
        by_key.setdefault(normalise_header(raw), raw)
    mapping: dict[str, str] = {}
    for column in source.columns:
        for key in column.headers:
            if key in by_key and by_key[key] not in mapping:
                mapping[by_key[key]] = column.name
                break
    return mapping


def _missing(source: Source, keys: set[str]) -> list[str]:
    return [c.raw for c in source.signature if not keys.intersection(c.headers)]


def detect_source(header: Sequence[object], sources: Sequence[Source] = SOURCES) -> Detection:
    """The one source whose signature the header holds, else a Detection with ``error``.

    When no source matches fully but one is clearly meant (at least half its signature,
    and more than any other), ``near``/``missing`` name it and the columns it lacks.
    """
    header = [str(h) for h in header if h is not None and str(h).strip() != ""]
    keys = {normalise_header(h) for h in header}
    full = [s for s in sources if not _missing(s, keys) and not keys.intersection(s.excludes)]
    if len(full) == 1:
        return Detection(full[0], map_columns(full[0], header))
    if len(full) > 1:
        names = ", ".join(s.name for s in full)
        return Detection(None, error=f"the header matches more than one source ({names})")
    # The nearest source: most header columns explained by its own (non-EES) columns,
    # with at least half of its own required columns present.
    scored = []
    for s in sources:
        own = [c for c in s.columns if c not in EES_STANDARD]
        own_required = [c for c in own if c.required]
        present = [c for c in own_required if keys.intersection(c.headers)]
        explained = sum(1 for c in own if keys.intersection(c.headers))
        if own_required and len(present) * 2 >= len(own_required):
            scored.append((explained, len(present) / len(own_required), s))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if scored and (len(scored) == 1 or scored[1][:2] != scored[0][:2]):
        best = scored[0][2]
        missing = _missing(best, keys)
        return Detection(
            None,
            error=f"looks like the {best.name} file but is missing required columns: "
            + ", ".join(missing),
            near=best,
            missing=tuple(missing),
        )
    return Detection(None, error="its header matches no known source")
