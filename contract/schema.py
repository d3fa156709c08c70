"""The warehouse contract (docs/architecture.md, "Warehouse tables"): every table's columns
and DuckDB types, the fact tables and their row order. The ETL writes these tables
(etl/tables.py); the query layer checks a build's files against them."""

from __future__ import annotations

_KEYS = [("time_period", "INTEGER"), ("urn", "INTEGER")]
_SOURCE = [("source_file", "VARCHAR"), ("source_row", "INTEGER")]


def _measured(*columns: tuple[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, sql_type in columns:
        out += [(name, sql_type), (f"{name}_flag", "VARCHAR")]
    return out


def _counts(*names: str) -> list[tuple[str, str]]:
    return _measured(*((n, "BIGINT") for n in names))


#: table -> [(column, DuckDB type)], in column order.
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "schools": [
        ("urn", "INTEGER"),
        ("laestab", "INTEGER"),
        ("school_name", "VARCHAR"),
        ("establishment_type", "VARCHAR"),
        ("establishment_group", "VARCHAR"),
        ("status", "VARCHAR"),
        ("phase", "VARCHAR"),
        ("phase_gias", "VARCHAR"),
        ("low_age", "INTEGER"),
        ("high_age", "INTEGER"),
        ("open_date", "DATE"),
        ("close_date", "DATE"),
        ("postcode", "VARCHAR"),
        ("easting", "DOUBLE"),
        ("northing", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("lon", "DOUBLE"),
        ("district", "VARCHAR"),
        ("ward", "VARCHAR"),
        ("lineage_urn", "INTEGER"),
    ],
    "school_links": [
        ("urn", "INTEGER"),
        ("link_urn", "INTEGER"),
        ("link_type", "VARCHAR"),
        ("link_date", "DATE"),
    ],
    "membership": [
        ("urn", "INTEGER"),
        ("school_name", "VARCHAR"),
        ("partnership", "VARCHAR"),
        ("locality", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
    ],
    "school_year": [
        *_KEYS,
        ("lineage_urn", "INTEGER"),
        ("school_name", "VARCHAR"),
        ("phase", "VARCHAR"),
        ("partnership", "VARCHAR"),
        ("locality", "VARCHAR"),
    ],
    "pupils": [*_KEYS, *_SOURCE, *_counts("headcount", "fsm_eligible", "eal")],
    "pupils_year_group": [*_KEYS, *_SOURCE, ("year_group", "VARCHAR"), *_counts("headcount")],
    "absence": [
        *_KEYS,
        *_SOURCE,
        *_counts(
            "enrolments",
            "sess_possible",
            "sess_overall",
            "sess_authorised",
            "sess_unauthorised",
            "enrolments_pa_10",
        ),
    ],
    # Counts DOUBLE: releases to 2009/10 publish some permanent exclusions as fractions
    # (0.666667, a pupil excluded by schools shared), kept as published. ``terms``: the
    # terms a year's figures add up (NULL for a full-year row; e.g. "Autumn, Spring").
    "exclusions": [
        *_KEYS,
        *_SOURCE,
        *_counts("headcount"),
        *_measured(("perm_excl", "DOUBLE"), ("susp", "DOUBLE"), ("one_plus_susp", "DOUBLE")),
        ("terms", "VARCHAR"),
    ],
    "exclusions_reason": [
        *_KEYS,
        *_SOURCE,
        ("reason", "VARCHAR"),
        *_counts("perm_excl", "susp"),
    ],
    "exclusions_characteristic": [
        *_KEYS,
        *_SOURCE,
        ("characteristic_group", "VARCHAR"),
        ("characteristic", "VARCHAR"),
        *_counts("headcount", "perm_excl", "susp", "one_plus_susp"),
    ],
    "sen": [*_KEYS, *_SOURCE, *_counts("total_pupils", "sen_support", "ehc_plan")],
    "sen_need": [
        *_KEYS,
        *_SOURCE,
        ("sen_provision", "VARCHAR"),
        ("primary_need", "VARCHAR"),
        *_counts("pupils"),
    ],
    # rwm_expected_percent: the published percentage (the EES institution-level file
    # gives only that; etl.layouts_ks).
    "ks2": [
        *_KEYS,
        *_SOURCE,
        *_counts("pupils_eligible", "rwm_expected"),
        *_measured(("rwm_expected_percent", "DOUBLE")),
    ],
    "ks4": [*_KEYS, *_SOURCE, *_measured(("pupils", "BIGINT"), ("att8_total", "DOUBLE"))],
    "topups": [
        *_KEYS,
        *_SOURCE,
        ("band", "VARCHAR"),
        *_measured(("pupils_funded", "BIGINT"), ("amount_gbp", "DOUBLE")),
    ],
    "places": [
        *_KEYS,
        *_SOURCE,
        ("provision_type", "VARCHAR"),
        *_measured(("places", "BIGINT"), ("amount_gbp", "DOUBLE")),
    ],
    # The council's own termly return (no publication exists): SEND pupils on a part-time
    # timetable and in alternative provision, by school, term and SEN provision
    "send_timetables": [
        *_KEYS,
        *_SOURCE,
        ("term", "VARCHAR"),
        ("sen_provision", "VARCHAR"),
        *_measured(("part_time", "BIGINT"), ("in_ap", "BIGINT")),
    ],
    # The council's own record of where its EHC plans are placed, by school and placement
    # type, in January (no publication gives a school: SEN2 is LA-level)
    "ehc_placements": [
        *_KEYS,
        *_SOURCE,
        ("placement", "VARCHAR"),
        *_measured(("ehc_plans", "BIGINT")),
    ],
    "benchmarks": [
        ("time_period", "INTEGER"),
        ("geographic_level", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("old_la_code", "INTEGER"),
        ("area_name", "VARCHAR"),
        ("measure", "VARCHAR"),
        ("numerator", "DOUBLE"),
        ("denominator", "DOUBLE"),
    ],
    # The DfE's area-level breakdowns (etl/breakdowns.py): exclusions by reason and by
    # pupil characteristic for the LA, region and England (no school rows exist).
    "benchmark_breakdowns": [
        ("time_period", "INTEGER"),
        ("geographic_level", "VARCHAR"),
        ("area_code", "VARCHAR"),
        ("old_la_code", "INTEGER"),
        ("area_name", "VARCHAR"),
        ("breakdown", "VARCHAR"),
        ("characteristic_group", "VARCHAR"),
        ("characteristic", "VARCHAR"),
        *_measured(
            ("headcount", "DOUBLE"),
            ("perm_excl", "DOUBLE"),
            ("susp", "DOUBLE"),
            ("one_plus_susp", "DOUBLE"),
        ),
    ],
    "locality_boundaries": [
        ("locality", "VARCHAR"),
        ("geometry_geojson", "VARCHAR"),
        ("derived", "BOOLEAN"),
    ],
    "rejects": [
        ("source_file", "VARCHAR"),
        ("source_row", "INTEGER"),
        ("column_name", "VARCHAR"),
        ("value", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("severity", "VARCHAR"),
    ],
}

#: Figures the DfE publishes for local authorities, regions and England only, never for a
#: school (EHC plans: the SEN2 collection). No warehouse table holds them: their catalogue
#: measures are rows of ``benchmarks`` (numerator, denominator), computed by the ETL from
#: these columns of the files (etl/sources.py). table -> [(column, type)].
AREA_ONLY: dict[str, list[tuple[str, str]]] = {
    # SEN2 management information / 20-week timeliness, calendar years (time_period 2021)
    "ehc_plans": [
        ("plans_issued", "BIGINT"),
        ("plans_issued_20_weeks", "BIGINT"),
        ("plans_issued_ex", "BIGINT"),
        ("plans_issued_20_weeks_ex", "BIGINT"),
        ("initial_requests", "BIGINT"),
        ("requests_refused", "BIGINT"),
    ],
    # SEN2 caseload in January by placement, academic years (time_period 202425)
    "ehc_caseload": [
        ("ehc_plans", "BIGINT"),
        ("mainstream_total", "BIGINT"),
        ("special_total", "BIGINT"),
        ("special_independent", "BIGINT"),
        ("special_non_maintained", "BIGINT"),
        ("ap_pru_total", "BIGINT"),
    ],
    # Suspensions and permanent exclusions by SEN provision (the exclusions by characteristic
    # file's LA, region and England rows, academic years), one column per count and group:
    # etl.breakdowns.sen_provision_benchmarks pivots them out of benchmark_breakdowns
    "exclusions_sen": [
        (f"{count}_{group}", "BIGINT")
        for group in ("ehc_plan", "sen_support")
        for count in ("headcount", "susp", "perm_excl")
    ],
}

#: Fact tables (loaded from one source each) and the columns that order their rows.
FACT_TABLES: tuple[str, ...] = (
    "pupils",
    "pupils_year_group",
    "absence",
    "exclusions",
    "exclusions_reason",
    "exclusions_characteristic",
    "sen",
    "sen_need",
    "ks2",
    "ks4",
    "topups",
    "places",
    "send_timetables",
    "ehc_placements",
)

#: Tables the council holds and the DfE does not publish (its top-up and place funding by
#: school, its termly SEND return): with sign-in on, their figures are for the council's
#: own staff only (contract.access). The exclusions log never reaches the warehouse; the
#: school-level breakdowns built from it are restricted the same way (queries.access).
COUNCIL_TABLES: frozenset[str] = frozenset(
    {"topups", "places", "send_timetables", "ehc_placements"}
)

#: Council-held tables whose measures are on the SEND board (no England or neighbour
#: figure exists: the board shows the council's own, against its target).
COUNCIL_BOARD_TABLES: frozenset[str] = frozenset({"send_timetables"})

#: Row order of each table (then every other column, for a total order).
SORT_KEYS: dict[str, list[str]] = {
    "schools": ["urn"],
    "school_links": ["urn", "link_urn", "link_type"],
    "membership": ["urn", "start_date", "partnership"],
    "school_year": ["time_period", "urn"],
    "pupils_year_group": ["time_period", "urn", "year_group"],
    # The breakdowns (millions of rows nationally) by school first: their School rows are
    # stored in this order (queries/intermediate/int_*_schools.sql), so one school's years sit
    # in one or two row groups.
    "exclusions_reason": ["urn", "time_period", "reason"],
    "exclusions_characteristic": ["urn", "time_period", "characteristic_group", "characteristic"],
    "sen_need": ["urn", "time_period", "sen_provision", "primary_need"],
    "topups": ["time_period", "urn", "band"],
    "places": ["time_period", "urn", "provision_type"],
    "send_timetables": ["time_period", "urn", "term", "sen_provision"],
    "ehc_placements": ["time_period", "urn", "placement"],
    "benchmarks": ["measure", "time_period", "geographic_level", "area_code"],
    "benchmark_breakdowns": [
        "breakdown",
        "time_period",
        "geographic_level",
        "area_code",
        "characteristic_group",
        "characteristic",
    ],
    "locality_boundaries": ["locality"],
    "rejects": ["source_file", "source_row", "rule", "column_name", "severity"],
}
