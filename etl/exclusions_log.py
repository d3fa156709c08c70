"""The council's exclusions log: one row per suspension or permanent exclusion -> the
school x year x reason and school x year x pupil characteristic tables.

Schools must tell the council of every suspension and permanent exclusion, so the log is
the only source of a school's reasons and pupil groups (the DfE publishes those for the
LA, region and England only) and of the years the DfE has not yet published. Pupil-level
rows never reach the warehouse: ``normalise`` reads each row's type and characteristics
(warning where a value is not recognised; the event still counts, as "Unknown"),
``aggregate`` counts events per school, year and category, and pupils with one or more
suspensions from the optional pseudonymous ``Pupil reference``.

Every category of every group is written for every school and year of the DfE's
exclusions table in the years the log covers (zero where nothing happened), so an area's
rates by group have every school's pupils in the denominator. Headcounts by group come from
the census where it gives them: FSM eligibility (pupils), SEN provision (sen) and NC year
(pupils_year_group); the census file read here has none by sex or ethnicity, so those
rates are not available.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .readers import SOURCE_ROW
from .sources import REASON_COLUMNS, SEN_PROVISION_SPELLINGS
from .validate import FileResult

PERMANENT, SUSPENSION = "perm_excl", "susp"
UNKNOWN = "Unknown"

#: (group, categories) in the order pages show them; the labels the warehouse stores.
GROUPS: dict[str, tuple[str, ...]] = {
    "Gender": ("Boys", "Girls"),
    "SEN provision": ("EHC plan", "SEN support", "No SEN"),
    "FSM eligibility": ("FSM eligible", "Not FSM eligible"),
    "Ethnicity major": ("White", "Mixed", "Asian", "Black", "Other", "Unclassified"),
    "NC year": (
        "Reception",
        *(f"Year {n}" for n in range(1, 15)),
    ),
}
#: The log column each group is read from.
GROUP_COLUMN = {
    "Gender": "sex",
    "SEN provision": "sen_provision",
    "FSM eligibility": "fsm",
    "Ethnicity major": "ethnicity",
    "NC year": "nc_year",
}
_REASON_LABELS = {label.lower(): label for label, _since in REASON_COLUMNS.values()}


def _type(text: str) -> str | None:
    t = text.strip().lower()
    if "perm" in t:
        return PERMANENT
    if "susp" in t or "fixed" in t:
        return SUSPENSION
    return None


def _sex(t: str) -> str | None:
    return {"m": "Boys", "male": "Boys", "boy": "Boys", "boys": "Boys", "f": "Girls",
            "female": "Girls", "girl": "Girls", "girls": "Girls"}.get(t)  # fmt: skip


_SEN = dict(SEN_PROVISION_SPELLINGS)


def _sen(t: str) -> str | None:
    return _SEN.get(t)


def _fsm(t: str) -> str | None:
    if t in {"yes", "y", "true", "1", "fsm", "fsm eligible", "eligible"}:
        return "FSM eligible"
    if t in {"no", "n", "false", "0", "not fsm eligible", "not eligible"}:
        return "Not FSM eligible"
    return None


def _ethnicity(t: str) -> str | None:
    for prefix, label in (("white", "White"), ("mixed", "Mixed"), ("asian", "Asian"),
                          ("black", "Black"), ("chinese", "Other"), ("any other", "Other"),
                          ("other", "Other"), ("unclassified", "Unclassified"),
                          ("refused", "Unclassified"), ("not obtained", "Unclassified")):  # fmt: skip
        if t.startswith(prefix):
            return label
    return None


def _nc_year(t: str) -> str | None:
    if t in {"r", "rec", "reception", "year r"}:
        return "Reception"
    match = re.fullmatch(r"(?:year|yr|y)?\s*0?(\d{1,2})", t)
    if match and 1 <= int(match.group(1)) <= 14:
        return f"Year {int(match.group(1))}"
    return None


_READERS = {
    "Gender": _sex,
    "SEN provision": _sen,
    "FSM eligibility": _fsm,
    "Ethnicity major": _ethnicity,
    "NC year": _nc_year,
}


def normalise(result: FileResult) -> None:
    """Each row's type, academic year, reason and categories; a row whose type is not a
    suspension or permanent exclusion, or has no date, is rejected (file, row, column)."""
    rows = result.rows
    if rows.empty:
        return
    kind = rows["type"].fillna("").astype("str").map(_type)
    bad = kind.isna().to_numpy(dtype=bool)
    if bad.any():
        lines = rows.loc[bad, SOURCE_ROW].to_numpy()
        raw = result.raw_names.get("type", "Type")
        values = rows.loc[bad, "type"].astype("str").tolist()
        result.issues.add(
            lines,
            raw,
            values,
            "unknown_type",
            [
                f"{result.file} row {line}, column '{raw}': '{value}' is neither a suspension "
                "nor a permanent exclusion"
                for line, value in zip(lines, values, strict=True)
            ],
        )
    rows = rows[~bad].copy()
    rows["kind"] = kind[~bad].to_numpy()
    date = pd.to_datetime(rows["date"], errors="coerce")
    start_year = np.where(date.dt.month >= 9, date.dt.year, date.dt.year - 1)
    rows["time_period"] = (start_year * 100 + (start_year + 1) % 100).astype("int64")
    reason = rows["reason"].fillna("").astype("str").str.strip()
    rows["reason"] = reason.str.lower().map(_REASON_LABELS).fillna(reason)
    for group, column in GROUP_COLUMN.items():
        text = (
            rows[column].fillna("").astype("str").str.strip().str.lower()
            if column in rows
            else pd.Series("", index=rows.index)
        )
        read = text.map(_READERS[group])
        unknown = read.isna() & text.ne("")
        if unknown.any():
            raw = result.raw_names.get(column, column)
            first = rows.loc[unknown, SOURCE_ROW].iloc[0]
            shown = rows.loc[unknown, column].astype("str")
            result.issues.add(
                [first],
                raw,
                [shown.iloc[0]],
                "unknown_category",
                f"{result.file} row {first}, column '{raw}': '{shown.iloc[0]}' and "
                f"{int(unknown.sum()) - 1:,} other cells are not a {group} category "
                f"({', '.join(GROUPS[group])}): those events count as {UNKNOWN}",
                "warning",
            )
        rows[group] = read.fillna(UNKNOWN).to_numpy()
    result.rows = rows.reset_index(drop=True)


def _grid(school_years: pd.DataFrame, labels: list[tuple[str, ...]], names: list[str]):
    categories = pd.DataFrame(labels, columns=names)
    return school_years.merge(categories, how="cross")


def aggregate(
    log: pd.DataFrame,
    exclusions: pd.DataFrame,
    pupils: pd.DataFrame,
    sen: pd.DataFrame,
    year_groups: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(exclusions_reason rows, exclusions_characteristic rows) from the normalised log."""
    if log.empty:
        return pd.DataFrame(), pd.DataFrame()
    years = sorted(log["time_period"].unique())
    school_years = pd.concat(
        [
            exclusions.loc[exclusions["time_period"].isin(years), ["time_period", "urn"]]
            if not exclusions.empty
            else pd.DataFrame(columns=["time_period", "urn"]),
            log[["time_period", "urn"]],
        ],
        ignore_index=True,
    ).drop_duplicates()
    school_years = school_years.astype({"time_period": "int64", "urn": "int64"})
    events = log.astype({"urn": "int64"})
    kinds = events["kind"]
    source_file = events.groupby(["time_period", "urn"])["source_file"].first()
    first_line = events.groupby(["time_period", "urn"])[SOURCE_ROW].min()

    # Reasons: every reason used that year, for every school.
    reasons = sorted(events["reason"].unique())
    counts = events.groupby(["time_period", "urn", "reason", "kind"]).size().unstack(fill_value=0)
    reason_rows = _grid(school_years, [(r,) for r in reasons], ["reason"])
    reason_rows = reason_rows.merge(
        counts.reset_index(), on=["time_period", "urn", "reason"], how="left"
    )
    for kind in (PERMANENT, SUSPENSION):
        if kind not in reason_rows:
            reason_rows[kind] = 0
        reason_rows[kind] = reason_rows[kind].fillna(0).astype("int64")

    # Characteristics: each group's categories (and Unknown where used).
    parts = []
    for group in GROUPS:
        labels = list(GROUPS[group])
        if events[group].eq(UNKNOWN).any():
            labels.append(UNKNOWN)
        by = events.groupby(["time_period", "urn", group, "kind"]).size().unstack(fill_value=0)
        grid = _grid(school_years, [(group, c) for c in labels],
                     ["characteristic_group", "characteristic"])  # fmt: skip
        grid = grid.merge(
            by.reset_index().rename(columns={group: "characteristic"}),
            on=["time_period", "urn", "characteristic"],
            how="left",
        )
        suspended = events[kinds.eq(SUSPENSION)]
        if "pupil_ref" in events and events["pupil_ref"].notna().any():
            pupils_once = (
                suspended.dropna(subset=["pupil_ref"])
                .groupby(["time_period", "urn", group])["pupil_ref"]
                .nunique()
                .rename("one_plus_susp")
                .reset_index()
                .rename(columns={group: "characteristic"})
            )
            grid = grid.merge(pupils_once, on=["time_period", "urn", "characteristic"],
                              how="left")  # fmt: skip
            grid["one_plus_susp"] = grid["one_plus_susp"].fillna(0)
        else:
            grid["one_plus_susp"] = np.nan
            grid["one_plus_susp_flag"] = "x"
        parts.append(grid)
    characteristic_rows = pd.concat(parts, ignore_index=True)
    for kind in (PERMANENT, SUSPENSION):
        if kind not in characteristic_rows:
            characteristic_rows[kind] = 0
        characteristic_rows[kind] = characteristic_rows[kind].fillna(0)
    characteristic_rows["headcount"] = _group_headcounts(
        characteristic_rows, pupils, sen, year_groups
    )
    characteristic_rows["headcount_flag"] = np.where(
        characteristic_rows["headcount"].isna(), "x", None
    )
    for frame in (reason_rows, characteristic_rows):
        frame["source_file"] = frame.set_index(["time_period", "urn"]).index.map(source_file)
        # a school-year with no events is the log's word too (its first file's)
        frame["source_file"] = frame["source_file"].fillna(events["source_file"].iloc[0])
        # the school-year's first event in the log; 0 for a school-year with none
        lines = frame.set_index(["time_period", "urn"]).index.map(first_line)
        frame[SOURCE_ROW] = pd.Series(lines, index=frame.index).fillna(0).astype("int64")
    return reason_rows, characteristic_rows


def _group_headcounts(
    rows: pd.DataFrame, pupils: pd.DataFrame, sen: pd.DataFrame, year_groups: pd.DataFrame
) -> pd.Series:
    """Pupils in each category from the census, where the census gives them."""
    key = ["time_period", "urn"]
    known = []
    if not pupils.empty and {"headcount", "fsm_eligible"} <= set(pupils):
        p = pupils[[*key, "headcount", "fsm_eligible"]].astype({"urn": "int64"})
        known.append(p.assign(characteristic="FSM eligible", n=p["fsm_eligible"]))
        known.append(
            p.assign(characteristic="Not FSM eligible", n=p["headcount"] - p["fsm_eligible"])
        )
    if not sen.empty and {"total_pupils", "sen_support", "ehc_plan"} <= set(sen):
        s = sen[[*key, "total_pupils", "sen_support", "ehc_plan"]].astype({"urn": "int64"})
        known.append(s.assign(characteristic="EHC plan", n=s["ehc_plan"]))
        known.append(s.assign(characteristic="SEN support", n=s["sen_support"]))
        known.append(s.assign(characteristic="No SEN",
                              n=s["total_pupils"] - s["sen_support"] - s["ehc_plan"]))  # fmt: skip
    if not year_groups.empty and {"year_group", "headcount"} <= set(year_groups):
        y = year_groups[[*key, "year_group", "headcount"]].astype({"urn": "int64"})
        known.append(y.assign(characteristic=y["year_group"], n=y["headcount"]))
    if not known:
        return pd.Series(np.nan, index=rows.index)
    table = pd.concat([k[[*key, "characteristic", "n"]] for k in known], ignore_index=True)
    table = table.drop_duplicates([*key, "characteristic"])
    merged = rows[[*key, "characteristic"]].merge(table, on=[*key, "characteristic"], how="left")
    return pd.Series(pd.to_numeric(merged["n"], errors="coerce").to_numpy(), index=rows.index)
