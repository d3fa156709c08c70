"""Demo exclusions files in the DfE's real layouts, and the council's exclusions log.

What a council downloads (shared/real/headers/ees-pages/exclusions_school_level_headers.md):

- ``FULL_YEAR``: the 2020/21 release's "by school and geographic level" file (National,
  Regional, LA rows once per ``school_type`` and as ``Total``; School rows with URN,
  LAESTAB, name, trust; ``suspension``), here for the years to 2020/21;
- ``TERMLY``: the 2023/24 release's "by term school level" file (School rows only, an
  Autumn, Spring and Summer row per school and year, ``education_phase``, ``trust_name``),
  here from 2021/22 (the years no full-year school file covers);
- ``GEOGRAPHY``: the full-year "by geography" file (LA, Regional, National rows per
  ``education_phase`` and ``Total``), here from 2021/22;
- ``REASONS``: reasons for the LA, region and England as wide columns (``perm_<reason>``,
  ``susp_<reason>``, the 2020/21 release's spelling; the ``*_all`` and ``*_perc`` columns
  that page lists are left out: their exact names are not visible in the header copies);
- ``CHARACTERISTICS``: the full-year LA-level file by pupil characteristic (2023/24
  layout: ``new_la_code`` before ``old_la_code``), Total phase only;
- ``LOG``: the council's exclusions log (README, "Council exclusions log"): one row per
  suspension or permanent exclusion in the county's schools, every year.

The log is simulated first (dates, reasons, pupils and their characteristics) from the
demo's counts per school and year, so the DfE files and the log agree on every school's
totals; terms follow the log's dates in the county, and a drawn split elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

FULL_YEAR = "permanent_exclusions_and_suspensions_by_school_and_geographic_level.csv"
TERMLY = "suspensions_and_permanent_exclusions_by_term_school_level.csv"
GEOGRAPHY = "suspensions_and_permanent_exclusions_by_geography.csv"
REASONS = "exclusions_by_reason.csv"
CHARACTERISTICS = "exclusions_by_characteristic.csv"
LOG = "council_exclusions_log.csv"
#: The first academic year (start year) written by term rather than as a full year.
TERMLY_FROM = 2021

FULL_YEAR_HEADER = [
    "time_identifier", "time_period", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "estab",
    "school_laestab", "school_urn", "school_name", "trust", "academy_type",
    "academy_open_date", "school_type", "num_schools", "headcount", "perm_excl",
    "perm_excl_rate", "suspension", "susp_rate", "one_plus_susp", "one_plus_susp_rate",
]  # fmt: skip
TERMLY_HEADER = [
    "time_identifier", "time_period", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "estab",
    "school_laestab", "school_urn", "school_name", "trust_name", "academy_type",
    "academy_open_date", "education_phase", "headcount", "perm_excl", "perm_excl_rate",
    "suspension", "susp_rate", "one_plus_susp", "one_plus_susp_rate",
]  # fmt: skip
GEOGRAPHY_HEADER = [
    "time_identifier", "time_period", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "education_phase",
    "num_schools", "headcount", "perm_excl", "perm_excl_rate", "suspension", "susp_rate",
    "one_plus_susp", "one_plus_susp_rate",
]  # fmt: skip
CHARACTERISTICS_HEADER = [
    "time_identifier", "time_period", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "new_la_code", "old_la_code", "la_name", "education_phase",
    "characteristic_group", "characteristic", "headcount", "perm_excl", "perm_excl_rate",
    "suspension", "susp_rate", "one_plus_susp", "one_plus_susp_rate",
]  # fmt: skip
LOG_HEADER = ["URN", "Date", "Type", "Reason", "Pupil reference", "SEN provision",
              "FSM eligible", "Sex", "Ethnicity", "NC year"]  # fmt: skip
TERMS = ("Autumn term", "Spring term", "Summer term")
#: Term starts and lengths in days (the log's dates fall inside them).
TERM_DAYS = ((dt.date(2000, 9, 4), 105), (dt.date(2001, 1, 3), 85), (dt.date(2001, 4, 16), 95))
TERM_SHARE = np.array([0.36, 0.36, 0.28])

#: The log's spellings of each category, as a school information system exports them.
LOG_VALUES = {
    "Gender": {"Boys": "M", "Girls": "F"},
    "SEN provision": {"EHC plan": "EHC plan", "SEN support": "SEN support", "No SEN": "No SEN"},
    "FSM eligibility": {"FSM eligible": "Yes", "Not FSM eligible": "No"},
    "Ethnicity major": {"White": "White", "Mixed": "Mixed / Multiple ethnic groups",
                        "Asian": "Asian or Asian British", "Black": "Black or Black British",
                        "Other": "Any other ethnic group", "Unclassified": "Unclassified"},
}  # fmt: skip


def write_exclusion_files(
    out_dir: Path,
    panel: pd.DataFrame,
    facts: dict,
    register: pd.DataFrame,
    las: pd.DataFrame,
    regions: list[tuple[str, str]],
    kinds: dict,
    characteristics: list[tuple[str, str]],
    groups: dict[str, slice],
    reasons: list[str],
    reason_keys: dict[str, str],
    seed: int,
) -> list[Path]:
    """Write the six files; returns their paths."""
    rows = np.flatnonzero(facts["in_exclusions"])
    year = panel["year"].to_numpy()[rows]
    la = panel["la"].to_numpy()[rows]
    reg = panel["reg"].to_numpy()[rows]
    phase = register["kind"].map({k: v.school_type for k, v in kinds.items()}).to_numpy()[reg]
    schools = pd.DataFrame({
        "year": year, "la": la, "region": las["region"].to_numpy()[la],
        "urn": register["urn"].to_numpy()[reg], "laestab": register["laestab"].to_numpy()[reg],
        "name": register["name"].to_numpy()[reg], "phase": phase,
        "headcount": facts["excl_headcount"][rows], "perm_excl": facts["perm_excl"][rows],
        "suspension": facts["susp"][rows], "one_plus_susp": facts["one_plus_susp"][rows],
    })  # fmt: skip
    log, terms = _simulate_log(schools, rows, facts, characteristics, groups, reasons, las, seed)
    geo = _Geography(las, regions)
    paths = [
        _write_full_year(out_dir / FULL_YEAR, schools[schools["year"] < TERMLY_FROM], geo),
        _write_termly(out_dir / TERMLY, schools, terms, geo),
        _write_geography(out_dir / GEOGRAPHY, schools[schools["year"] >= TERMLY_FROM], geo),
        _write_reasons(out_dir / REASONS, schools, rows, facts, reasons, reason_keys, geo),
        _write_characteristics(
            out_dir / CHARACTERISTICS, schools, rows, facts, characteristics, geo
        ),  # fmt: skip
        _write_log(out_dir / LOG, log),
    ]
    return paths


class _Geography:
    def __init__(self, las: pd.DataFrame, regions: list[tuple[str, str]]) -> None:
        self.las = las
        self.regions = regions

    def standard(self, level: str, year: int, region: int = -1, la: int = -1) -> list[str]:
        period = str(year * 100 + (year + 1) % 100)
        out = ["Academic year", period, level, "E92000001", "England"]
        if level == "National":
            return [*out, "", "", "", "", ""]
        code, name = self.regions[region]
        if level == "Regional":
            return [*out, code, name, "", "", ""]
        row = self.las.iloc[la]
        return [*out, code, name, str(row["code"]), row["new_code"], row["name"]]


def _rate(numerator: float, denominator: float, scale: float = 100.0) -> str:
    if denominator == 0:
        return "z"
    value = round(scale * numerator / denominator, 5)
    return "low" if numerator > 0 and value == 0 else f"{value:g}"


def _areas(frame: pd.DataFrame, keys: list[str], counts: list[str]) -> pd.DataFrame:
    """National, Regional and LA sums of ``frame`` per ``keys``, per phase and Total."""
    parts = []
    for level, by in (("National", []), ("Regional", ["region"]), ("Local authority",
                                                                   ["region", "la"])):  # fmt: skip
        for phase_by in (["phase"], []):
            grouped = frame.groupby([*keys, *by, *phase_by])[counts].sum().reset_index()
            if not phase_by:
                grouped["phase"] = "Total"
            grouped["n"] = frame.groupby([*keys, *by, *phase_by]).size().to_numpy()
            parts.append(grouped.assign(level=level))
    areas = pd.concat(parts, ignore_index=True)
    for column in ("region", "la"):
        areas[column] = areas[column].fillna(-1).astype(int)
    order = {"National": 0, "Regional": 1, "Local authority": 2}
    areas["_level"] = areas["level"].map(order)
    areas["_phase"] = areas["phase"].ne("Total")
    return areas.sort_values([*keys, "_level", "region", "la", "_phase", "phase"], kind="stable")


def _measures(h: float, p: float, s: float, o: float) -> list[str]:
    """Headcount, then each count and its rate. Every school cell is published: the header
    copies show no withheld school-level count in the current files (their first rows are
    all published), so the demo withholds none; other files' withheld cells are tested."""
    return [str(int(h)), str(int(p)), _rate(p, h), str(int(s)), _rate(s, h), str(int(o)),
            _rate(o, h)]  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _write_full_year(path: Path, schools: pd.DataFrame, geo: _Geography) -> Path:
    counts = ["headcount", "perm_excl", "suspension", "one_plus_susp"]
    out: list[list[str]] = []
    areas = _areas(schools, ["year"], counts)
    for y in sorted(schools["year"].unique()):
        for a in areas[areas["year"].eq(y)].itertuples():
            out.append([*geo.standard(a.level, y, a.region, a.la), "", "", "", "", "z", "z",
                        "z", a.phase, str(a.n),
                        *_measures(a.headcount, a.perm_excl, a.suspension, a.one_plus_susp)])  # fmt: skip
        for s in schools[schools["year"].eq(y)].itertuples():
            out.append([*geo.standard("School", y, s.region, s.la), str(s.laestab % 10000),
                        str(s.laestab), str(s.urn), s.name, "", "", "", s.phase, "1",
                        *_measures(s.headcount, s.perm_excl, s.suspension, s.one_plus_susp)])  # fmt: skip
    return _write_csv(path, FULL_YEAR_HEADER, out)


def _write_termly(path: Path, schools: pd.DataFrame, terms: dict, geo: _Geography) -> Path:
    out: list[list[str]] = []
    recent = schools[schools["year"] >= TERMLY_FROM]
    for y in sorted(recent["year"].unique()):
        these = recent[recent["year"].eq(y)]
        for t, term in enumerate(TERMS):
            for s in these.itertuples():
                perm, susp, once = terms[(s.year, s.urn)][t]
                row = geo.standard("School", y, s.region, s.la)
                row[0] = term
                out.append([*row, str(s.laestab % 10000), str(s.laestab), str(s.urn), s.name,
                            "", "", "", s.phase,
                            *_measures(s.headcount, perm, susp, once)])  # fmt: skip
    return _write_csv(path, TERMLY_HEADER, out)


def _write_geography(path: Path, schools: pd.DataFrame, geo: _Geography) -> Path:
    counts = ["headcount", "perm_excl", "suspension", "one_plus_susp"]
    out = []
    for a in _areas(schools, ["year"], counts).itertuples():
        out.append([*geo.standard(a.level, a.year, a.region, a.la), a.phase, str(a.n),
                    *_measures(a.headcount, a.perm_excl, a.suspension, a.one_plus_susp)])  # fmt: skip
    return _write_csv(path, GEOGRAPHY_HEADER, out)


def _write_reasons(
    path: Path,
    schools: pd.DataFrame,
    rows: np.ndarray,
    facts: dict,
    reasons: list[str],
    reason_keys: dict[str, str],
    geo: _Geography,
) -> Path:
    perm = pd.DataFrame(
        facts["reason_perm"][rows], columns=[f"perm_{reason_keys[r]}" for r in reasons]
    )
    susp = pd.DataFrame(
        facts["reason_susp"][rows], columns=[f"susp_{reason_keys[r]}" for r in reasons]
    )
    frame = pd.concat(
        [schools[["year", "region", "la", "phase"]].reset_index(drop=True), perm, susp], axis=1
    )
    counts = [*perm.columns, *susp.columns]
    out = []
    for a in _areas(frame, ["year"], counts).itertuples(index=False):
        values = a._asdict()
        # the DfE rounds area reason counts to the nearest 5 and withholds under 5 ('x')
        cells = ["x" if 0 < values[c] < 5 else str(int(5 * round(values[c] / 5))) for c in counts]
        out.append([*geo.standard(values["level"], values["year"], values["region"], values["la"]),
                    values["phase"], *cells])  # fmt: skip
    header = ["time_identifier", "time_period", "geographic_level", "country_code",
              "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
              "la_name", "school_type", *counts]  # fmt: skip
    return _write_csv(path, header, out)


def _write_characteristics(
    path: Path,
    schools: pd.DataFrame,
    rows: np.ndarray,
    facts: dict,
    characteristics: list[tuple[str, str]],
    geo: _Geography,
) -> Path:
    out = []
    base = schools[["year", "region", "la"]].reset_index(drop=True)
    for i, (group, value) in enumerate(characteristics):
        frame = base.assign(
            headcount=facts["char_headcount"][rows, i], perm_excl=facts["char_perm"][rows, i],
            suspension=facts["char_susp"][rows, i], one_plus_susp=facts["char_one_plus"][rows, i],
        )  # fmt: skip
        for level, by in (("National", []), ("Regional", ["region"]),
                          ("Local authority", ["region", "la"])):  # fmt: skip
            grouped = frame.groupby(["year", *by])[["headcount", "perm_excl", "suspension",
                                                     "one_plus_susp"]].sum().reset_index()  # fmt: skip
            for a in grouped.itertuples():
                standard = geo.standard(
                    level, a.year, getattr(a, "region", -1), getattr(a, "la", -1)
                )
                # this layout has new_la_code before old_la_code
                standard[7], standard[8] = standard[8], standard[7]
                out.append([*standard, "Total", group, value,
                            *_measures(a.headcount, a.perm_excl, a.suspension, a.one_plus_susp)])  # fmt: skip
    out.sort(key=lambda r: (r[1], ["National", "Regional", "Local authority"].index(r[2])))
    return _write_csv(path, CHARACTERISTICS_HEADER, out)


def _simulate_log(
    schools: pd.DataFrame,
    rows: np.ndarray,
    facts: dict,
    characteristics: list[tuple[str, str]],
    groups: dict[str, slice],
    reasons: list[str],
    las: pd.DataFrame,
    seed: int,
) -> tuple[list[list[str]], dict]:
    """The county's events (one per suspension or permanent exclusion) and every school's
    term split: {(year, urn): [(perm, susp, one_plus) per term]}."""
    log: list[list[str]] = []
    terms: dict = {}
    labels = np.array([c for _g, c in characteristics], dtype=object)
    # each LA its own stream: what one LA draws never shifts another's (as demo.generator)
    streams = {
        la: np.random.default_rng([seed, int(las["code"].iloc[la]), 99])
        for la in sorted(schools["la"].unique())
    }
    for i, s in enumerate(schools.itertuples()):
        r = rows[i]
        rng = streams[s.la]
        perm, susp, once = int(s.perm_excl), int(s.suspension), int(s.one_plus_susp)
        county = s.la == 0
        if not county:
            p = rng.multinomial(perm, TERM_SHARE)
            q = rng.multinomial(susp, TERM_SHARE)
            terms[(s.year, s.urn)] = [(p[t], q[t], min(q[t], once)) for t in range(3)]
            continue
        # pupils: permanent exclusions one pupil each; `once` pupils share the suspensions
        pupil_attributes = {}
        for group, cols in groups.items():
            pupil_attributes[group] = (
                _draw_categories(facts["char_perm"][r, cols], labels[cols], perm, rng),
                _draw_categories(facts["char_one_plus"][r, cols], labels[cols], once, rng),
            )
        susp_pupil = np.r_[np.arange(once), rng.integers(0, max(once, 1), max(susp - once, 0))]
        susp_pupil = susp_pupil[:susp]
        event_term = np.r_[rng.choice(3, perm, p=TERM_SHARE), rng.choice(3, susp, p=TERM_SHARE)]
        reason = np.r_[
            _draw_categories(facts["reason_perm"][r], np.array(reasons, dtype=object), perm, rng),
            _draw_categories(facts["reason_susp"][r], np.array(reasons, dtype=object), susp, rng),
        ]
        split = []
        for t in range(3):
            in_term = event_term == t
            p_t = int(in_term[:perm].sum())
            s_t = int(in_term[perm:].sum())
            once_t = len(set(susp_pupil[in_term[perm:]].tolist()))
            split.append((p_t, s_t, once_t))
        terms[(s.year, s.urn)] = split
        for e in range(perm + susp):
            permanent = e < perm
            k = e if permanent else int(susp_pupil[e - perm])
            which = 0 if permanent else 1
            cells = {g: pupil_attributes[g][which][k] for g in groups}
            start, days = TERM_DAYS[int(event_term[e])]
            day = dt.date(s.year + (start.year - 2000), start.month, start.day) + dt.timedelta(
                days=int(rng.integers(0, days))
            )
            prefix = "P" if permanent else "S"
            nc = cells["NC year"]
            log.append([
                str(s.urn), day.strftime("%d/%m/%Y"),
                "Permanent exclusion" if permanent else "Suspension", str(reason[e]),
                f"{s.year}-{s.urn}-{prefix}{k + 1:03d}",
                LOG_VALUES["SEN provision"][cells["SEN provision"]],
                LOG_VALUES["FSM eligibility"][cells["FSM eligibility"]],
                LOG_VALUES["Gender"][cells["Gender"]],
                LOG_VALUES["Ethnicity major"][cells["Ethnicity major"]],
                "R" if nc == "Reception" else nc.removeprefix("Year "),
            ])  # fmt: skip
    log.sort(key=lambda row: (row[0], row[1][6:] + row[1][3:5] + row[1][:2]))
    return log, terms


def _draw_categories(
    counts: np.ndarray, labels: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """``n`` labels in random order, as many of each as ``counts`` says where they add up
    to ``n``, else drawn in proportion (or from all labels when every count is 0)."""
    counts = np.asarray(counts, dtype=np.int64)
    if n == 0:
        return np.array([], dtype=object)
    if counts.sum() == n:
        out = np.repeat(labels, counts)
    else:
        weights = counts.astype(float) if counts.sum() > 0 else np.ones(len(labels))
        out = rng.choice(labels, n, p=weights / weights.sum())
    return rng.permutation(out)


def _write_log(path: Path, log: list[list[str]]) -> Path:
    return _write_csv(path, LOG_HEADER, log)
