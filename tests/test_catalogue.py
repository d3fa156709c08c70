"""The measure catalogue (contract/measures.csv) is the measure: its rules, and everything
generated from it (the measure-fact view, the ETL's benchmarks, sections, headline tables,
the documentation)."""

from __future__ import annotations

from pathlib import Path

import pytest

import queries
from contract import catalogue, docs, formats
from contract.catalogue import MEASURES, SECTIONS, CatalogueError
from etl.sources import SOURCES
from queries import catalogue_sql


def test_every_measure_is_complete_and_checked() -> None:
    assert len(MEASURES) >= 25
    for m in MEASURES:
        for text in (m.label, m.short_label, m.definition, m.source, m.numerator_label):
            assert len(text) > 3, m.measure
        assert m.unit, m.measure
        assert m.fmt is formats.get(m.format)
        if m.kind == "rate":
            assert m.multiplier == 100 and m.denominator_label, m.measure
        else:
            assert m.multiplier == 1, m.measure
    assert catalogue.measure("perm_excl_rate").statistics == "poisson"
    assert catalogue.measure("overall_absence_rate").overdispersed
    assert not catalogue.measure("overall_absence_rate").tested
    assert catalogue.measure("ks4_attainment8").unit == "points (mean)"


def test_every_measure_is_in_exactly_one_section() -> None:
    """Area-only measures (EHC plans: LA, region and England) are in no school section:
    they have no school, partnership or locality figure; the SEND board shows them."""
    placed = [name for section in SECTIONS for name in section.measures]
    assert sorted(placed) == sorted(m.measure for m in MEASURES if not m.area_only)
    area_only = {m.measure for m in MEASURES if m.area_only}
    assert {"ehc_20_weeks_ex_pct", "ehc_new_plans", "ehc_independent_special_pct"} <= area_only
    assert [s.key for s in SECTIONS] == [
        "pupils", "attendance", "exclusions", "attainment", "send", "funding"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("format", "pct9", "format 'pct9' is not one of"),
        ("table", "nowhere", "table 'nowhere' is not a warehouse table"),
        ("numerator", "not_a_column", "numerator 'not_a_column' is not a column of pupils"),
        ("headline", "yes", "headline must be true or false"),
        ("higher_is", "up", "higher_is 'up' is not one of"),
    ],
)
def test_a_broken_row_is_refused_in_one_line(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    import csv

    with catalogue.CATALOGUE_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[2][column] = value
    broken = tmp_path / "measures.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=catalogue.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CatalogueError, match=message):
        catalogue.load(broken)


def test_the_etl_benchmarks_are_the_catalogue_formulas() -> None:
    """Every measure on a table whose DfE sources publish LA rows gets a benchmark, with the
    catalogue's numerator and denominator (they were restated in etl/sources.py before)."""
    table_of = {m.measure: m.table for m in MEASURES}
    by_table = {}
    for source in SOURCES:
        for b in source.benchmarks:
            # an area-only source (EHC plans) has no warehouse table: its measures' table
            # names the published columns (contract.schema.AREA_ONLY)
            assert source.table in (table_of[b.measure], None), (source.name, b.measure)
            formulas = by_table.setdefault(table_of[b.measure], set())
            formulas.add((b.measure, b.numerator, b.denominator))
    for table, formulas in by_table.items():
        assert formulas == set(catalogue.benchmarks(table)), table
    assert set(by_table) == {
        "pupils", "absence", "exclusions", "sen", "ks2", "ks4", "ehc_plans", "ehc_caseload"
    }  # fmt: skip


def test_the_documentation_tables_are_generated_from_the_catalogue() -> None:
    """README.md and docs/architecture.md hold exactly the generated tables: one line per
    measure (run ``python -m contract.docs`` after changing the catalogue)."""
    for path, table in docs.generated().items():
        shown = docs.between_markers(path.read_text(encoding="utf-8"))
        assert shown == table, f"{path.name}: run python -m contract.docs"
        assert shown.count("\n| `") == len(MEASURES)


def test_the_measure_fact_view_has_one_branch_per_measure(demo_con) -> None:
    rows = demo_con.execute(
        f"select measure, fact_table, count(*) from {catalogue_sql.VIEW} group by all"  # noqa: S608
    ).fetchall()
    fact = {measure: table for measure, table, _n in rows}
    for m in MEASURES:
        if m.measure in fact:
            assert fact[m.measure] == m.table
    assert {"pupils", "susp_rate", "topup_amount", "ks4_attainment8"} <= set(fact)


# --------------------------------------------------------------------------- one row, everywhere

#: A measure added by one catalogue row (issue 18): it must reach every surface.
ADDED = "persistent_absentees"


def test_a_measure_added_by_one_row_reaches_every_surface(app_warehouse, demo_con) -> None:
    """The DfE's England, region and LA figures (benchmarks, from the ETL), the area figures
    (the query layer), the data-set page's section, the packs' section and the README."""
    from apptest_helpers import as_read, assert_no_exception, open_page

    import packs

    added = catalogue.measure(ADDED)
    # benchmarks: the LA rows' persistently absent pupils, the same numerator as the rate's
    both = demo_con.execute(
        """
        select a.numerator as added, r.numerator as rate_numerator
        from benchmarks a join benchmarks r using (time_period, geographic_level, area_code)
        where a.measure = $added and r.measure = 'persistent_absence_rate'
        """,
        {"added": ADDED},
    ).df()
    assert len(both) >= 10 and (both["added"] == both["rate_numerator"]).all()
    # area figures: the county's is the sum of its schools' published counts
    county = demo_con.execute(
        "select value from area_measure_year where level = 'County' and measure = $m"
        " order by time_period desc limit 1",
        {"m": ADDED},
    ).fetchone()
    assert county is not None and county[0] > 0
    # the data-set page: the locality's attendance section shows it with its definition
    at = open_page("locality.py", {"section": "Attendance"})
    assert_no_exception(at)
    text = " ".join(as_read(e.value) for e in [*at.markdown, *at.caption])
    assert added.definition in text
    tables = [f.value for f in at.dataframe if "Measure" in f.value.columns]
    assert any(added.label in t["Measure"].tolist() for t in tables)
    # the packs: the attendance section has its figure
    locality = queries.list_localities(demo_con)["locality"].iloc[0]
    pack = packs.build_pack(demo_con, "Locality", locality)
    attendance = next(s for s in pack.sections if s.key == "attendance")
    assert ADDED in [f.measure for f in attendance.figures]
    # the README's measure table (generated by python -m contract.docs)
    assert f"| `{ADDED}` | **{added.label}**" in docs.README.read_text(encoding="utf-8")
