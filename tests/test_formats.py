"""Formats and statistical models are named once (contract/formats.py, contract/measures.csv)
and never guessed from a unit's wording (issue 18).

The table pins what the app, the packs and the sentences wrote before the formats moved to
contract.formats, for every catalogue unit and every table unit: the text, the d3 formats,
the Excel format, the axis label, the difference in words, the sentence and tile forms, and
which test applies. A new unit fails ``test_every_unit_is_pinned`` until it has a row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.funnel import differs_beyond_chance, funnel_test_name
from analysis.sentences import format_measure
from contract import catalogue, formats
from contract.catalogue import unit_format, unit_model
from explorer import charts, dataset, formatting
from explorer.funnel_chart import measure_kind
from packs import excel, html
from packs.model import _trend_kind

PROJECT = Path(__file__).resolve().parents[1]

# unit, format, text(23.456), d3, d3 axis, Excel, axis(23.456), difference(5.123),
# spoken(23.456), tile(1234567.8)
TABLE = [
    ("pupils", "count", "23 pupils", ",.0f", ",.0f", "#,##0", "23", "5 pupils", "23",
     "1,234,568"),
    ("exclusions", "count", "23 exclusions", ",.0f", ",.0f", "#,##0", "23", "5 exclusions",
     "23", "1,234,568"),
    ("suspensions", "count", "23 suspensions", ",.0f", ",.0f", "#,##0", "23", "5 suspensions",
     "23", "1,234,568"),
    ("places", "count", "23 places", ",.0f", ",.0f", "#,##0", "23", "5 places", "23",
     "1,234,568"),
    ("schools", "count", "23 schools", ",.0f", ",.0f", "#,##0", "23", "5 schools", "23",
     "1,234,568"),
    ("", "count", "23", ",.0f", ",.0f", "#,##0", "23", "5", "23", "1,234,568"),
    ("% of pupils", "pct1", "23.5%", ",.1f", ",.1~f", "0.0", "23.5%", "5.1 percentage points",
     "23.5%", "1,234,567.8%"),
    ("% of sessions", "pct1", "23.5%", ",.1f", ",.1~f", "0.0", "23.5%",
     "5.1 percentage points", "23.5%", "1,234,567.8%"),
    ("%", "pct1", "23.5%", ",.1f", ",.1~f", "0.0", "23.5%", "5.1 percentage points", "23.5%",
     "1,234,567.8%"),
    ("per 100 pupils", "per100", "23.46 per 100 pupils", ",.2f", ",.2~f", "0.00",
     "23.46 per 100", "5.12 per 100 pupils", "23.46 per 100 pupils", "1,234,567.80"),
    ("points (mean)", "points1", "23.5 points", ",.1f", ",.1~f", "0.0", "23.5 points",
     "5.1 points", "23.5 points", "1,234,567.8"),
    ("£", "gbp", "£23", ",.0f", ",.0f", "£#,##0", "£23", "£5", "£23", "£1.23m"),
    ("ratio", "ratio2", "23.46 ratio", ",.2f", ",.2~f", "0.00", "23.46", "5.12 ratio", "23.46",
     "1,234,567.80"),
    ("% of new EHC plans", "pct1", "23.5%", ",.1f", ",.1~f", "0.0", "23.5%",
     "5.1 percentage points", "23.5%", "1,234,567.8%"),
    ("% of EHC plans", "pct1", "23.5%", ",.1f", ",.1~f", "0.0", "23.5%",
     "5.1 percentage points", "23.5%", "1,234,567.8%"),
    ("% of requests", "pct1", "23.5%", ",.1f", ",.1~f", "0.0", "23.5%",
     "5.1 percentage points", "23.5%", "1,234,567.8%"),
    ("EHC plans", "count", "23 EHC plans", ",.0f", ",.0f", "#,##0", "23", "5 EHC plans", "23",
     "1,234,568"),
    ("requests", "count", "23 requests", ",.0f", ",.0f", "#,##0", "23", "5 requests", "23",
     "1,234,568"),
]  # fmt: skip

# unit: (funnel verdict, funnel/trend kind, trend over-dispersion allowance)
MODELS = {
    "pupils": (None, "proportion", False),
    "% of pupils": ("exact binomial funnel, 95% limits", "proportion", False),
    # shares of sessions are over-dispersed: no funnel verdict, but a trend test that allows
    # for it
    "% of sessions": (None, "proportion", True),
    "per 100 pupils": ("exact Poisson funnel, 95% limits", "rate", False),
    "exclusions": (None, "proportion", False),
    "suspensions": (None, "proportion", False),
    "points (mean)": (None, "proportion", False),
    "£": (None, "proportion", False),
    "places": (None, "proportion", False),
    "%": (None, "proportion", False),
    "% of new EHC plans": ("exact binomial funnel, 95% limits", "proportion", False),
    "% of EHC plans": ("exact binomial funnel, 95% limits", "proportion", False),
    "% of requests": ("exact binomial funnel, 95% limits", "proportion", False),
    "EHC plans": (None, "proportion", False),
    "requests": (None, "proportion", False),
}


def test_every_unit_is_pinned() -> None:
    pinned = {row[0] for row in TABLE}
    assert set(catalogue.UNITS) <= pinned
    assert set(formats.TABLE_UNITS) <= pinned
    assert set(catalogue.UNITS) <= set(MODELS)
    assert {row[1] for row in TABLE} == set(formats.FORMATS)  # every format is pinned


@pytest.mark.parametrize(
    ("unit", "name", "text", "d3", "d3_axis", "xl", "axis", "difference", "spoken", "tile"),
    TABLE,
    ids=[row[0] or "blank" for row in TABLE],
)
def test_a_unit_is_written_as_its_named_format(
    unit, name, text, d3, d3_axis, xl, axis, difference, spoken, tile
) -> None:
    fmt = unit_format(unit)
    assert fmt.name == name
    assert fmt.text(23.456, unit) == text
    assert (fmt.d3, fmt.d3_axis, fmt.excel) == (d3, d3_axis, xl)
    assert fmt.axis(23.456) == axis
    assert fmt.difference(5.123, unit) == difference
    assert fmt.spoken(23.456) == spoken
    assert fmt.tile(1234567.8) == tile
    assert fmt.text(None, unit) == formats.NO_DATA
    assert fmt.text(23.456, unit, suppressed=True) == formats.SUPPRESSED


@pytest.mark.parametrize(
    ("unit", "name", "text", "d3", "d3_axis", "xl", "axis", "difference", "spoken", "tile"),
    [row for row in TABLE if row[0] != "ratio"],  # a pack table's column only
    ids=[row[0] or "blank" for row in TABLE if row[0] != "ratio"],
)
def test_the_app_packs_and_sentences_write_what_they_wrote_before(
    unit, name, text, d3, d3_axis, xl, axis, difference, spoken, tile
) -> None:
    del name
    assert formatting.format_value(23.456, unit) == text
    assert charts._value_format(unit) == d3
    assert dataset.axis_format(unit) == d3_axis
    assert excel.number_format(unit) == xl
    assert html.axis_value(23.456, unit) == axis
    assert format_measure(23.456, unit) == spoken
    if unit_format(unit).decimals:  # a rate's or a mean's tile delta in words
        assert dataset.difference_sentence(-5.123, unit, "County", "r") == (
            f"{difference} lower than County (r)"
        )
    if not unit_format(unit).suffix:  # a tile over a million: '£1.23m' (no % is that big)
        assert dataset.metric_value(1234567.8, unit) == tile


def test_the_ratio_column_of_the_packs() -> None:
    assert excel.number_format("ratio") == "0.00"
    assert html.display(1.2345, "ratio") == "1.23"
    assert html.display(1234.5, None) == "1,235"  # a number in a text column: a count


def test_halves_round_away_from_zero_as_the_dfe_publishes() -> None:
    """1 of 16 is published as 6.3% (SEN2 2014, Luton); 87 of 240 as 36.3% (2016, Lewisham):
    Python's round-half-even on the binary float wrote 6.2% and 36.2%."""
    pct = formats.get("pct1")
    assert pct.bare(100 * 1 / 16) == "6.3" and pct.bare(100 * 87 / 240) == "36.3"
    assert pct.bare(-6.25) == "-6.3" and pct.bare(6.249) == "6.2"
    assert formats.get("count").bare(2.5) == "3" and formats.get("gbp").bare(-5.5) == "-£6"
    assert formats.get("pct1").bare(float("nan")) == "nan"  # callers check for missing first


@pytest.mark.parametrize("unit", sorted(MODELS))
def test_the_test_that_applies_is_the_catalogues(unit: str) -> None:
    verdict, kind, overdispersed = MODELS[unit]
    assert funnel_test_name(unit) == verdict
    assert measure_kind(unit) == kind and _trend_kind(unit) == kind
    assert unit_model(unit)[1] is overdispersed
    tested = differs_beyond_chance(unit, 30.0, 1000.0, 10.0)
    assert tested is (None if verdict is None else True)


def test_a_measure_names_the_same_format_and_model_as_its_unit() -> None:
    for m in catalogue.MEASURES:
        assert unit_format(m.unit) == m.fmt
        assert unit_model(m.unit) == (m.statistics, m.overdispersed)
        assert m.tested == (funnel_test_name(m.unit) is not None)


def test_one_word_for_suppressed_and_for_no_data() -> None:
    from packs import model

    assert formatting.SUPPRESSED_LABEL == model.SUPPRESSED == formats.SUPPRESSED
    assert dataset.SUPPRESSED_LABEL == formats.SUPPRESSED
    assert dataset.NOT_AVAILABLE == formats.NOT_AVAILABLE
    assert formatting.format_value(None, "pupils") == formats.NO_DATA
    assert html.display(None, "pupils") == formats.NO_DATA
    assert dataset.shown(None, "pupils") == formats.NOT_AVAILABLE
    assert formatting.ESTIMATE_MARK == formats.ESTIMATE_MARK


# A unit's wording matched in code: a string of unit words tested with `in`, a £ prefix test,
# or a comparison with one unit's text.
_WORDING = re.compile(
    r"""["'](?:%|£|per 100|point|session|ratio)[^"'\n]*["']\s+(?:not\s+)?in\b"""
    r"""|(?:starts|ends)with\(\s*["'](?:£|%)"""
    r"""|==\s*["'](?:% of pupils|% of sessions|per 100 pupils|ratio|%|£)["']"""
)
_SKIPPED = {"contract", "tests", ".venv", "node_modules", "build", "dist"}


def _source_files() -> list[Path]:
    return [
        path
        for path in PROJECT.rglob("*.py")
        if not any(
            part in _SKIPPED or part.startswith(".") for part in path.relative_to(PROJECT).parts
        )
    ]


def test_the_wording_pattern_catches_the_old_guesses() -> None:
    for line in (
        'if "per 100" in unit.lower():',
        'if "%" in unit_lower or "point" in unit_lower:',
        'if unit.startswith("£"):',
        'elif unit_lower == "% of pupils" and 0 <= target <= 100:',
        'if "per 100" in unit_lower or unit_lower == "ratio":',
        'overdispersion="session" in unit.lower(),',
    ):
        assert _WORDING.search(line), line
    assert not _WORDING.search('f"{value:.2f} per 100 pupils"')


def test_no_module_outside_contract_guesses_a_format_from_a_units_wording() -> None:
    files = _source_files()
    assert len(files) > 50  # the scan sees the project
    found = [
        f"{path.relative_to(PROJECT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _WORDING.search(line)
    ]
    assert not found, (
        "formats and statistical tests come from contract.catalogue.unit_format / unit_model "
        "(or the measure's .fmt / .statistics), never from the unit's wording:\n" + "\n".join(found)
    )
