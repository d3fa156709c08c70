"""The measure catalogue (contract/measures.csv) is the measure: its rules, and everything
generated from it (the measure-fact view, the ETL's benchmarks, sections, headline tables,
the documentation)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    placed = [name for section in SECTIONS for name in section.measures]
    assert sorted(placed) == sorted(m.measure for m in MEASURES)
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
    by_table = {}
    for source in SOURCES:
        for b in source.benchmarks:
            by_table.setdefault(source.table, set()).add((b.measure, b.numerator, b.denominator))
    for table, formulas in by_table.items():
        assert formulas == set(catalogue.benchmarks(table)), table
    assert {"pupils", "absence", "exclusions", "sen", "ks2", "ks4"} == set(by_table)


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
