"""Time periods: one parser, one labeller.

Every warehouse table stores ``time_period`` as an INTEGER like ``202324``: academic year
2023/24, or the financial year April 2023 to March 2024 (council funding files), which
mostly overlaps it. Inputs may say ``202324``, ``2023/24``, ``2023-24``, ``2023/2024`` or
``FY 2023-24``; users see ``2023/24``.
"""

from __future__ import annotations

import re

_PERIOD = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*(?:[/-]\s*(\d{2}|\d{4}))?\s*(?:FY)?\s*$", re.I)


def parse(text: object) -> int | None:
    """'202324', '2023/24', '2023-24', '2023/2024', 202324 -> 202324; None when the text is
    not a period (a bare year is ambiguous: calendar, academic or financial)."""
    if isinstance(text, bool):
        return None
    compact = str(text).strip()
    if re.fullmatch(r"\d{6}", compact):
        start, end = int(compact[:4]), int(compact[4:])
        return int(compact) if end == (start + 1) % 100 else None
    match = _PERIOD.match(compact)
    if match is None or match.group(2) is None:
        return None
    start, end = int(match.group(1)), match.group(2)
    if len(end) == 4 and int(end) != start + 1:
        return None
    if len(end) == 2 and int(end) != (start + 1) % 100:
        return None
    return start * 100 + (start + 1) % 100


def checked(value: object) -> int:
    """``parse`` that raises ValueError naming the value (command lines, page parameters)."""
    period = parse(value)
    if period is None:
        raise ValueError(f"Not a time period: {value!r}")
    return period


def label(time_period: int | str) -> str:
    """202324 -> '2023/24'."""
    period = checked(time_period)
    return f"{period // 100}/{period % 100:02d}"


def start_year(time_period: int) -> int:
    """202324 -> 2023 (the calendar year the academic or financial year starts in)."""
    return int(time_period) // 100
