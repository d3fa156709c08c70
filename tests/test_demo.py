"""The demo-data generator (demo/generator.py) against the data contract (docs/architecture.md).

Most tests share one generation at the default parameters (7 years, Oxfordshire plus its
seven statistical neighbours, a few seconds); the determinism test runs smaller ones.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from contract.settings import load_config
from demo.exclusions import CHARACTERISTICS, FULL_YEAR, GEOGRAPHY, LOG, REASONS, TERMLY
from demo.generator import (
    EES_STANDARD,
    FILE_NAMES,
    MORE_FILES,
    SPC_YEAR_GROUP_HEADERS,
    generate_demo,
)
from demo.sen2 import CASELOAD as SEN2_CASELOAD
from etl.sources import SEN_NEED_LABELS

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
CONFIG = Path(__file__).resolve().parents[1] / "data" / "config.toml"
NON_EES = {"gias", "gias_links", "membership", "topups", "places", "send_timetables",
           "ehc_placements", "locality_boundaries"}  # fmt: skip
OXON = "931"
#: The statistical neighbours the app compares Oxfordshire with: the demo must cover them all.
NEIGHBOURS = {str(code) for code in load_config(CONFIG).council.comparator_old_la_codes}
DEFAULT_PERIODS = [201718, 201819, 201920, 202021, 202122, 202223, 202324]

#: The SPC supporting file's count columns (as published).
HEADCOUNT = "headcount of pupils"
FSM = "number of pupils known to be eligible for free school meals"
EAL = "number of pupils whose first language is known or believed to be other than English"
YEAR_GROUP_COLUMNS = SPC_YEAR_GROUP_HEADERS
NEED_COLUMNS = [f"{p}_Primary_need_{code}" for p in ("EHC", "SUP") for code in SEN_NEED_LABELS]
#: The identifier columns under one name in every file (the SPC and SEN files say URN,
#: phase-type_grouping): ``read_ees`` renames them.
SAME_NAMES = {"URN": "urn", "phase-type_grouping": "phase_type_grouping"}

#: EES source -> (category columns, count columns): what the LA rows sum.
EES_COUNTS: dict[str, tuple[list[str], list[str]]] = {
    "census": ([], [HEADCOUNT, FSM, EAL, *YEAR_GROUP_COLUMNS]),
    "absence": ([], ["enrolments", "sess_possible", "sess_overall", "sess_authorised",
                     "sess_unauthorised", "enrolments_pa_10_exact"]),
    "exclusions": ([], ["headcount", "perm_excl", "susp", "one_plus_susp"]),
    "sen": ([], ["Total pupils", "SEN support", "EHC plan", *NEED_COLUMNS]),
    "ks2": ([], ["t_elig"]),
    "ks4": ([], ["t_pupils"]),
}  # fmt: skip
#: Written as the performance-tables downloads (one file per year, folder named after it;
#: RECTYPE 1 school, 4 LA, 7 England; no regional rows): read_ees gives them EES names.
PERFORMANCE = {"ks2", "ks4"}
PERFORMANCE_NAMES = {"URN": "school_urn", "SCHNAME": "school_name", "TELIG": "t_elig",
                     "PTRWM_EXP": "pt_rwm_met_expected", "TPUP": "t_pupils",
                     "ATT8SCR": "avg_att8"}  # fmt: skip


# --------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    paths = generate_demo(out)
    assert all(p.exists() and out in p.parents for p in paths)
    assert sorted(set(p.name for p in paths)) == sorted({*FILE_NAMES.values(), *MORE_FILES})
    years = {f"{p // 100}-{p // 100 + 1}" for p in DEFAULT_PERIODS}
    assert {p.parent.name for p in paths if p.name in ("england_ks2final.csv",
            "england_ks4final.csv")} == years  # fmt: skip
    return out


def performance_files(demo: Path, source: str) -> list[Path]:
    return sorted(demo.glob(f"*/{FILE_NAMES[source]}"))


def contract_sources() -> dict[str, dict]:
    """The "Raw sources" table: source -> demo file, required columns, listed extras."""
    text = CONTRACT.read_text(encoding="utf-8")
    section = text.split("## Raw sources", 1)[1].split("\n## ", 1)[0]
    sources = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        columns_cell = cells[3]
        required = re.findall(r"`([^`]*)`", columns_cell)[0].split(", ")
        extra_match = re.search(r"\(\+ ([^)]*)\)", columns_cell)
        extras = []
        if extra_match:
            extras = [
                c for g in re.findall(r"`([^`]*)`", extra_match.group(1)) for c in g.split(", ")
            ]
        sources[re.findall(r"`([^`]*)`", cells[0])[0]] = {
            "file": cells[1].strip("`"),
            "required": required,
            "extras": extras,
        }
    return sources


def read_csv_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@cache
def read_ees(demo: Path, source: str) -> pd.DataFrame:
    """An EES file as text (shared between tests: never modify it in place). The
    performance-tables downloads (KS2, KS4) come as the EES columns their rows mean."""
    if source not in PERFORMANCE:
        return _read_ees_file(demo, source)
    frames = []
    for path in performance_files(demo, source):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        start = int(path.parent.name[:4])
        level = frame["RECTYPE"].map({"1": "School", "4": "Local authority", "7": "National"})
        frames.append(frame.rename(columns=PERFORMANCE_NAMES).assign(
            time_period=str(start * 100 + (start + 1) % 100), geographic_level=level,
            old_la_code=frame["LEA"]))  # fmt: skip
    frame = pd.concat(frames, ignore_index=True)
    if "pt_rwm_met_expected" in frame:
        frame["pt_rwm_met_expected"] = frame["pt_rwm_met_expected"].str.removesuffix("%")
    return frame


def _read_ees_file(demo: Path, source: str) -> pd.DataFrame:
    """Exclusions are written as the DfE publishes them (full years to 2020/21, then by
    term, and the areas' figures in their own file): here they are put back together as
    one full-year table in the old single-file columns (``susp``, ``school_type``,
    ``school_urn``), terms summed (pupils with one or more suspensions do not add up
    across terms: ``z``)."""
    if source != "exclusions":
        return read_csv_text(demo / FILE_NAMES[source]).rename(columns=SAME_NAMES)
    full = read_csv_text(demo / FULL_YEAR)
    full = full[full["geographic_level"].eq("School") | full["school_type"].eq("Total")]
    geography = read_csv_text(demo / GEOGRAPHY).rename(columns={"education_phase": "school_type"})
    geography = geography[geography["school_type"].eq("Total")]
    terms = read_csv_text(demo / TERMLY).rename(columns={"education_phase": "school_type"})
    measures = {"headcount", "perm_excl", "perm_excl_rate", "suspension", "susp_rate",
                "one_plus_susp", "one_plus_susp_rate", "time_identifier"}  # fmt: skip
    keys = [c for c in terms.columns if c not in measures]
    summed = terms.assign(**{c: numbers(terms[c]) for c in COUNTED_BY_TERM})
    summed = (
        summed.groupby(keys, sort=False)[list(COUNTED_BY_TERM)]
        .agg({"headcount": "max", "perm_excl": "sum", "suspension": "sum"})
        .reset_index()
    )
    summed = summed.assign(time_identifier="Academic year", one_plus_susp="z")
    summed["perm_excl_rate"] = (100 * summed["perm_excl"] / summed["headcount"]).round(5)
    summed["susp_rate"] = (100 * summed["suspension"] / summed["headcount"]).round(5)
    summed = summed.astype({c: "int64" for c in COUNTED_BY_TERM}).astype(str)
    summed.loc[summed["headcount"].eq("0"), ["perm_excl_rate", "susp_rate"]] = "z"
    frame = pd.concat([geography, full, summed], ignore_index=True).fillna("")
    frame = frame.rename(columns={"suspension": "susp"})
    return frame.sort_values(["time_period"], kind="stable").reset_index(drop=True)


COUNTED_BY_TERM = {"headcount": "max", "perm_excl": "sum", "suspension": "sum"}


def unsuppressed(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Per group: True when none of its cells in ``column`` is suppressed (`c`)."""
    return frame[column].eq("c").groupby([frame[k] for k in keys]).sum().eq(0)


def group_sum(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    return numbers(frame[column]).groupby([frame[k] for k in keys]).sum()


def numbers(series: pd.Series) -> pd.Series:
    """Numeric values; suppression symbols (and blanks) become NaN."""
    return pd.to_numeric(series, errors="coerce")


def level(frame: pd.DataFrame, name: str, la: str | None = None) -> pd.DataFrame:
    rows = frame[frame["geographic_level"] == name]
    return rows if la is None else rows[rows["old_la_code"] == la]


def urn_column(frame: pd.DataFrame) -> str:
    return "urn" if "urn" in frame.columns else "school_urn"


def read_gias(demo: Path) -> pd.DataFrame:
    return pd.read_csv(
        demo / FILE_NAMES["gias"], encoding="cp1252", dtype=str, keep_default_na=False
    )


def read_membership(demo: Path) -> pd.DataFrame:
    return pd.read_excel(demo / FILE_NAMES["membership"], sheet_name="Membership", header=2)


def rate(frame: pd.DataFrame, numerator: str, denominator: str) -> float:
    return float(100 * numbers(frame[numerator]).sum() / numbers(frame[denominator]).sum())


def by_period(frame: pd.DataFrame, column: str) -> dict[int, float]:
    return {
        int(p): float(v) for p, v in zip(frame["time_period"], numbers(frame[column]), strict=True)
    }


# --------------------------------------------------------------------------------------
# Layout: files, columns, encodings, workbooks
# --------------------------------------------------------------------------------------


def test_contract_names_the_same_demo_files() -> None:
    sources = contract_sources()
    named = {s: v["file"] for s, v in sources.items() if v["file"] != "–"}
    several = {s for s in MORE_FILES.values()}
    assert {s: f for s, f in named.items() if s not in several} == FILE_NAMES
    text = CONTRACT.read_text(encoding="utf-8")
    for name in MORE_FILES:  # the exclusions files and the log are named in the contract
        assert f"`{name}`" in text, name


@pytest.mark.parametrize("source", sorted(FILE_NAMES))
def test_columns_are_exactly_the_contract_columns_in_order(demo: Path, source: str) -> None:
    spec = contract_sources()[source]
    path = demo / FILE_NAMES[source]
    if source in PERFORMANCE:  # every year's download has the contract's columns
        for path in performance_files(demo, source):
            assert path.read_text(encoding="utf-8").split("\n", 1)[0].split(",") == spec["required"]
        return
    if path.suffix == ".xlsx":
        sheet = "Membership" if source == "membership" else "Places"
        header = 2 if source == "membership" else 0
        columns = list(pd.read_excel(path, sheet_name=sheet, header=header, nrows=1).columns)
    else:
        encoding = (
            "cp1252" if source in NON_EES - {"send_timetables", "ehc_placements"} else "utf-8"
        )
        columns = path.read_bytes().decode(encoding).split("\n", 1)[0].split(",")
    if source in NON_EES:
        assert columns == spec["required"]
        return
    prefix = EES_STANDARD + spec["required"]
    assert columns[: len(prefix)] == prefix
    rest = columns[len(prefix) :]
    if spec["extras"] == ["_percent"]:  # absence: "the `_percent` columns"
        assert rest and all(c.removesuffix("_percent") in spec["required"] for c in rest)
    elif source in ("census", "sen"):  # "`first` … `last`" of a run of columns, then others
        run = YEAR_GROUP_COLUMNS if source == "census" else NEED_COLUMNS
        assert spec["extras"][:2] == [run[0], run[-1]]
        assert rest == [*run, *spec["extras"][2:]]
    else:
        assert rest == spec["extras"]


def test_gias_and_topups_are_really_cp1252(demo: Path) -> None:
    gias = (demo / FILE_NAMES["gias"]).read_bytes()
    assert "Thérèse".encode("cp1252") in gias and "’".encode("cp1252") in gias
    with pytest.raises(UnicodeDecodeError):
        gias.decode("utf-8")
    topups = (demo / FILE_NAMES["topups"]).read_bytes()
    assert b"\xa3" in topups.split(b"\n", 1)[0]  # the £ in the header
    assert "Top-up amount (£)" in topups.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        topups.decode("utf-8")
    # The EES files are UTF-8 and carry the same names.
    census = (demo / FILE_NAMES["census"]).read_bytes().decode("utf-8")
    assert "St Thérèse's Catholic Primary School, Oxford" in census


def test_membership_workbook_has_a_title_a_blank_row_and_excel_dates(demo: Path) -> None:
    book = openpyxl.load_workbook(demo / FILE_NAMES["membership"])
    sheet = book["Membership"]
    assert "partnership" in sheet["A1"].value.lower()
    assert all(cell.value is None for cell in sheet[2])
    assert [c.value for c in sheet[3]] == [
        "URN",
        "School name",
        "Partnership",
        "Locality",
        "Joined",
        "Left",
    ]
    assert sheet["E4"].is_date
    members = read_membership(demo)
    assert pd.api.types.is_datetime64_any_dtype(members["Joined"])
    assert pd.api.types.is_datetime64_any_dtype(members["Left"])
    assert members["Left"].isna().sum() > 250  # most spells are open
    places = pd.read_excel(demo / FILE_NAMES["places"], sheet_name="Places")
    assert set(places["Provision type"]) == {
        "Special school",
        "Alternative provision",
        "Resourced provision",
    }
    assert (places["Place funding (£)"] > 0).all()


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    small = {"n_other_las": 1, "first_year": 2021, "last_year": 2023}
    first = generate_demo(tmp_path / "a", seed=7, **small)
    second = generate_demo(tmp_path / "b", seed=7, **small)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    generate_demo(tmp_path / "c", seed=8, **small)
    census = FILE_NAMES["census"]
    assert (tmp_path / "a" / census).read_bytes() != (tmp_path / "c" / census).read_bytes()
    years = sorted(set(pd.read_csv(tmp_path / "a" / census)["time_period"]))
    assert years == [202122, 202223, 202324]


def la_lines(path: Path, la_code: str) -> list[bytes]:
    """A file's lines (Local authority and School rows) of one LA, as bytes (for a
    performance-tables download: every year's file, its rows with that LEA)."""
    if path.name in ("england_ks2final.csv", "england_ks4final.csv"):
        return [line for year in sorted(path.parent.glob(f"*/{path.name}"))
                for line in year.read_bytes().split(b"\n")
                if line.split(b",")[1:2] == [la_code.encode()]]  # fmt: skip
    # (the characteristics layout has new_la_code before old_la_code)
    name = "Oxfordshire" if la_code == "931" else "Buckinghamshire"
    # (the SEN2 publication quotes each LA's name)
    markers = (f",{la_code},E".encode(), f",{la_code},{name},".encode(),
               f',{la_code},"{name}",'.encode())  # fmt: skip
    return [line for line in path.read_bytes().split(b"\n") if any(m in line for m in markers)]


def test_an_la_draws_the_same_numbers_however_many_other_las_there_are(tmp_path: Path) -> None:
    years = {"first_year": 2022, "last_year": 2023}
    generate_demo(tmp_path / "few", seed=7, n_other_las=1, **years)
    generate_demo(tmp_path / "many", seed=7, n_other_las=len(NEIGHBOURS) + 2, **years)
    names = [FILE_NAMES[s] for s in EES_COUNTS if s in FILE_NAMES]
    names += [n for n in MORE_FILES if n != LOG]
    for name in names:
        a, b = (tmp_path / size / name for size in ("few", "many"))
        for la_code in (OXON, "825"):  # the council, and the neighbour present in both
            lines = la_lines(a, la_code)
            # (the full-year exclusions file ends in 2020/21: no rows for these years)
            assert lines == la_lines(b, la_code), (name, la_code)
            # (caseload: one row a year, two years here)
            least = {FULL_YEAR: 0, SEN2_CASELOAD: 2}.get(name, 5)
            assert len(lines) >= least, (name, la_code)
    # Oxfordshire's own files and register rows are unchanged too.
    own = [FILE_NAMES[s] for s in ("gias_links", "membership", "topups", "places")] + [LOG]
    for name in own:
        assert (tmp_path / "few" / name).read_bytes() == (tmp_path / "many" / name).read_bytes()
    gias = [
        pd.read_csv(path / FILE_NAMES["gias"], encoding="cp1252", dtype=str)
        for path in (tmp_path / "few", tmp_path / "many")
    ]
    oxon = [g[g["LA (code)"] == OXON].reset_index(drop=True) for g in gias]
    assert len(oxon[0]) > 250 and oxon[0].equals(oxon[1])
    assert gias[1]["LA (code)"].nunique() == len(NEIGHBOURS) + 3


# --------------------------------------------------------------------------------------
# Oxfordshire's shape and its changes over time
# --------------------------------------------------------------------------------------


def test_oxfordshire_localities_partnerships_and_schools(demo: Path) -> None:
    members = read_membership(demo)
    assert members["Locality"].nunique() == 9
    assert 30 <= members["Partnership"].nunique() <= 40
    per_locality = members.groupby("Locality")["Partnership"].nunique()
    assert per_locality.between(3, 5).all()
    gias = read_gias(demo)
    oxon = gias[gias["LA (code)"] == OXON]
    assert 280 <= len(oxon) <= 330
    assert oxon["URN"].str.fullmatch(r"\d{6}").all()
    phases = oxon["PhaseOfEducation (name)"].value_counts()
    assert 220 <= phases["Primary"] <= 260 and phases["Secondary"] + phases["All-through"] >= 35
    assert {"Nursery", "16 plus", "All-through", "Not applicable"} <= set(phases.index)
    types = oxon["TypeOfEstablishment (name)"]
    assert types.str.contains("special").sum() >= 13
    assert types.str.contains("Pupil referral unit|alternative provision").sum() == 3
    # Schools sit near their locality (British National Grid metres).
    census = level(read_ees(demo, "census"), "School", OXON)
    assert sorted(set(census["time_period"].astype(int))) == DEFAULT_PERIODS
    easting, northing = oxon["Easting"].astype(int), oxon["Northing"].astype(int)
    assert easting.between(420000, 490000).all() and northing.between(170000, 255000).all()


def test_every_oxfordshire_school_year_has_one_partnership_at_census_day(demo: Path) -> None:
    members = read_membership(demo)
    links = pd.read_csv(demo / FILE_NAMES["gias_links"], encoding="cp1252")
    successor = dict(links.loc[links["LinkType"] == "Successor", ["URN", "LinkURN"]].to_numpy())
    census = level(read_ees(demo, "census"), "School", OXON)
    for urn, period in zip(
        census["urn"].astype(int), census["time_period"].astype(int), strict=True
    ):
        day = pd.Timestamp(period // 100 + 1, 1, 15)
        open_spell = (members["Joined"] <= day) & (
            members["Left"].isna() | (members["Left"] >= day)
        )
        spells = members[open_spell & (members["URN"] == urn)]
        if spells.empty:  # membership kept under the academy's URN: look up by lineage
            spells = members[open_spell & (members["URN"] == successor.get(urn, -1))]
        assert len(spells) == 1, (urn, period)


def test_academy_conversions_are_linked_and_switch_urn_in_the_dfe_files(demo: Path) -> None:
    links = pd.read_csv(demo / FILE_NAMES["gias_links"], encoding="cp1252", dtype=str)
    successors = links[links["LinkType"] == "Successor"]
    predecessors = links[links["LinkType"] == "Predecessor"]
    assert 6 <= len(successors) <= 10
    assert set(zip(successors["URN"], successors["LinkURN"], strict=True)) == set(
        zip(predecessors["LinkURN"], predecessors["URN"], strict=True)
    )
    gias = read_gias(demo).set_index("URN")
    census = level(read_ees(demo, "census"), "School", OXON)
    years = census.groupby("urn")["time_period"].agg(lambda p: sorted(p.astype(int)))
    for old, new, established in successors[["URN", "LinkURN", "LinkEstablishedDate"]].to_numpy():
        opened = pd.to_datetime(established, format="%d-%m-%Y")
        assert gias.loc[old, "EstablishmentStatus (name)"] == "Closed"
        closed = pd.to_datetime(gias.loc[old, "CloseDate"], format="%d-%m-%Y")
        assert closed == opened - pd.Timedelta(days=1)
        assert gias.loc[new, "TypeOfEstablishment (name)"] == "Academy converter"
        assert gias.loc[new, "OpenDate"] == established
        first_new = opened.year * 100 + (opened.year + 1) % 100
        assert all(p < first_new for p in years.get(old, []))
        if first_new <= DEFAULT_PERIODS[-1]:
            assert years[new][0] == first_new
        if first_new > DEFAULT_PERIODS[0]:
            assert years[old][-1] == DEFAULT_PERIODS[DEFAULT_PERIODS.index(first_new) - 1]


def test_openings_closures_and_partnership_moves(demo: Path) -> None:
    gias = read_gias(demo)
    oxon = gias[gias["LA (code)"] == OXON]
    linked = set(pd.read_csv(demo / FILE_NAMES["gias_links"], encoding="cp1252", dtype=str)["URN"])
    opened = pd.to_datetime(oxon["OpenDate"], format="%d-%m-%Y", errors="coerce")
    new_schools = oxon[(opened >= "2018-01-01") & ~oxon["URN"].isin(linked)]
    closed = oxon[(oxon["EstablishmentStatus (name)"] == "Closed") & ~oxon["URN"].isin(linked)]
    assert 2 <= len(new_schools) <= 3 and 1 <= len(closed) <= 2
    census = level(read_ees(demo, "census"), "School", OXON)
    for urn, day in zip(new_schools["URN"], new_schools["OpenDate"], strict=True):
        periods = census.loc[census["urn"] == urn, "time_period"].astype(int)
        start = pd.to_datetime(day, format="%d-%m-%Y")
        assert periods.min() // 100 >= start.year - (1 if start.month >= 9 else 0)
    for urn, day in zip(closed["URN"], closed["CloseDate"], strict=True):
        periods = census.loc[census["urn"] == urn, "time_period"].astype(int)
        assert periods.max() // 100 + 1 <= pd.to_datetime(day, format="%d-%m-%Y").year
    members = read_membership(demo)
    spells = members.groupby("URN")["Partnership"].nunique()
    assert 3 <= (spells == 2).sum() <= 4


# --------------------------------------------------------------------------------------
# Suppression and consistency
# --------------------------------------------------------------------------------------


def test_suppression_symbols_appear_where_the_dfe_puts_them(demo: Path) -> None:
    def symbols(source: str, columns: list[str]) -> pd.Series:
        frame = level(read_ees(demo, source), "School", OXON)
        return frame[columns].stack().value_counts()

    # The SPC and SEN supporting files are not suppressed ("not had suppression applied").
    for source in ("census", "sen"):
        frame = level(read_ees(demo, source), "School", OXON)
        assert not frame[EES_COUNTS[source][1]].isin(["c", "x", "z", "low", ":"]).any().any()
    absence = symbols(
        "absence", ["sess_unauthorised_percent", "sess_authorised", "sess_overall_percent"]
    )
    assert absence.get("low", 0) >= 1 and absence.get("x", 0) >= 1
    exclusions = read_ees(demo, "exclusions")
    assert (level(exclusions, "School", OXON)["perm_excl_rate"] == "z").any()
    assert (level(read_ees(demo, "ks4"), "School", OXON)["avg_att8"] == "SUPP").any()
    # reasons: the DfE withholds area counts under 5 ('x') and rounds the rest to 5s
    reasons = read_csv_text(demo / REASONS).iloc[:, 11:]
    cells = reasons.stack()
    assert cells.eq("x").sum() > 10
    assert numbers(cells).dropna().mod(5).eq(0).all()
    # Totals are never suppressed.
    for source in EES_COUNTS:
        frame = read_ees(demo, source)
        published = frame[frame["geographic_level"] != "School"].iloc[:, len(EES_STANDARD) :]
        assert not published.isin(["c", "x", ":", "SUPP"]).any().any(), source


def test_low_and_z_follow_their_definitions(demo: Path) -> None:
    absence = level(read_ees(demo, "absence"), "School")
    low = absence[absence["sess_unauthorised_percent"] == "low"]
    assert (numbers(low["sess_unauthorised"]) > 0).all()
    assert (100 * numbers(low["sess_unauthorised"]) / numbers(low["sess_possible"]) < 0.05).all()
    exclusions = read_ees(demo, "exclusions")
    not_applicable = exclusions[exclusions["susp_rate"] == "z"]
    assert (numbers(not_applicable["headcount"]) == 0).all()


def test_the_exclusions_log_counts_every_schools_exclusions(demo: Path) -> None:
    """The council's log (one row per event) holds exactly the exclusions and suspensions
    of every county school in the DfE's files, with the reasons and pupil groups the DfE
    publishes only for the LA."""
    log = read_csv_text(demo / LOG)
    assert list(log.columns) == ["URN", "Date", "Type", "Reason", "Pupil reference",
                                 "SEN provision", "FSM eligible", "Sex", "Ethnicity", "NC year"]  # fmt: skip
    date = pd.to_datetime(log["Date"], format="%d/%m/%Y")
    start = np.where(date.dt.month >= 9, date.dt.year, date.dt.year - 1)
    log["time_period"] = (start * 100 + (start + 1) % 100).astype(str)
    counted = log.groupby(["time_period", "URN", "Type"]).size().unstack(fill_value=0)
    schools = level(read_ees(demo, "exclusions"), "School", OXON).set_index(
        ["time_period", "school_urn"]
    )
    for kind, column in (("Permanent exclusion", "perm_excl"), ("Suspension", "susp")):
        expected = numbers(schools[column])
        got = counted[kind].reindex(expected.index, fill_value=0)
        assert expected.sum() > 50 and (got == expected).all(), kind
    # pupils with one or more suspensions: distinct references, as in the full-year file
    suspended = log[log["Type"].eq("Suspension")]
    pupils = suspended.groupby(["time_period", "URN"])["Pupil reference"].nunique()
    full_year = schools[numbers(schools["one_plus_susp"]).notna()]
    expected = numbers(full_year["one_plus_susp"])
    assert (pupils.reindex(expected.index, fill_value=0) == expected).all()
    # Persistent disruptive behaviour is the commonest reason for suspensions.
    assert suspended["Reason"].value_counts().idxmax() == "Persistent disruptive behaviour"


def test_area_breakdowns_show_the_higher_rates_of_sen_and_fsm_pupils(demo: Path) -> None:
    la = level(read_csv_text(demo / CHARACTERISTICS), "Local authority", OXON)
    assert set(la["characteristic_group"]) == {
        "Gender", "SEN provision", "FSM eligibility", "Ethnicity major", "NC year"}  # fmt: skip
    by_value = group_sum(la, ["characteristic"], "suspension") / group_sum(
        la, ["characteristic"], "headcount"
    )
    assert by_value["EHC plan"] > 2 * by_value["No SEN"]
    assert by_value["SEN support"] > 2 * by_value["No SEN"]
    assert by_value["FSM eligible"] > 2 * by_value["Not FSM eligible"]
    # every group of an area adds up to its pupils
    groups = group_sum(la, ["time_period", "characteristic_group"], "headcount").unstack()
    assert (groups.nunique(axis=1) == 1).all()


def test_year_groups_and_sen_needs_sum_to_the_school_totals(demo: Path) -> None:
    keys = ["time_period", "urn"]
    census = level(read_ees(demo, "census"), "School").set_index(keys)
    by_school = census[YEAR_GROUP_COLUMNS].apply(numbers).sum(axis=1)
    assert (by_school == numbers(census[HEADCOUNT])).all()
    sen = level(read_ees(demo, "sen"), "School").set_index(keys)
    pupils = numbers(census[HEADCOUNT]).reindex(sen.index)
    assert (numbers(sen["Total pupils"]) == pupils).all()
    for prefix, column in (("SUP", "SEN support"), ("EHC", "EHC plan")):
        needs = [c for c in NEED_COLUMNS if c.startswith(prefix)]
        assert len(needs) == 13
        summed = sen[needs].apply(numbers).sum(axis=1)
        assert (summed == numbers(sen[column])).all(), column
        assert (numbers(sen[column]) > 0).sum() > 100


@pytest.mark.parametrize("source", sorted(EES_COUNTS))
def test_benchmark_rows_are_sums_of_school_rows(demo: Path, source: str) -> None:
    frame = read_ees(demo, source)
    categories, counts = EES_COUNTS[source]
    keys = ["time_period", *categories]
    values = frame.assign(**{c: numbers(frame[c]) for c in counts})
    schools = values[values["geographic_level"] == "School"]
    las = level(values, "Local authority")
    # Every LA row (the council's and each neighbour's) sums its own School rows.
    la_keys = ["old_la_code", *keys]
    by_school = schools.groupby(la_keys)[counts].sum()
    la_rows = las.set_index(la_keys)[counts].sort_index()
    assert set(by_school.index) == set(la_rows.index)
    suppressed = frame.loc[schools.index, counts].isin(["c", "x", ":", "z", "SUPP"]).any(axis=1)
    exact = ~suppressed.groupby([schools[k] for k in la_keys]).any()
    summed = by_school.reindex(la_rows.index)
    complete = exact.reindex(la_rows.index).to_numpy()
    assert complete.sum() > 0
    assert (summed[complete] == la_rows[complete].astype(summed.dtypes.iloc[0])).all().all()
    # A suppressed school cell is unknown: the known ones add up to no more than the total.
    assert (summed[~complete].fillna(0) <= la_rows[~complete]).all().all()
    national = level(values, "National").set_index(keys)[counts].sort_index()
    assert (las.groupby(keys)[counts].sum().reindex(national.index) == national).all().all()
    if source in PERFORMANCE:  # the performance tables have no regional rows
        return
    regional = level(values, "Regional").set_index([*keys, "region_code"])[counts].sort_index()
    by_region = las.groupby([*keys, "region_code"])[counts].sum().reindex(regional.index)
    assert (by_region == regional).all().all()
    oxon_la = level(values, "Local authority", OXON)
    assert len(oxon_la) > 0 and set(oxon_la["time_period"]) == set(
        schools[schools["old_la_code"] == OXON]["time_period"]
    )


def test_rates_are_computed_from_the_counts(demo: Path) -> None:
    checks = [
        ("exclusions", "susp_rate", "susp", "headcount", 5),  # 5 places, as the DfE's
        ("exclusions", "perm_excl_rate", "perm_excl", "headcount", 5),
        ("absence", "sess_overall_percent", "sess_overall", "sess_possible", 1),
        ("absence", "enrolments_pa_10_exact_percent", "enrolments_pa_10_exact", "enrolments", 1),
    ]
    for source, column, numerator, denominator, decimals in checks:
        frame = read_ees(demo, source)
        given = numbers(frame[column])
        expected = (100 * numbers(frame[numerator]) / numbers(frame[denominator])).round(decimals)
        known = given.notna()
        assert known.mean() > 0.95
        assert np.allclose(given[known], expected[known]), column
    # KS2 as the performance tables publish it: a percentage of TELIG (one decimal), from
    # which the ETL derives the count; the count gives the percentage back.
    ks2 = read_ees(demo, "ks2")
    percent, eligible = numbers(ks2["pt_rwm_met_expected"]), numbers(ks2["t_elig"])
    assert percent.notna().mean() > 0.95 and percent.between(0, 100).all()
    derived = np.floor(percent * eligible / 100 + 0.5)
    school = (ks2["geographic_level"] == "School").to_numpy()
    assert np.allclose((100 * derived / eligible).round(1)[school], percent[school])
    ks4 = read_ees(demo, "ks4")
    schools = level(ks4, "School", OXON)
    la = level(ks4, "Local authority", OXON).set_index("time_period")
    points = numbers(schools["avg_att8"]) * numbers(schools["t_pupils"])
    known = numbers(schools["avg_att8"]).notna()
    mean = (
        points[known].groupby(schools["time_period"][known]).sum()
        / numbers(schools["t_pupils"][known]).groupby(schools["time_period"][known]).sum()
    )
    assert np.allclose(mean, numbers(la["avg_att8"]).reindex(mean.index), atol=0.3)


def test_every_statistical_neighbour_has_school_rows_and_benchmarks_every_year(
    demo: Path,
) -> None:
    assert len(NEIGHBOURS) == 7
    gias = read_gias(demo)
    assert set(gias["LA (code)"]) == {OXON, *NEIGHBOURS}
    assert gias.groupby("LA (code)").size().drop(OXON).between(50, 90).all()
    for source in EES_COUNTS:
        frame = read_ees(demo, source)
        periods = set(frame["time_period"])
        assert (frame["geographic_level"] == "National").groupby(
            frame["time_period"]
        ).sum().max() >= 1
        assert set(level(frame, "National")["time_period"]) == periods
        for geography in ("Local authority", "School"):
            rows = level(frame, geography)
            present = set(zip(rows["old_la_code"], rows["time_period"], strict=True))
            expected = {(la, p) for la in {OXON, *NEIGHBOURS} for p in periods}
            assert present == expected, (source, geography, expected - present)
        non_school = frame[frame["geographic_level"] != "School"]
        assert (non_school[[urn_column(frame), "school_name"]] == "").all().all()
    assert set(level(read_ees(demo, "census"), "Regional")["region_name"]) == {
        "South East",
        "West Midlands",
    }


# --------------------------------------------------------------------------------------
# Plausible numbers and trends
# --------------------------------------------------------------------------------------


def test_absence_rises_after_covid(demo: Path) -> None:
    la = level(read_ees(demo, "absence"), "Local authority", OXON)
    overall = by_period(la, "sess_overall_percent")
    persistent = by_period(la, "enrolments_pa_10_exact_percent")
    for period in (201718, 201819):
        assert 4.0 <= overall[period] <= 6.0 and 8.0 <= persistent[period] <= 13.0
    for period in (202122, 202223, 202324):
        assert 6.5 <= overall[period] <= 8.0 and 17.0 <= persistent[period] <= 25.0


def test_exclusions_by_phase_dip_in_covid_and_rise_after(demo: Path) -> None:
    schools = level(read_ees(demo, "exclusions"), "School", OXON)
    primary = schools[schools["school_type"] == "State-funded primary"]
    secondary = schools[schools["school_type"] == "State-funded secondary"]
    assert rate(primary, "perm_excl", "headcount") < 0.06
    assert 0.12 <= rate(secondary, "perm_excl", "headcount") <= 0.35
    latest = str(DEFAULT_PERIODS[-1])
    secondary_susp = {p: rate(g, "susp", "headcount") for p, g in secondary.groupby("time_period")}
    primary_susp = {p: rate(g, "susp", "headcount") for p, g in primary.groupby("time_period")}
    covid = {"201920", "202021"}
    assert all(8.0 <= v <= 20.0 for p, v in secondary_susp.items() if p not in covid)
    # The COVID years dip below every year before and after them (as in England, 2019-21).
    usual = min(v for p, v in secondary_susp.items() if p not in covid)
    assert all(6.0 <= secondary_susp[p] < usual for p in covid)
    assert all(0.7 <= v <= 3.0 for v in primary_susp.values())
    assert secondary_susp[latest] > secondary_susp["201718"] > secondary_susp["202021"]
    perm = {p: rate(g, "perm_excl", "headcount") for p, g in secondary.groupby("time_period")}
    assert perm["202021"] < perm["201718"] and perm["202021"] < perm[latest]


def test_partnerships_differ_persistently(demo: Path) -> None:
    members = read_membership(demo)
    partnership = members.drop_duplicates("URN", keep="last").set_index("URN")["Partnership"]
    census = level(read_ees(demo, "census"), "School", OXON)
    census = census.assign(partnership=census["urn"].astype(int).map(partnership))
    fsm = {
        p: rate(g, FSM, HEADCOUNT)
        for p, g in census[census["time_period"] == "202324"].groupby("partnership")
    }
    assert max(fsm.values()) > 2 * min(fsm.values())
    la = level(read_ees(demo, "census"), "Local authority", OXON)
    fsm_trend = by_period(la, FSM)
    pupils = by_period(la, HEADCOUNT)
    fsm_percent = [100 * fsm_trend[p] / pupils[p] for p in DEFAULT_PERIODS]
    assert 10 <= fsm_percent[0] < fsm_percent[-1] <= 25
    # Oxford has the most pupils with English as an additional language.
    locality = members.drop_duplicates("URN", keep="last").set_index("URN")["Locality"]
    census = census.assign(locality=census["urn"].astype(int).map(locality))
    eal = {loc: rate(g, EAL, HEADCOUNT) for loc, g in census.groupby("locality")}
    assert max(eal, key=eal.get) == "Oxford" and min(eal.values()) >= 3 and eal["Oxford"] <= 35


def test_sen_rises_and_special_schools_are_nearly_all_ehc_plans(demo: Path) -> None:
    sen = level(read_ees(demo, "sen"), "School", OXON)
    mainstream = sen[
        sen["phase_type_grouping"].isin(["State-funded primary", "State-funded secondary"])
    ]
    ehc = {p: rate(g, "EHC plan", "Total pupils") for p, g in mainstream.groupby("time_period")}
    support = {
        p: rate(g, "SEN support", "Total pupils") for p, g in mainstream.groupby("time_period")
    }
    values = [ehc[str(p)] for p in DEFAULT_PERIODS]
    assert all(1.5 <= v <= 3.0 for v in values) and values == sorted(values)
    assert all(10.5 <= v <= 14.5 for v in support.values())
    special = sen[sen["phase_type_grouping"] == "State-funded special school"]
    assert rate(special, "EHC plan", "Total pupils") > 95


def test_attainment_years_and_phases(demo: Path) -> None:
    ks2 = read_ees(demo, "ks2")
    assert sorted(set(ks2["time_period"].astype(int))) == [201718, 201819, 202122, 202223, 202324]
    la2 = by_period(level(ks2, "Local authority", OXON), "pt_rwm_met_expected")
    assert all(55 <= v <= 72 for v in la2.values())
    ks4 = read_ees(demo, "ks4")
    la4 = by_period(level(ks4, "Local authority", OXON), "avg_att8")
    assert all(40 <= v <= 53 for v in la4.values()) and la4[202021] > la4[201819]
    census = level(read_ees(demo, "census"), "School", OXON)
    phase = dict(zip(census["urn"], census["phase_type_grouping"], strict=False))
    ks2_phases = {phase[u] for u in level(ks2, "School", OXON)["school_urn"]}
    assert "State-funded special school" not in ks2_phases
    ks4_phases = {phase[u] for u in level(ks4, "School", OXON)["school_urn"]}
    assert "State-funded primary" not in ks4_phases
    primary = census[census["phase_type_grouping"] == "State-funded primary"]
    secondary_years = [c for c in YEAR_GROUP_COLUMNS if re.search(r"Year group ([7-9]|1\d)$", c)]
    assert len(secondary_years) == 4 * 8
    assert (primary[secondary_years].apply(numbers) == 0).all().all()
    sizes = numbers(census[HEADCOUNT]).groupby(census["phase_type_grouping"]).median()
    assert (
        150 <= sizes["State-funded primary"] <= 350
        and 800 <= sizes["State-funded secondary"] <= 1500
    )


def test_high_needs_funding_rises(demo: Path) -> None:
    topups = pd.read_csv(demo / FILE_NAMES["topups"], encoding="cp1252")
    assert topups["Financial year"].str.fullmatch(r"20\d\d-\d\d").all()
    assert set(topups["Band"]) == {"Band A", "Band B", "Band C", "Band D", "Band E"}
    assert (topups["Pupils funded"] > 0).all()
    by_year = topups.groupby("Financial year")["Top-up amount (£)"].sum()
    assert by_year.is_monotonic_increasing and by_year.iloc[-1] > 1.3 * by_year.iloc[0]
    gias = read_gias(demo)
    oxon = gias[(gias["LA (code)"] == OXON) & (gias["EstablishmentStatus (name)"] == "Open")]
    funded = set(topups.loc[topups["Financial year"] == "2023-24", "URN"].astype(str))
    assert len(funded & set(oxon["URN"])) > 0.7 * len(oxon)
    places = pd.read_excel(demo / FILE_NAMES["places"], sheet_name="Places")
    resourced = places[places["Provision type"] == "Resourced provision"]
    assert 8 <= resourced["URN"].nunique() <= 12
    place_funding = places.groupby("Financial year")["Place funding (£)"].sum()
    assert place_funding.iloc[-1] > place_funding.iloc[0]


# --------------------------------------------------------------------------------------
# The package around the generator: one-way dependency, first-run data, command line
# --------------------------------------------------------------------------------------


def test_the_etl_never_imports_the_demo_package() -> None:
    """demo imports etl; etl (every module, its command line too) never imports demo."""
    etl_dir = Path(__file__).resolve().parents[1] / "etl"
    modules = ["etl", *(f"etl.{p.stem}" for p in sorted(etl_dir.glob("*.py")))]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'demo' or m.startswith('demo.')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=etl_dir.parent
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def _fast_generator(out_dir: Path, **_options) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "edubasealldata20240901.csv").write_text("URN\n", encoding="utf-8")
    return [out_dir / "edubasealldata20240901.csv"]


def test_demo_data_is_written_once_and_only_where_the_council_has_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import demo

    monkeypatch.setattr(demo, "generate_demo", _fast_generator)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("Drop files here", encoding="utf-8")  # not a data file
    messages: list[str] = []
    assert demo.ensure_demo_data(raw, messages.append) is True
    assert (raw / "demo" / "edubasealldata20240901.csv").is_file()
    assert messages == [f"No data files in {raw}: generating demo data in {raw / 'demo'}"]
    assert [p.name for p in raw.iterdir() if p.name.startswith(".")] == []  # no partial left
    assert demo.ensure_demo_data(raw) is False  # already there

    council = tmp_path / "council"
    (council / "from_dfe").mkdir(parents=True)
    (council / "from_dfe" / "spc.csv").write_text("urn\n1\n", encoding="utf-8")
    assert demo.ensure_demo_data(council) is False
    assert not (council / "demo").exists()


def test_python_m_demo_if_no_data_writes_the_demo_files_a_build_then_uses(
    etl_data_dir: Path,
) -> None:
    """What scripts/start runs on a fresh checkout before ``python -m etl build``."""
    repo = Path(__file__).resolve().parents[1]
    first = subprocess.run(
        [sys.executable, "-m", "demo", "--if-no-data"], capture_output=True, text=True, cwd=repo
    )
    assert first.returncode == 0, first.stderr
    assert "generating demo data" in first.stdout
    demo_files = etl_data_dir / "raw" / "demo"
    assert (demo_files / "edubasealldata20240901.csv").is_file()
    again = subprocess.run(
        [sys.executable, "-m", "demo", "--if-no-data"], capture_output=True, text=True, cwd=repo
    )
    assert (again.returncode, again.stdout) == (0, "")
    from etl.build import resolve_inputs

    assert resolve_inputs(etl_data_dir / "raw")[::2] == (demo_files, "demo")


def test_the_demo_writes_every_statistical_neighbour_of_the_council() -> None:
    """demo.sen2 keeps the codes, names and regions the SEN2 files need; the codes must be
    those of the reference sets (data/reference), both years, so the board has neighbours."""
    from contract import neighbours
    from demo.sen2 import NEIGHBOURS as SEN2_NEIGHBOURS

    wanted = set()
    for year in (2022, 2026):
        wanted |= set(neighbours.neighbours_of(931, year).codes)
    assert {code for code, *_ in SEN2_NEIGHBOURS} == wanted
