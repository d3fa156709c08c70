"""Formatting numbers for people: units, suppression, academic years."""

from __future__ import annotations

import math

SUPPRESSED_LABEL = "Suppressed"


def year_label(time_period: int) -> str:
    """202324 -> '2023/24'."""
    text = str(int(time_period))
    return f"{text[:4]}/{text[4:]}"


def format_value(value: float | None, unit: str, suppressed: bool = False) -> str:
    """A value with its unit; suppressed and missing values say so instead of showing 0."""
    if suppressed:
        return SUPPRESSED_LABEL
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "No data"
    unit_lower = unit.lower()
    if unit_lower.startswith("£"):
        return f"£{value:,.0f}"
    if "%" in unit_lower:
        return f"{value:.1f}%"
    if "per 100" in unit_lower:
        return f"{value:.2f} per 100 pupils"
    if "point" in unit_lower:
        return f"{value:.1f} points"
    return f"{value:,.0f} {unit}".strip()


def decimals_for(unit: str) -> int:
    """How many decimals a measure in this unit deserves in tables and axes."""
    unit_lower = unit.lower()
    if "per 100" in unit_lower:
        return 2
    if "%" in unit_lower or "point" in unit_lower:
        return 1
    return 0


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
