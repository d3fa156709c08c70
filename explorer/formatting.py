"""Formatting numbers for people: units, suppression, academic years.

Every format is the measure's named one (contract.formats, through the catalogue's unit:
contract.catalogue.unit_format); nothing here reads the unit's wording.
"""

from __future__ import annotations

from contract import formats, periods
from contract.catalogue import unit_format

SUPPRESSED_LABEL = formats.SUPPRESSED


def year_label(time_period: int) -> str:
    """202324 -> '2023/24' (contract.periods)."""
    return periods.label(int(time_period))


def format_value(value: float | None, unit: str, suppressed: bool = False) -> str:
    """A value with its unit; suppressed and missing values say so instead of showing 0."""
    return unit_format(unit).text(value, unit, suppressed)


def decimals_for(unit: str) -> int:
    """How many decimals a measure in this unit deserves in tables and axes."""
    return unit_format(unit).decimals


def unit_in_brackets(unit: str) -> str:
    """'(% of pupils)'; a unit with its own brackets is flattened so they never nest:
    'points (mean)' -> '(points, mean)'."""
    flat = unit.replace(" (", ", ").replace("(", "").replace(")", "")
    return f"({flat})"


def label_with_unit(label: str, unit: str) -> str:
    """A measure's name with its unit in brackets, unless the name already says the unit."""
    if not unit or unit.lower() in label.lower():
        return label
    return f"{label} {unit_in_brackets(unit)}"


#: Marks a figure estimated from withheld cells (tiles, tables): "≈ 23".
ESTIMATE_MARK = formats.ESTIMATE_MARK


def bare_number(value: float, unit: str) -> str:
    """A number to the measure's decimals, without its unit: '0.18', '1,204', '£3,500'."""
    return unit_format(unit).bare(value)


def range_text(low: float | None, high: float | None, unit: str) -> str:
    """The range a figure with withheld cells lies in: 'between 21 and 25', 'at least 21'."""
    if formats.is_missing(low):
        return ""
    if formats.is_missing(high):
        return f"at least {bare_number(low, unit)}"
    if bare_number(low, unit) == bare_number(high, unit):
        return f"{bare_number(low, unit)}"
    return f"between {bare_number(low, unit)} and {bare_number(high, unit)}"


def estimate_note(low: float | None, high: float | None, unit: str, withheld: object) -> str:
    """Beside an estimated figure: 'estimated: 3 schools' figures withheld by the DfE
    (a count of 1 or 2 each); between 21 and 25'."""
    count = 0 if withheld is None or withheld != withheld else int(withheld)  # NaN-safe
    schools = f"{count} school{'' if count == 1 else 's'}'" if count else "some schools'"
    return f"estimated: {schools} figures withheld by the DfE; {range_text(low, high, unit)}"
