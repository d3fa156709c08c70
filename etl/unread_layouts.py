"""Published files the ETL recognises but does not read, each with a line an analyst can
act on (instead of "its header matches no known source").

Every entry was seen in a real download (shared/real/README.md): its ``columns`` are
headers of that file, all of which a file must have to be told apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .sources import normalise_header


@dataclass(frozen=True)
class UnreadLayout:
    name: str
    columns: tuple[str, ...]
    message: str


UNREAD_LAYOUTS: tuple[UnreadLayout, ...] = (
    UnreadLayout(
        "performance_spine",
        ("URN", "LA", "ESTAB", "LAESTAB", "SCHNAME", "OPENDATE", "CLOSEDATE"),
        "this is the school performance tables' register of schools (the spine): the build "
        "uses GIAS as the register instead: download 'Establishment fields' from Get "
        "Information About Schools (edubasealldataYYYYMMDD.csv)",
    ),
    UnreadLayout(
        "performance_census",
        ("URN", "LA", "ESTAB", "NOR", "NUMFSMEVER", "NUMEAL"),
        "this is the school performance tables' census download (england_census.csv): it is "
        "not read; pupil numbers, FSM and EAL come from the 'Schools, pupils and their "
        "characteristics' supporting file (spc_school_level_underlying_data*.csv)",
    ),
    UnreadLayout(
        "performance_destinations",
        ("RECTYPE", "LEA", "URN", "COHORT", "OVERALL_DEST"),
        "this is the school performance tables' key stage 4 destinations download: "
        "destinations are not in the explorer; leave it out of the raw folder",
    ),
    UnreadLayout(
        "performance_la_codes",
        ("LEA", "LA Name", "REGION", "REGION NAME"),
        "this is the school performance tables' list of LA and region codes (a lookup, not "
        "data): the build takes LA names from GIAS; leave it out of the raw folder",
    ),
    UnreadLayout(
        "absence_prus",
        ("time_period", "geographic_level", "school_type", "sess_possible", "num_schools"),
        "this is the DfE's absence file for pupil referral units only, for local "
        "authorities: it is not read (the county's absence figures come from the "
        "school-level file and the LA figures from the file for all schools)",
    ),
)


def unread_layout(header: Sequence[object]) -> UnreadLayout | None:
    """The known unread layout whose columns the header holds (first listed wins)."""
    keys = {normalise_header(h) for h in header if h is not None}
    for layout in UNREAD_LAYOUTS:
        if all(normalise_header(c) in keys for c in layout.columns):
            return layout
    return None
