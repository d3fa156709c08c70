"""Source recognition from headers (etl/sources.py): the file name never matters."""

from __future__ import annotations

import pytest
from etl_raw_files import (
    CENSUS_COLUMNS,
    EES_STANDARD,
    EXCLUSION_COLUMNS,
    GIAS_HEADER,
    LINKS_HEADER,
    MEMBERSHIP_HEADER,
)

from etl.sources import SOURCES, detect_source, map_columns, normalise_header


def contract_header(source_name: str) -> list[str]:
    """The contract's raw header of a source (EES standard columns first where EES)."""
    source = next(s for s in SOURCES if s.name == source_name)
    return [c.raw for c in source.columns]


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_every_source_is_recognised_by_its_own_header(source: str) -> None:
    detection = detect_source(contract_header(source))
    assert detection.error is None
    assert detection.source is not None and detection.source.name == source


@pytest.mark.parametrize(
    ("header", "source"),
    [
        (GIAS_HEADER, "gias"),
        (LINKS_HEADER, "gias_links"),
        (MEMBERSHIP_HEADER, "membership"),
        (EES_STANDARD + CENSUS_COLUMNS, "census"),
        (EES_STANDARD + EXCLUSION_COLUMNS, "exclusions"),
    ],
)
def test_test_file_headers_are_recognised(header: list[str], source: str) -> None:
    assert detect_source(header).source.name == source  # type: ignore[union-attr]


def test_headers_match_ignoring_case_spaces_and_aliases() -> None:
    header = [h.upper() for h in EES_STANDARD] + [
        " URN ",  # census says urn; case and spaces ignored
        "School_Name",
        "phase_type_grouping",
        "headcount",  # alias of headcount_of_pupils
        "number_of_fsm_eligible_pupils",
        "number_of_pupils_with_eal",
    ]
    detection = detect_source(header)
    assert detection.source is not None and detection.source.name == "census"
    assert map_columns(detection.source, header)["headcount"] == "headcount"
    assert map_columns(detection.source, header)[" URN "] == "urn"


def test_renamed_absence_column_alias() -> None:
    header = contract_header("absence")
    header[header.index("enrolments_pa_10_exact")] = "enrolments_pa10_exact"
    detection = detect_source(header)
    assert detection.source is not None and detection.source.name == "absence"
    assert map_columns(detection.source, header)["enrolments_pa10_exact"] == "enrolments_pa_10"


def test_breakdown_file_with_extra_totals_columns_is_the_breakdown() -> None:
    # A characteristics file that also carries school_laestab still is not the totals file.
    header = contract_header("exclusions_characteristic") + ["school_laestab"]
    assert detect_source(header).source.name == "exclusions_characteristic"  # type: ignore[union-attr]


def test_missing_required_columns_are_named() -> None:
    header = [h for h in contract_header("exclusions") if h not in ("perm_excl", "suspension")]
    detection = detect_source(header)
    assert detection.source is None
    assert detection.near is not None and detection.near.name == "exclusions"
    assert detection.missing == ("perm_excl", "suspension")
    assert "missing required columns: perm_excl, suspension" in (detection.error or "")


def test_unknown_and_ambiguous_headers_get_clear_errors() -> None:
    assert "matches no known source" in (detect_source(["a", "b", "c"]).error or "")
    # A header holding two whole signatures (GIAS + membership) is ambiguous.
    ambiguous = detect_source(
        GIAS_HEADER + ["School name", "Partnership", "Locality", "Joined", "Left"]
    )
    assert ambiguous.source is None
    assert "more than one source" in (ambiguous.error or "")
    assert "gias" in (ambiguous.error or "") and "membership" in (ambiguous.error or "")


def test_normalise_header() -> None:
    assert normalise_header("\ufeff  Top-up  amount (£) ") == "top-up amount (£)"
    assert normalise_header("school_urn") == normalise_header("School URN")
