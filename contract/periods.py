"""Time periods: one parser, one labeller.

Every warehouse table stores ``time_period`` as an INTEGER like ``202324``: academic year
2023/24, or the financial year April 2023 to March 2024 (council funding files), which
mostly overlaps it. Inputs may say ``202324``, ``2023/24``, ``2023-24``, ``2023/2024`` or
``FY 2023-24``; users see ``2023/24``.

Some DfE collections count calendar years (EHC plans, SEN2: ``time_period`` ``2021`` with
``time_identifier`` "Calendar year"): those are stored as the four-digit year and shown as
it (``2021``). A bare year is a calendar year only where the file says so.
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


#: The first year any time period may start in (EES data begins in the 2000s), and the
#: last a four-digit figure can be read as a calendar year: wide, as this tells a stored
#: 2021 from 202122; the ETL rejects a file's year more than a year ahead (etl.validate).
FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR = 1990, 2100
#: A calendar year as the files write it.
CALENDAR_YEAR_TEXT = r"\d{4}"


def calendar_year(text: object) -> int | None:
    """'2021', 2021 -> 2021 (a file whose time_identifier says "Calendar year"); None for
    anything else."""
    if isinstance(text, bool):
        return None
    compact = str(text).strip().removesuffix(".0")
    if not re.fullmatch(CALENDAR_YEAR_TEXT, compact):
        return None
    year = int(compact)
    return year if FIRST_CALENDAR_YEAR <= year <= LAST_CALENDAR_YEAR else None


def is_calendar_year(time_period: int | str) -> bool:
    """Whether a stored time_period is a four-digit calendar year (2021), not 202122."""
    return calendar_year(time_period) is not None


def label(time_period: int | str) -> str:
    """202324 -> '2023/24'; a calendar year 2021 -> '2021'."""
    year = calendar_year(time_period)
    if year is not None:
        return str(year)
    period = checked(time_period)
    return f"{period // 100}/{period % 100:02d}"


def start_year(time_period: int) -> int:
    """202324 -> 2023 (the calendar year the academic or financial year starts in); a
    calendar year is itself."""
    if is_calendar_year(time_period):
        return int(time_period)
    return int(time_period) // 100
