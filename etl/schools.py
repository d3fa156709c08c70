"""School dimension tables: schools (with lineage and lat/lon), links, membership and
school_year (each school-year's partnership and locality as at the January census)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .geo import bng_to_lat_lon
from .readers import SOURCE_ROW

#: When lineages would loop (bad links), stop following after this many steps.
MAX_LINEAGE_STEPS = 64
#: Census day: 15 January of the spring term of the academic year.
CENSUS_MONTH, CENSUS_DAY = 1, 15

_PHASE_FROM_EES = {
    "state-funded nursery": "Nursery",
    "state-funded primary": "Primary",
    "state-funded secondary": "Secondary",
    "state-funded special school": "Special",
    "special": "Special",
    "state-funded ap school": "Alternative provision",
    "pupil referral unit": "Alternative provision",
}
_PHASE_FROM_GIAS = {
    "nursery": "Nursery",
    "primary": "Primary",
    "middle deemed primary": "Primary",
    "secondary": "Secondary",
    "middle deemed secondary": "Secondary",
    "all-through": "All-through",
    "16 plus": "16 plus",
}


def school_phase(phase_gias: pd.Series, establishment_type: pd.Series) -> pd.Series:
    """A short phase for grouping: special and AP by type, else GIAS phase of education."""
    kind = establishment_type.fillna("").str.lower()
    phase = phase_gias.fillna("").str.strip()
    mapped = phase.str.lower().map(_PHASE_FROM_GIAS)
    result = np.select(
        [
            kind.str.contains("special", regex=False).to_numpy(dtype=bool),
            (
                kind.str.contains("pupil referral", regex=False)
                | kind.str.contains("alternative provision", regex=False)
            ).to_numpy(dtype=bool),
            mapped.notna().to_numpy(dtype=bool),
            phase.ne("").to_numpy(dtype=bool),
        ],
        [
            "Special",
            "Alternative provision",
            mapped.to_numpy(dtype=object),
            phase.to_numpy(dtype=object),
        ],
        None,
    )
    return pd.Series(result, index=phase_gias.index, dtype="str")


# --------------------------------------------------------------------------------------
# Lineage
# --------------------------------------------------------------------------------------


def successor_map(links: pd.DataFrame) -> pd.Series:
    """urn -> its direct successor, from Successor links and reversed Predecessor links.
    A school with several successors (a split) follows the latest link, then highest URN."""
    if links.empty:
        return pd.Series(dtype="Int64")
    kind = links["link_type"].str.strip().str.lower()
    forward = links[kind.str.startswith("successor").to_numpy(dtype=bool)]
    backward = links[kind.str.startswith("predecessor").to_numpy(dtype=bool)]
    edges = pd.concat(
        [
            pd.DataFrame(
                {"old": forward["urn"], "new": forward["link_urn"], "date": forward["link_date"]}
            ),
            pd.DataFrame(
                {"old": backward["link_urn"], "new": backward["urn"], "date": backward["link_date"]}
            ),
        ],
        ignore_index=True,
    )
    edges = edges.dropna(subset=["old", "new"])
    edges = edges[edges["old"] != edges["new"]]
    edges = edges.sort_values(
        ["old", "date", "new"], ascending=[True, False, False], na_position="last"
    )
    edges = edges.drop_duplicates("old", keep="first")
    return pd.Series(edges["new"].to_numpy(), index=edges["old"].to_numpy(), dtype="Int64")


def lineage(urns: pd.Series, successors: pd.Series) -> pd.Series:
    """Each URN's latest successor (itself when it has none), following chains."""
    current = urns.astype("Int64").reset_index(drop=True)
    if successors.empty:
        return pd.Series(current.to_numpy(), index=urns.index, dtype="Int64")
    for _ in range(MAX_LINEAGE_STEPS):
        following = current.map(successors)
        moved = following.notna() & following.ne(current).fillna(False)
        if not moved.any():
            break
        current = current.where(~moved, following)
    return pd.Series(current.to_numpy(), index=urns.index, dtype="Int64")


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def build_schools(gias: pd.DataFrame, successors: pd.Series) -> pd.DataFrame:
    """GIAS rows of the LA -> the ``schools`` table."""
    schools = gias.copy()
    la_code = pd.to_numeric(schools["la_code"], errors="coerce")
    schools["laestab"] = (la_code * 10000 + schools["estab_number"].astype("float")).astype("Int64")
    schools["phase"] = school_phase(schools["phase_gias"], schools["establishment_type"])
    lat, lon = bng_to_lat_lon(
        schools["easting"].to_numpy(dtype=float), schools["northing"].to_numpy(dtype=float)
    )
    schools["lat"], schools["lon"] = lat, lon
    schools["lineage_urn"] = lineage(schools["urn"], successors)
    return schools


def census_date(time_period: pd.Series) -> pd.Series:
    """15 January of the spring year: 202324 -> 2024-01-15."""
    spring = (time_period.astype("int64") // 100) + 1
    return pd.to_datetime(
        pd.DataFrame({"year": spring, "month": CENSUS_MONTH, "day": CENSUS_DAY})
    ).astype("datetime64[us]")


def _spell_on(candidates: pd.DataFrame) -> pd.DataFrame:
    """Spells covering the census date; the latest-starting one per school-year."""
    start = candidates["start_date"]
    end = candidates["end_date"]
    on = (start.isna() | (start <= candidates["census"])) & (
        end.isna() | (end >= candidates["census"])
    )
    covering = candidates[on.to_numpy(dtype=bool)]
    covering = covering.sort_values(
        ["time_period", "urn", "start_date", "partnership"], na_position="first", kind="stable"
    )
    return covering.drop_duplicates(["time_period", "urn"], keep="last")


def partnership_on_census_day(
    school_years: pd.DataFrame, membership: pd.DataFrame, successors: pd.Series
) -> pd.DataFrame:
    """Partnership and locality per (time_period, urn): by URN, then by lineage URN."""
    keys = school_years[["time_period", "urn", "lineage_urn"]].copy()
    keys["census"] = census_date(keys["time_period"])
    spells = membership[["urn", "partnership", "locality", "start_date", "end_date"]].copy()
    spells["m_lineage"] = lineage(spells["urn"], successors)
    direct = _spell_on(keys.merge(spells.drop(columns="m_lineage"), on="urn"))
    found = direct[["time_period", "urn", "partnership", "locality"]]
    rest = keys.merge(found[["time_period", "urn"]], how="left", indicator=True)
    rest = rest[rest["_merge"].eq("left_only").to_numpy()].drop(columns="_merge")
    by_lineage = rest.merge(spells.drop(columns="urn"), left_on="lineage_urn", right_on="m_lineage")
    by_lineage = _spell_on(by_lineage)[["time_period", "urn", "partnership", "locality"]]
    return pd.concat([found, by_lineage], ignore_index=True)


def _first_rows(part: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """The rows of one fact table that build_school_year can use: per school-year the
    first row (by file, then line), and the first with a school name or a phase. Nationally
    this cuts millions of breakdown rows to one or two per school-year before sorting."""
    codes, names = pd.factorize(part["source_file"])
    files = np.argsort(np.argsort(np.asarray(names, dtype=object)))[codes]  # name order
    lines = part[SOURCE_ROW].to_numpy()
    same_file = files[1:] == files[:-1]
    in_order = bool(np.all((files[1:] > files[:-1]) | (same_file & (lines[1:] > lines[:-1]))))
    if not in_order:
        part = part.sort_values(["source_file", SOURCE_ROW], kind="stable")
    key = ["time_period", "urn"]
    wanted = ~part.duplicated(key).to_numpy()
    for column in extra:
        given = part[column].notna().to_numpy()
        first_given = np.zeros(len(part), bool)
        first_given[given] = ~part[given].duplicated(key).to_numpy()
        wanted |= first_given
    return part[wanted]


def build_school_year(
    facts: dict[str, pd.DataFrame],
    schools: pd.DataFrame,
    membership: pd.DataFrame,
    successors: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every (time_period, urn) in any fact table, with lineage, name, phase, partnership
    and locality. Also returns the first fact row of each school-year in no partnership
    (``source_file``, ``source_row``, ``urn``, ``time_period``) for the warnings."""
    parts = []
    for order, frame in enumerate(facts.values()):
        if frame.empty:
            continue
        columns = ["time_period", "urn", "source_file", SOURCE_ROW]
        extra = [c for c in ("school_name", "phase_type_grouping") if c in frame]
        part = _first_rows(frame[columns + extra], extra)
        part["_table"] = order
        parts.append(part)
    if not parts:
        empty = pd.DataFrame(
            columns=[
                "time_period",
                "urn",
                "lineage_urn",
                "school_name",
                "phase",
                "partnership",
                "locality",
            ]
        )
        return empty, pd.DataFrame(columns=["source_file", SOURCE_ROW, "urn", "time_period"])
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.sort_values(
        ["time_period", "urn", "_table", "source_file", SOURCE_ROW], kind="stable"
    )
    first = rows.drop_duplicates(["time_period", "urn"], keep="first").reset_index(drop=True)

    by_urn = schools.set_index("urn")
    known = first["urn"].isin(by_urn.index)
    school_years = first[["time_period", "urn"]].copy()
    school_years["lineage_urn"] = first["urn"].map(by_urn["lineage_urn"])
    missing_lineage = school_years["lineage_urn"].isna()
    school_years.loc[missing_lineage, "lineage_urn"] = lineage(
        first.loc[missing_lineage, "urn"], successors
    )
    # Names: GIAS first; a school missing from GIAS keeps the name its data gave.
    fact_names = rows.dropna(subset=["school_name"]) if "school_name" in rows else rows.iloc[0:0]
    fact_name = fact_names.drop_duplicates(["time_period", "urn"])
    fact_name = first[["time_period", "urn"]].merge(
        fact_name[["time_period", "urn", "school_name"]]
        if len(fact_name)
        else pd.DataFrame(columns=["time_period", "urn", "school_name"]),
        how="left",
        on=["time_period", "urn"],
    )["school_name"]
    school_years["school_name"] = (
        first["urn"].map(by_urn["school_name"]).where(known, fact_name.to_numpy())
    )
    phase = first["urn"].map(by_urn["phase"])
    if "phase_type_grouping" in rows:
        ees_phase = (
            rows.dropna(subset=["phase_type_grouping"]).drop_duplicates("urn").set_index("urn")
        )
        fallback = first["urn"].map(
            ees_phase["phase_type_grouping"].str.lower().map(_PHASE_FROM_EES)
        )
        phase = phase.where(known, fallback)
    school_years["phase"] = phase.astype("str")

    partnerships = partnership_on_census_day(school_years, membership, successors)
    school_years = school_years.merge(partnerships, how="left", on=["time_period", "urn"])
    none = school_years["partnership"].isna().to_numpy()
    orphans = first.loc[none, ["source_file", SOURCE_ROW, "urn", "time_period"]]
    return school_years, orphans.reset_index(drop=True)


def current_locality(
    schools: pd.DataFrame, membership: pd.DataFrame, successors: pd.Series
) -> pd.Series:
    """Each school's locality today: its open (else latest) spell, by URN then lineage."""
    if membership.empty:
        return pd.Series(None, index=schools.index, dtype="str")
    spells = membership.assign(
        is_open=membership["end_date"].isna(), m_lineage=lineage(membership["urn"], successors)
    ).sort_values(["is_open", "start_date", "partnership"], na_position="first", kind="stable")
    by_urn = spells.drop_duplicates("urn", keep="last").set_index("urn")["locality"]
    by_lineage = spells.drop_duplicates("m_lineage", keep="last").set_index("m_lineage")["locality"]
    direct = schools["urn"].map(by_urn)
    return direct.fillna(schools["lineage_urn"].map(by_lineage))


def membership_overlaps(membership: pd.DataFrame) -> pd.DataFrame:
    """Spells of one URN that start before an earlier spell of that URN ends."""
    if membership.empty:
        return membership
    spells = membership.sort_values(["urn", "start_date", SOURCE_ROW], na_position="first")
    urn = spells["urn"].to_numpy(dtype="int64")
    same_school = np.r_[False, urn[1:] == urn[:-1]]
    previous_end = spells["end_date"].shift(1)
    start = spells["start_date"]
    starts_inside = (previous_end.isna() | start.isna() | (start <= previous_end)).to_numpy(
        dtype=bool
    )
    return spells[same_school & starts_inside]


def distinct_partnerships(membership: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A partnership is (locality, name): one name used in two localities at once is two
    partnerships. The warehouse and the query layer key a partnership by its name alone
    (areas, URLs, packs), so each such partnership takes its locality into its name:
    'Central (Banbury)' and 'Central (Oxford)', never one merged partnership. A name whose
    locality changes over time (spells that do not overlap) stays one partnership.

    Returns the membership and one row per name split (``partnership``, ``localities``,
    ``renamed``, and the ``source_file`` / ``source_row`` of its first spell) to warn by.
    """
    columns = ["partnership", "localities", "renamed", "source_file", SOURCE_ROW]
    none = pd.DataFrame(columns=columns)
    if membership.empty:
        return membership, none
    spells = membership[membership["locality"].notna().to_numpy(dtype=bool)]
    counts = spells.groupby("partnership")["locality"].nunique()
    candidates = spells[spells["partnership"].isin(counts[counts > 1].index).to_numpy()]
    if candidates.empty:
        return membership, none
    pairs = candidates.merge(candidates, on="partnership")
    pairs = pairs[(pairs["locality_x"] < pairs["locality_y"]).to_numpy(dtype=bool)]
    # open ends: a blank Joined is "from the start", a blank Left "still a member"
    overlap = (
        pairs["start_date_x"].isna()
        | pairs["end_date_y"].isna()
        | (pairs["start_date_x"] <= pairs["end_date_y"])
    ) & (
        pairs["start_date_y"].isna()
        | pairs["end_date_x"].isna()
        | (pairs["start_date_y"] <= pairs["end_date_x"])
    )
    clashing = sorted(set(pairs.loc[overlap.to_numpy(dtype=bool), "partnership"]))
    if not clashing:
        return membership, none
    membership = membership.copy()
    split = membership["partnership"].isin(clashing) & membership["locality"].notna()
    split = split.to_numpy(dtype=bool)
    membership.loc[split, "partnership"] = (
        membership.loc[split, "partnership"] + " (" + membership.loc[split, "locality"] + ")"
    )
    rows = []
    for name in clashing:
        mine = candidates[candidates["partnership"].eq(name).to_numpy()]
        first = mine.sort_values(["source_file", SOURCE_ROW]).iloc[0]
        localities = sorted(mine["locality"].unique())
        renamed = [f"{name} ({locality})" for locality in localities]
        rows.append((name, localities, renamed, first["source_file"], first[SOURCE_ROW]))
    return membership, pd.DataFrame(rows, columns=columns)
