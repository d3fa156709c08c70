"""One spec per raw source (docs/architecture.md, "Raw sources").

A spec says which columns a file must have (its *signature*), the other names each column
has had across years (aliases, matched ignoring case, surrounding spaces and ``_`` vs
space), each column's type, the warehouse table it loads into and that table's grain.
``detect_source`` recognises a file by its header alone: the file name never matters.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Literal

from contract import catalogue

#: Column types. ``id``: a URN (whole number > 0, required); ``period``: a time period;
#: ``calendar_year``: a four-digit year (files whose time_identifier is "Calendar year");
#: ``count``: whole number >= 0 or a suppression symbol; ``amount``: number >= 0 (money,
#: points, rates) or a symbol; ``whole``: whole number >= 0 or blank (ages); ``coordinate``:
#: a number or blank; ``date``; ``category``: required text (part of a key); ``text``.
ColumnType = Literal[
    "id",
    "period",
    "calendar_year",
    "count",
    "amount",
    "whole",
    "coordinate",
    "date",
    "category",
    "text",
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
    #: A category with fixed values: (spelling, value) pairs, spellings matched ignoring
    #: case and spaces; any other value is rejected (rule ``not_a_choice``).
    choices: tuple[tuple[str, str], ...] = ()

    @cached_property
    def headers(self) -> tuple[str, ...]:
        # cached: header detection asks every column of every source for each candidate
        # header row (a council build spent 8 s normalising the same names again)
        return (normalise_header(self.raw), *(normalise_header(a) for a in self.aliases))


#: The terms of the council's termly returns, and the SEN provision of a SEND pupil
#: (the school census codes E and K are read too).
TERMS = (("autumn", "Autumn"), ("spring", "Spring"), ("summer", "Summer"))
#: A pupil's SEN provision as the council's files spell it (lower case) -> the DfE's words:
#: the school census codes (E, K, N), the words, and the "statement" an EHC plan replaced.
#: One list for every council file with the column (the exclusions log, the termly return).
SEN_PROVISION_SPELLINGS = (
    ("ehc plan", "EHC plan"),
    ("e", "EHC plan"),
    ("ehc", "EHC plan"),
    ("ehcp", "EHC plan"),
    ("education, health and care plan", "EHC plan"),
    ("statement", "EHC plan"),
    ("sen support", "SEN support"),
    ("k", "SEN support"),
    ("support", "SEN support"),
    ("no sen", "No SEN"),
    ("n", "No SEN"),
    ("no", "No SEN"),
    ("none", "No SEN"),
    ("no identified sen", "No SEN"),
)
#: The termly return counts SEND learners only: an EHC plan or SEN support.
SEND_PROVISION = tuple(
    (spelled, label) for spelled, label in SEN_PROVISION_SPELLINGS if label != "No SEN"
)


#: Where an EHC plan is placed, in the SEN2 caseload's own categories (the school
#: placements of the 2026 release's caseload.csv columns, ../shared/real/headers/
#: sen2_2026_caseload_HEAD.csv) as "<kind> - <type>" like the earlier estab caseload's
#: establishment_type ("Special - Independent"), each also read as its caseload column name.
EHC_PLACEMENT_COLUMNS = (
    ("mainstream_la_maintained", "Mainstream - LA maintained"),
    ("mainstream_la_maintained_resourced_provision", "Mainstream - LA maintained, resourced provision"),
    ("mainstream_la_maintained_senunit", "Mainstream - LA maintained, SEN unit"),
    ("mainstream_academy", "Mainstream - Academy"),
    ("mainstream_academy_resourced_provision", "Mainstream - Academy, resourced provision"),
    ("mainstream_academy_senunit", "Mainstream - Academy, SEN unit"),
    ("mainstream_free_school", "Mainstream - Free school"),
    ("mainstream_free_school_resourced_provision", "Mainstream - Free school, resourced provision"),
    ("mainstream_free_school_senunit", "Mainstream - Free school, SEN unit"),
    ("mainstream_independent", "Mainstream - Independent"),
    ("special_la_maintained", "Special - LA maintained"),
    ("special_academy", "Special - Academy"),
    ("special_free_school", "Special - Free school"),
    ("special_independent", "Special - Independent"),
    ("special_non_maintained", "Special - Non-maintained"),
    ("ap_pru_la_maintained", "AP/PRU - LA maintained"),
    ("ap_pru_academy", "AP/PRU - Academy"),
    ("ap_pru_free_school", "AP/PRU - Free school"),
)  # fmt: skip
EHC_PLACEMENTS = tuple(
    (spelled, label)
    for column, label in EHC_PLACEMENT_COLUMNS
    for spelled in (label.lower(), column)
)


@dataclass(frozen=True)
class Benchmark:
    """A catalogue measure (contract/measures.csv) computed from a source's benchmark rows."""

    measure: str
    numerator: str
    denominator: str | None = None


def benchmarks_of(table: str) -> tuple[Benchmark, ...]:
    """Every catalogue measure on ``table``, from the DfE's LA, region and England rows of a
    source that loads it: the formula is the catalogue's, never restated here."""
    return tuple(Benchmark(*formula) for formula in catalogue.benchmarks(table))


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
    #: Two files publishing the same area and year: keep the one with more of the
    #: benchmarks' columns filled, not the first by name (SEN2's layouts overlap in years
    #: and the newest has fewer columns: etl.validate.reject_duplicates).
    widest_file_first: bool = False
    sheet: str | None = None
    #: An EES breakdown whose LA, region and England rows are kept per category in the
    #: ``benchmark_breakdowns`` table ("reason" or "characteristic"), see etl.breakdowns.
    breakdown: str | None = None
    #: Further columns kept on School rows for the tables derived from this file
    #: (etl.layouts_spc_sen: year groups of the SPC file, needs of the SEN file).
    keeps: tuple[str, ...] = ()

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
    # Only rows of their level need them (eesyscreener's geography rules): a National-only
    # file and the KS institution files have no region or LA columns.
    Column("region_code", "region_code", required=False),
    Column("region_name", "region_name", required=False),
    Column("old_la_code", "old_la_code", required=False),
    Column("new_la_code", "new_la_code", required=False),
    Column("la_name", "la_name", required=False),
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


def _ees(
    name: str, table: str | None, columns: Iterable[Column], key: Sequence[str], **kw
) -> Source:
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
_PHASE_TYPE = _school_text(
    "phase_type_grouping", "phase_type_grouping", "phase_type", "phase-type_grouping"
)

#: SPC supporting file (spc_school_level_underlying_data*.csv): pupils by year group are
#: columns, one per attendance, sex and year group ("Part time girls Year group 1" to 2023;
#: "full-time male Year group 12" from 2024). The file's year group -> the warehouse's.
SPC_YEAR_GROUPS: tuple[tuple[str, str], ...] = (
    ("Early 1", "Early years"),
    ("Early 2", "Early years"),
    ("Nursery 1", "Nursery"),
    ("Nursery 2", "Nursery"),
    ("Reception", "Reception"),
    *((f"Year group {n}", f"Year {n}") for n in range(1, 15)),
    ("Year group Not followed", "National curriculum not followed"),
)
#: (ETL part name, spellings): the four columns that add up to a year group's headcount.
SPC_YEAR_GROUP_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pt_girls", ("Part time girls", "part-time girls", "part-time female", "part time female")),
    ("ft_girls", ("Full time girls", "full-time girls", "full-time female", "full time female")),
    ("pt_boys", ("Part time boys", "part-time boys", "part-time male", "part time male")),
    ("ft_boys", ("Full time boys", "full-time boys", "full-time male", "full time male")),
)


def spc_year_group_column(index: int, part: str) -> str:
    """ETL name of one part of the year group SPC_YEAR_GROUPS[index]."""
    return f"yg{index:02d}_{part}"


SPC_YEAR_GROUP_COLUMNS: tuple[Column, ...] = tuple(
    _count(
        spc_year_group_column(i, part),
        f"{spellings[0]} {group}",
        *(f"{spelling} {group}" for spelling in spellings[1:]),
        required=False,
    )
    for i, (group, _) in enumerate(SPC_YEAR_GROUPS)
    for part, spellings in SPC_YEAR_GROUP_PARTS
)

#: SEN supporting file (sen_school_level_underlying_data.csv): pupils by primary type of
#: need are columns ``EHC_Primary_need_<code>`` and ``SUP_Primary_need_<code>``. Each code's
#: label is the DfE's own (data dictionary ``sen_primary_need``, its CBDS code; ``nsa`` as
#: the SEN data guidance describes ``secondary_need_nsa``).
SEN_NEED_LABELS: dict[str, str] = {
    "spld": "Specific learning difficulty",
    "mld": "Moderate learning difficulty",
    "sld": "Severe learning difficulty",
    "pmld": "Profound and multiple learning difficulty",
    "semh": "Social, emotional and mental health",
    "slcn": "Speech, language and communication needs",
    "hi": "Hearing impairment",
    "vi": "Vision impairment",
    "msi": "Multi-sensory impairment",
    "pd": "Physical disability",
    "asd": "Autistic spectrum disorder",
    "oth": "Other difficulty or disability",
    "nsa": "SEN support but no specialist assessment of type of need",
}
#: Column prefix -> the warehouse's sen_provision (the file's own column names).
SEN_NEED_PROVISIONS: dict[str, str] = {"EHC": "EHC plan", "SUP": "SEN support"}


def _with_flags(names: Iterable[str]) -> tuple[str, ...]:
    """Count columns and their ``<name>_flag`` (the suppression symbol beside each)."""
    return tuple(n for name in names for n in (name, f"{name}_flag"))


SEN_NEED_COLUMNS: tuple[Column, ...] = tuple(
    _count(f"need_{prefix.lower()}_{code}", f"{prefix}_Primary_need_{code}", required=False)
    for prefix in SEN_NEED_PROVISIONS
    for code in SEN_NEED_LABELS
)


#: Reason columns of the DfE's wide reason files -> (label, first release with it). One
#: label per column in every year, so a reason is the same category across releases and
#: in the council's log: the 2016/17 release's metadata (exclusions_by_reason.meta.csv)
#: shortens three of them ("Verbal abuse against a pupil", "... an adult", "Drugs and
#: alcohol"). The columns added in 2020/21 are named on the EES page of "Permanent
#: exclusions and suspensions - by reason ... including multiple reasons (2020-21 only)";
#: their labels are the DfE's reason list of that year (no metadata file of that release
#: is held here to confirm them).
REASON_COLUMNS: dict[str, tuple[str, str]] = {
    "physical_pupils": ("Physical assault against a pupil", "2006/07"),
    "physical_adult": ("Physical assault against an adult", "2006/07"),
    "verbal_pupil": ("Verbal abuse or threatening behaviour against a pupil", "2006/07"),
    "verbal_adult": ("Verbal abuse or threatening behaviour against an adult", "2006/07"),
    "bullying": ("Bullying", "2006/07"),
    "racist_abuse": ("Racist abuse", "2006/07"),
    "sexual_misconduct": ("Sexual misconduct", "2006/07"),
    "drug_alcohol": ("Drug and alcohol related", "2006/07"),
    "damage": ("Damage", "2006/07"),
    "theft": ("Theft", "2006/07"),
    "persistent_disruptive": ("Persistent disruptive behaviour", "2006/07"),
    "other": ("Other", "2006/07"),
    "abuse_disability": ("Abuse relating to disability", "2020/21"),
    "abuse_sex_gender": ("Abuse against sexual orientation and gender identity", "2020/21"),
    "media_technology": ("Inappropriate use of social media or online technology", "2020/21"),
    "offensive_weapon": (
        "Use or threat of use of an offensive weapon or prohibited item",
        "2020/21",
    ),
    "public_health": (
        "Wilful and repeated transgression of protective measures in place to protect "
        "public health",
        "2020/21",
    ),
}

SOURCES: tuple[Source, ...] = (
    Source(
        "gias",
        "gias",
        "schools",
        # Optional columns: GIAS's narrower "State-funded school fields" extract lacks them
        # (etl.downloads loads it with them blank and a warning saying what that costs).
        (
            Column("urn", "URN", "id"),
            Column("la_code", "LA (code)", aliases=("LA code", "LA")),
            Column("la_name", "LA (name)", aliases=("LA name",)),
            Column("estab_number", "EstablishmentNumber", "whole", ("Establishment Number",)),
            Column("school_name", "EstablishmentName", aliases=("Establishment Name",)),
            Column("establishment_type", "TypeOfEstablishment (name)"),
            Column("establishment_group", "EstablishmentTypeGroup (name)", required=False),
            Column("status", "EstablishmentStatus (name)"),
            Column("phase_gias", "PhaseOfEducation (name)"),
            Column("low_age", "StatutoryLowAge", "whole"),
            Column("high_age", "StatutoryHighAge", "whole"),
            Column("open_date", "OpenDate", "date"),
            Column("close_date", "CloseDate", "date", required=False),
            Column("postcode", "Postcode"),
            Column("easting", "Easting", "coordinate", required=False),
            Column("northing", "Northing", "coordinate", required=False),
            Column("district", "DistrictAdministrative (name)", required=False),
            Column("ward", "AdministrativeWard (name)", required=False),
        ),
        ("urn",),
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
    ),
    _ees(
        "census",
        "pupils",
        (
            _urn("urn"),
            _SCHOOL_NAME,
            _PHASE_TYPE,
            _count("headcount", "headcount of pupils", "headcount", "total_pupils_headcount"),
            # The SPC supporting file's names (some years cut at 64 characters: CUT_AT);
            # "eligible for and claiming" is the older releases' name of the same count.
            _count(
                "fsm_eligible",
                "number of pupils known to be eligible for free school meals",
                "number of pupils known to be eligible for and claiming free school meals",
                "number_of_fsm_eligible_pupils",
                "fsm_eligible",
            ),
            _count(
                "eal",
                "number of pupils whose first language is known or believed to be other "
                "than English",
                "number_of_pupils_with_eal",
                "number_of_pupils_eal",
                "eal_pupils",
            ),
            *SPC_YEAR_GROUP_COLUMNS,
        ),
        (),
        subsets=(Subset(("fsm_eligible",), "headcount"), Subset(("eal",), "headcount")),
        benchmarks=benchmarks_of("pupils"),
        excludes=("ncyear", "nc year", "breakdown topic"),
        keeps=_with_flags(c.name for c in SPC_YEAR_GROUP_COLUMNS),
    ),
    _ees(
        "census_long",
        "pupils",
        (
            _urn("school_urn"),
            _SCHOOL_NAME,
            _PHASE_TYPE,
            Column("breakdown_topic", "breakdown_topic", "category"),
            Column("breakdown", "breakdown", "category"),
            _school_text("sex", "sex", required=False),
            _school_text("attendance_pattern", "attendance_pattern", required=False),
            _count("pupil_count", "pupil_count"),
            _rate("pupil_percent"),
        ),
        ("breakdown_topic", "breakdown", "sex", "attendance_pattern"),
        excludes=("attainment8 average", "subject"),
        keeps=(
            "breakdown_topic",
            "breakdown",
            "sex",
            "attendance_pattern",
            *_with_flags(["pupil_count"]),
        ),
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
        benchmarks=benchmarks_of("absence"),
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
        benchmarks=benchmarks_of("exclusions"),
        excludes=("exclusion reason", "reason", "characteristic group", "characteristic"),
    ),
    # Reasons: the DfE publishes them for the LA, region and England only, as WIDE columns
    # (perm_<reason>, fixed_<reason> to 2019/20, susp_<reason> after); they are benchmarks
    # (etl.breakdowns). A school's reasons come from the council's exclusions log.
    _ees(
        "exclusions_reason",
        None,
        (
            _SCHOOL_TYPE,
            *(
                _count(f"{kind}_{key}", f"{kind}_{key}", *aliases, required=required)
                for key, (_label, _since) in REASON_COLUMNS.items()
                for kind, aliases, required in (
                    ("perm", (), key == "physical_pupils"),
                    ("susp", (f"fixed_{key}",), False),
                )
            ),
        ),
        (),
        breakdown="reason",
    ),
    # Pupil characteristics: published for the LA, region and England (benchmarks); a
    # school's rows come from the council's exclusions log (etl.exclusions_log).
    _ees(
        "exclusions_characteristic",
        "exclusions_characteristic",
        (
            _OPTIONAL_URN,
            _school_text("school_name", "school_name", required=False),
            _SCHOOL_TYPE,
            Column("characteristic_group", "characteristic_group", "category"),
            Column("characteristic", "characteristic", "category"),
            _count("headcount", "headcount", "pupil_headcount"),
            _count("perm_excl", "perm_excl", fractional=True),
            _count("susp", "suspension", "susp", "fixed_excl", fractional=True),
            _count("one_plus_susp", "one_plus_susp", "one_plus_fixed", fractional=True),
        ),
        ("characteristic_group", "characteristic"),
        subsets=(Subset(("one_plus_susp",), "headcount"), Subset(("one_plus_susp",), "susp")),
        breakdown="characteristic",
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
            *SEN_NEED_COLUMNS,
        ),
        (),
        subsets=(Subset(("sen_support", "ehc_plan"), "total_pupils"),),
        benchmarks=benchmarks_of("sen"),
        excludes=("primary need", "sen provision", "sen primary need"),
        keeps=_with_flags(c.name for c in SEN_NEED_COLUMNS),
    ),
    _ees(
        "sen_need",
        "sen_need",
        (
            _urn("school_urn"),
            _SCHOOL_NAME,
            _PHASE_TYPE,
            _school_text(
                "specialist_provision_unit_type", "specialist_provision_unit_type", required=False
            ),
            Column("sen_provision", "sen_provision", "category"),
            Column("primary_need", "sen_primary_need", "category"),
            _count("pupils", "pupil_count"),
        ),
        ("sen_provision", "primary_need", "specialist_provision_unit_type"),
        keeps=("specialist_provision_unit_type",),
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
        benchmarks=benchmarks_of("ks2"),
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
        benchmarks=benchmarks_of("ks4"),
    ),
    # EHC plans (SEN2), published for LAs, regions and England only: calendar years. One
    # source, three real layouts (shared/real): the 2014-2018 management information file
    # (long names), the EHC plans publication to 2022 (snake case, as the DfE's SEND and AP
    # dashboard keeps it) and the 2026 release's timeliness_20_week.csv (breakdown rows).
    Source(
        "sen2",
        "ees",
        None,
        (
            Column("time_period", "time_period", "calendar_year"),
            *EES_STANDARD[1:],
            Column("breakdown_topic", "breakdown_topic", required=False),
            Column("breakdown", "breakdown", required=False),
            _count(
                "plans_issued",
                "tot_inc_exc_ehc",
                "ehc_new_plans_including_exception_cases",
                "plans_issued_den",
            ),
            _count(
                "plans_issued_20_weeks",
                "inc_exc_20week_ehc",
                "ehc_new_plans_in_20_weeks_including_exception_cases",
                "plans_issued_within_20_weeks",
            ),
            _count(
                "plans_issued_ex",
                "tot_no_exc_ehc",
                "ehc_new_plans_excluding_exception_cases",
                "plans_issued_den_ex",
            ),
            _count(
                "plans_issued_20_weeks_ex",
                "no_exc_20week_ehc",
                "ehc_new_plans_in_20_weeks_excluding_exception_cases",
                "plans_issued_20_weeks_ex",
            ),
            _count("initial_requests", "inreq_ehc", "ehc_initial_requests", required=False),
            _count("requests_refused", "ass_refused_ehc", "ehc_assessment_refused", required=False),
            _rate("inc_exc_20week_rate", "pc_plans_issued_within_20_weeks"),
            _rate("no_exc_20week_rate", "pc_plans_issued_20_weeks_ex"),
            _rate("ass_refused_ehc_pc"),
        ),
        ("time_period", "urn"),
        subsets=(
            Subset(("plans_issued_20_weeks",), "plans_issued"),
            Subset(("plans_issued_20_weeks_ex",), "plans_issued_ex"),
            Subset(("plans_issued_ex",), "plans_issued"),
            Subset(("requests_refused",), "initial_requests"),
        ),
        benchmarks=benchmarks_of("ehc_plans"),
        widest_file_first=True,
    ),
    # EHC plans maintained in January by placement (SEN2 2026 release, caseload.csv: WIDE,
    # academic years 201819 on). The earlier long layout (sen2_estab_caseload.csv, one row
    # per establishment type) has not been seen as a file here: it is not read.
    _ees(
        "sen2_caseload",
        None,
        (
            Column("breakdown_topic", "breakdown_topic", required=False),
            Column("breakdown", "breakdown", required=False),
            _count("ehc_plans", "ehcplans"),
            _count("mainstream_total", "mainstream_total"),
            _count("special_total", "special_total"),
            _count("special_independent", "special_independent"),
            _count("special_non_maintained", "special_non_maintained"),
            _count("ap_pru_total", "ap_pru_total"),
            _rate("mainstream_total_pc"),
            _rate("special_total_pc"),
            _rate("ap_pru_total_pc"),
        ),
        (),
        subsets=(
            Subset(("mainstream_total", "special_total", "ap_pru_total"), "ehc_plans"),
            Subset(("special_independent", "special_non_maintained"), "special_total"),
        ),
        benchmarks=benchmarks_of("ehc_caseload"),
    ),
    # The council's own record of every suspension and permanent exclusion its schools
    # notified (one row each, no names): the only source of a school's reasons and pupil
    # groups, and of years the DfE has not yet published. Aggregated in the ETL to school x
    # year x reason / characteristic (etl.exclusions_log): its rows never reach the warehouse.
    Source(
        "exclusions_log",
        "council",
        None,
        (
            Column("urn", "URN", "id", ("School URN",)),
            Column("date", "Date", "date", ("Exclusion date", "Start date", "Date of exclusion")),
            Column("type", "Type", "category", ("Exclusion type", "Category")),
            Column("reason", "Reason", "category", ("Exclusion reason", "Main reason")),
            Column(
                "pupil_ref", "Pupil reference", "text", ("Pupil ref", "Pupil ID"), required=False
            ),
            Column("sen_provision", "SEN provision", "text", ("SEN",), required=False),
            Column("fsm", "FSM eligible", "text", ("FSM",), required=False),
            Column("sex", "Sex", "text", ("Gender",), required=False),
            Column(
                "ethnicity",
                "Ethnicity",
                "text",
                ("Ethnicity major", "Ethnic group"),
                required=False,
            ),
            Column(
                "nc_year",
                "NC year",
                "text",
                ("National curriculum year", "Year group"),
                required=False,
            ),
        ),
        (),
        sheet="Exclusions",
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
    # The council's termly return of SEND pupils on part-time timetables and in alternative
    # provision (no publication exists: the template is ours, README "Add your council's
    # own files"). One row per school, term and SEN provision.
    Source(
        "send_timetables",
        "council",
        "send_timetables",
        (
            Column("time_period", "Academic year", "period", ("Year",)),
            Column("term", "Term", "category", choices=TERMS),
            Column("urn", "URN", "id", ("School URN",)),
            Column("school_name", "School name", aliases=("School",)),
            Column("sen_provision", "SEN provision", "category", ("SEN",), choices=SEND_PROVISION),
            _count("part_time", "Pupils on a part-time timetable", "Part-time timetables"),
            _count("in_ap", "Pupils in alternative provision", "In alternative provision"),
        ),
        ("time_period", "urn", "term", "sen_provision"),
        sheet="Timetables",
    ),
    # The council's own record of where its EHC plans are placed in January, by school and
    # placement (no publication gives a school: the template is ours, README "EHC plan
    # placements by school"). One row per January, school and placement.
    Source(
        "ehc_placements",
        "council",
        "ehc_placements",
        (
            Column("time_period", "Academic year", "period", ("Year",)),
            Column("urn", "URN", "id", ("School URN",)),
            Column("school_name", "School name", aliases=("School",)),
            Column(
                "placement", "Placement", "category", ("Placement type",), choices=EHC_PLACEMENTS
            ),
            _count("ehc_plans", "EHC plans", "Number of EHC plans"),
        ),
        ("time_period", "urn", "placement"),
        sheet="Placements",
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


#: Some SPC releases cut every long header at 64 characters ("number of pupils known to be
#: eligible for and claiming free scho"): a header of exactly this length matches a column
#: whose name starts with it, unless two headers of the file cut to the same text (the
#: English / other than English first-language columns would): then neither matches.
CUT_AT = 64


@cache
def _all_keys() -> frozenset[str]:
    return frozenset(key for source in SOURCES for c in source.columns for key in c.headers)


def _header_index(header: Sequence[str]) -> dict[str, str]:
    """Matching key -> raw header (first wins), cut headers also under the full names."""
    by_key: dict[str, str] = {}
    for raw in header:
        by_key.setdefault(normalise_header(raw), raw)
    cut = [raw for raw in header if len(str(raw).replace("\ufeff", "")) == CUT_AT]
    if not cut:
        return by_key
    prefixes = [normalise_header(str(raw).replace("\ufeff", "")[:CUT_AT]) for raw in header]
    for raw in cut:
        short = normalise_header(raw)
        if prefixes.count(short) > 1:
            continue  # ambiguous: two columns cut to the same text
        for key in _all_keys():
            if key != short and key.startswith(short):
                by_key.setdefault(key, raw)
    return by_key


def map_columns(source: Source, header: Sequence[str]) -> dict[str, str]:
    """Raw header -> ETL name for the columns of ``source`` present (first match wins)."""
    by_key = _header_index(header)
    mapping: dict[str, str] = {}
    for column in source.columns:
        for key in column.headers:
            if key in by_key and by_key[key] not in mapping:
                mapping[by_key[key]] = column.name
                break
    return mapping


def _renamed_hint(source: Source, missing: Sequence[str], header: Sequence[str]) -> str:
    """For each missing column, the file's nearest unused heading: the alias to add."""
    used = set(map_columns(source, header))
    spare = [h for h in header if h not in used]
    hints = []
    for raw in missing:
        close = difflib.get_close_matches(
            normalise_header(raw), [normalise_header(h) for h in spare], n=1, cutoff=0.75
        )
        if close:
            heading = next(h for h in spare if normalise_header(h) == close[0])
            hints.append(f"if its '{heading}' is '{raw}' renamed, add '{heading}' to the aliases")
    if not hints:
        return ""
    return f" ({'; '.join(hints)} of the '{source.name}' source in etl/sources.py)"


@cache
def _known_headers() -> frozenset[str]:
    """Every header any source knows, beyond the EES standard columns."""
    return frozenset(
        key for s in SOURCES for c in s.columns if c not in EES_STANDARD for key in c.headers
    )


def _missing(source: Source, keys: set[str]) -> list[str]:
    return [c.raw for c in source.signature if not keys.intersection(c.headers)]


def detect_source(header: Sequence[object], sources: Sequence[Source] = SOURCES) -> Detection:
    """The one source whose signature the header holds, else a Detection with ``error``.

    When no source matches fully but one is clearly meant (at least half its signature,
    and more than any other), ``near``/``missing`` name it and the columns it lacks.
    """
    header = [str(h) for h in header if h is not None and str(h).strip() != ""]
    keys = set(_header_index(header))
    if sources is SOURCES and not keys & _known_headers():
        # a row of data (header search reads up to 30 rows of every file): nothing to score
        return Detection(None, error="its header matches no known source")
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
            + ", ".join(missing)
            + _renamed_hint(best, missing, header),
            near=best,
            missing=tuple(missing),
        )
    return Detection(None, error="its header matches no known source")
