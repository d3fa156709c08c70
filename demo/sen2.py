"""Demo EHC plans (SEN2) files in the DfE's real layouts, for England, the regions, the demo's
LAs and Oxfordshire's DfE statistical neighbours.

- ``PUBLICATION``: the EHC plans publication to 2022 (``sen2_mi_sendap.csv``: snake-case
  names, every header cell quoted, ``z`` for a figure not collected, rates with twelve
  decimals), here calendar years 2015 to 2022 as the real file;
- ``TIMELINESS``: the 2026 release's ``timeliness_20_week.csv`` (breakdown rows, ``x`` for
  the columns the saved head leaves blank), 2019 onwards, so 2019-2022 are in both files,
  with the same figures, as in the real releases;
- ``CASELOAD``: the 2026 release's wide ``caseload.csv`` (placements in January by
  establishment type; academic years), the demo's academic years.

Only the ``All EHC plans`` breakdown is written: the other breakdowns' values are not
visible in the saved heads. The figures are invented; the layouts, codes and names are
the real ones (tests/test_demo_sen2.py compares the headers with the real files).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

PUBLICATION = "sen2_mi_sendap.csv"
TIMELINESS = "timeliness_20_week.csv"
CASELOAD = "caseload.csv"
PUBLICATION_YEARS = range(2015, 2023)
FIRST_TIMELINESS_YEAR = 2019

#: Oxfordshire's DfE statistical neighbours (2021 and 2025 sets), written whether or not the
#: demo has their schools: old code, new code, name, region (as the real SEN2 file names
#: them in 2022; the demo LAs among them as the demo's register codes them).
NEIGHBOURS: list[tuple[int, str, str, int]] = [
    (825, "E10000002", "Buckinghamshire", 7),
    (850, "E10000014", "Hampshire", 7),
    (937, "E10000031", "Warwickshire", 4),
    (873, "E10000003", "Cambridgeshire", 5),
    (919, "E10000015", "Hertfordshire", 5),
    (800, "E06000022", "Bath and North East Somerset", 8),
    (869, "E06000037", "West Berkshire", 7),
    (865, "E06000054", "Wiltshire", 8),
    (916, "E10000013", "Gloucestershire", 8),
    (867, "E06000036", "Bracknell Forest", 7),
    (938, "E10000032", "West Sussex", 7),
    (803, "E06000025", "South Gloucestershire", 8),
]

#: The real header of the EHC plans publication (shared/real/files/ees-sen2-la).
PUBLICATION_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,ass_nodecision,ass_nodecision_ehc,ass_none,"
    "ass_none_ehc,ass_none_ehc_pc,ass_refused,ass_refused_ehc,ass_refused_ehc_pc,"
    "assessment_mediation,assessment_tribunal,assessment_w,assessments,direct_pay_education,"
    "direct_pay_health,direct_pay_integrated,direct_pay_socialcare,discontinued_abroad,"
    "discontinued_age,discontinued_deceased,discontinued_employment,discontinued_unknown,"
    "discontinued_engage,discontinued_he,discontinued_lea,discontinued_lea_ehc,"
    "discontinued_lea_noncomp,discontinued_left,discontinued_left_ehc,discontinued_met,"
    "discontinued_met_ehc,discontinued_met_noncomp,discontinued_other,discontinued_other_ehc,"
    "discontinued_other_noncomp,discontinued_total,inc_exc_20week_ehc,inc_exc_20week_rate,"
    "inc_exc_26week,inreq_ehc,inreq_ehc_a,inreq_ehc_w,inreq_ehc_y,inreq_rya_ehc,"
    "mainstream_to_home,mainstream_to_home_ehc,mainstream_to_special,mainstream_to_special_ehc,"
    "new_all_ehc,new_all_ehc_ass_none_ehc_sum,new_all_ehc_pc,no_exc_20week_ehc,"
    "no_exc_20week_rate,no_exc_26week,org_arrangements,other_mediation,other_tribunal,"
    "total_tribunal,personal_budgets,request_mediation,request_tribunal,special_to_home,"
    "special_to_home_ehc,special_to_mainstream,special_to_mainstream_ehc,statements_no_ehc,"
    "statements_to_ehc,tot_inc_exc,tot_inc_exc_ehc,tot_no_exc,tot_no_exc_ehc,total_mediation,"
    "total_tribunal_followed_mediation,total_tribunal_pc"
).split(",")
#: The real header of the 2026 release's timeliness_20_week.csv.
TIMELINESS_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,plans_issued_den,"
    "plans_issued_den_ex,plans_issued_within_20_weeks,plans_issued_20_weeks_ex,"
    "pc_plans_issued_within_20_weeks,pc_plans_issued_20_weeks_ex,plans_issued_gt20weeks_ltyear,"
    "plans_issued_gt20weeks_ltyear_ex,pc_plans_issued_gt20weeks_ltyear,"
    "pc_plans_issued_gt20weeks_ltyear_ex,plans_issued_gt_1_year,plans_issued_gt_1_year_ex,"
    "pc_plans_issued_gt_1_year,pc_plans_issued_gt_1_year_ex,avg_weeks_issue_plan,"
    "avg_weeks_issue_plan_exc"
).split(",")
#: The real header of the 2026 release's caseload.csv.
CASELOAD_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehcplans,"
    "mainstream_la_maintained,mainstream_la_maintained_resourced_provision,"
    "mainstream_la_maintained_senunit,mainstream_academy,mainstream_academy_resourced_provision,"
    "mainstream_academy_senunit,mainstream_free_school,mainstream_free_school_resourced_provision,"
    "mainstream_free_school_senunit,mainstream_independent,mainstream_total,mainstream_total_pc,"
    "special_la_maintained,special_academy,special_free_school,special_independent,"
    "special_non_maintained,special_total,special_total_pc,ap_pru_academy,ap_pru_free_school,"
    "ap_pru_la_maintained,ap_pru_total,ap_pru_total_pc,general_fe_tertiary_colleges,"
    "specialist_post_16_institutions,ukrlp_provider,fe_total,fe_total_pc,elective_home_education,"
    "other_arrangements_la,other_arrangements_parents,online_provider,w_settings,other_schools,"
    "other_placement_settings,neet,neet_ntci,neet_other,neet_other_csa,ed_elsewhere,"
    "ed_elsewhere_pc,nm_early_years,nm_early_years_pc,placement_unknown,placement_unknown_pc,"
    "await_prov_2022,perm_ex_2022"
).split(",")
#: Placement columns written as numbers (the others are ``x``, as in the real head's rows):
#: column -> share of the LA's plans.
MAINSTREAM = {
    "mainstream_la_maintained": 0.18, "mainstream_la_maintained_resourced_provision": 0.017,
    "mainstream_la_maintained_senunit": 0.01, "mainstream_academy": 0.145,
    "mainstream_academy_resourced_provision": 0.014, "mainstream_academy_senunit": 0.008,
    "mainstream_free_school": 0.005, "mainstream_free_school_resourced_provision": 0.0001,
    "mainstream_free_school_senunit": 0.0001, "mainstream_independent": 0.01,
}  # fmt: skip
SPECIAL = {"special_la_maintained": 0.24, "special_academy": 0.10, "special_non_maintained": 0.011}
AP = {"ap_pru_academy": 0.002, "ap_pru_free_school": 0.0005, "ap_pru_la_maintained": 0.005}
FE = {"general_fe_tertiary_colleges": 0.15, "specialist_post_16_institutions": 0.014}


def write_sen2_files(
    out_dir: Path,
    las: list[tuple[int, str, str, int]],
    regions: list[tuple[str, str]],
    country: tuple[str, str],
    academic_years: np.ndarray,
    seed: int,
) -> list[Path]:
    """The three SEN2 files for England, each region and each LA in ``las`` (old code, new
    code, name, region index) plus Oxfordshire's statistical neighbours not among them."""
    codes = {la[0] for la in las}
    areas = [("National", None, None)]
    areas += [("Regional", i, None) for i in range(len(regions))]
    areas += [
        ("Local authority", la[3], la) for la in las + [n for n in NEIGHBOURS if n[0] not in codes]
    ]
    calendar = list(range(min(PUBLICATION_YEARS), int(academic_years[-1]) + 2))
    timeliness = {key: _timeliness(key, calendar, seed) for key in _keys(areas)}
    geo = {key: _geo(level, region, la, regions, country) for key, (level, region, la) in
           zip(_keys(areas), areas, strict=True)}  # fmt: skip
    paths = [
        _write(out_dir / PUBLICATION, PUBLICATION_HEADER, _publication_rows(geo, timeliness),
               quote_header=True),
        _write(out_dir / TIMELINESS, TIMELINESS_HEADER, _timeliness_rows(geo, timeliness)),
        _write(out_dir / CASELOAD, CASELOAD_HEADER,
               _caseload_rows(geo, academic_years, seed)),
    ]  # fmt: skip
    return paths


def _keys(areas: list[tuple]) -> list[str]:
    return [
        "E92000001" if level == "National" else str(la[0]) if la else f"region{region}"
        for level, region, la in areas
    ]


def _geo(level, region, la, regions, country) -> list[str]:
    """The ten standard cells after time_period and time_identifier's place."""
    if level == "National":
        return [level, country[0], country[1], "", "", "", "", ""]
    code, name = regions[region]
    if level == "Regional":
        return [level, country[0], country[1], code, name, "", "", ""]
    return [level, country[0], country[1], code, name, la[1], str(la[0]), la[2]]


def _scale(key: str) -> float:
    """New plans a year at the start: England's scale, a region's, an LA's."""
    if key == "E92000001":
        return 27000.0
    if key.startswith("region"):
        return 3000.0
    return 150.0 + (int(key) * 37) % 450


def _timeliness(key: str, years: list[int], seed: int) -> dict[int, dict[str, int]]:
    """Per calendar year: requests, refusals, new plans (with and without exceptions) and
    those issued within 20 weeks. Oxfordshire's 20-week share falls then partly recovers."""
    rng = np.random.default_rng([seed, sum(map(ord, key)), 19])
    plans = _scale(key) * np.cumprod(rng.normal(1.09, 0.05, len(years)))
    if key == "931":
        share = np.interp(years, [2015, 2018, 2021, 2022, 2024], [0.55, 0.62, 0.28, 0.12, 0.38])
    else:
        share = np.clip(rng.uniform(0.45, 0.9) + np.cumsum(rng.normal(-0.01, 0.06, len(years))),
                        0.05, 0.98)  # fmt: skip
    out = {}
    for i, year in enumerate(years):
        new = int(round(plans[i]))
        exceptions = int(round(new * rng.uniform(0.0, 0.04)))
        within = int(round(new * share[i]))
        within_ex = min(new - exceptions, within)
        requests = int(round(new * rng.uniform(1.5, 1.9)))
        refused = int(round(requests * rng.uniform(0.12, 0.3)))
        out[year] = {"requests": requests, "refused": refused, "new": new,
                     "within": within, "new_ex": new - exceptions, "within_ex": within_ex}  # fmt: skip
    return out


def _rate(numerator: int, denominator: int, decimals: int) -> str:
    if not denominator:
        return "z"
    return f"{100 * numerator / denominator:.{decimals}f}"


def _publication_rows(geo: dict, timeliness: dict) -> list[list[str]]:
    rows = []
    for year in PUBLICATION_YEARS:
        for key, cells in geo.items():
            t = timeliness[key][year]
            values = {
                "inreq_ehc": t["requests"],
                "ass_refused_ehc": t["refused"],
                "ass_refused_ehc_pc": _rate(t["refused"], t["requests"], 4),
                "tot_inc_exc_ehc": t["new"],
                "inc_exc_20week_ehc": t["within"],
                "inc_exc_20week_rate": _rate(t["within"], t["new"], 12),
                "tot_no_exc_ehc": t["new_ex"],
                "no_exc_20week_ehc": t["within_ex"],
                "no_exc_20week_rate": _rate(t["within_ex"], t["new_ex"], 12),
            }
            row = [str(year), "Calendar year", *cells]
            rows.append(row + [str(values.get(c, "z")) for c in PUBLICATION_HEADER[10:]])
    return rows


def _timeliness_rows(geo: dict, timeliness: dict) -> list[list[str]]:
    rows = []
    years = [y for y in next(iter(timeliness.values())) if y >= FIRST_TIMELINESS_YEAR]
    for year in years:
        for key, cells in geo.items():
            t = timeliness[key][year]
            values = {
                "plans_issued_den": t["new"],
                "plans_issued_den_ex": t["new_ex"],
                "plans_issued_within_20_weeks": t["within"],
                "plans_issued_20_weeks_ex": t["within_ex"],
                "pc_plans_issued_within_20_weeks": _rate(t["within"], t["new"], 1),
                "pc_plans_issued_20_weeks_ex": _rate(t["within_ex"], t["new_ex"], 1),
            }
            row = [str(year), "Calendar year", *cells, "All EHC plans", "All EHC plans"]
            rows.append(row + [str(values.get(c, "x")) for c in TIMELINESS_HEADER[12:]])
    return rows


def _caseload_rows(geo: dict, academic_years: np.ndarray, seed: int) -> list[list[str]]:
    rows = []
    for key, cells in geo.items():
        rng = np.random.default_rng([seed, sum(map(ord, key)), 20])
        start = _scale(key) * 11
        growth = np.cumprod(rng.normal(1.08, 0.02, len(academic_years)))
        independent = rng.uniform(0.025, 0.06) * np.linspace(1.0, 1.35, len(academic_years))
        if key == "931":
            independent = np.linspace(0.052, 0.071, len(academic_years))
        for i, year in enumerate(academic_years):
            total = int(round(start * growth[i]))
            parts = {c: int(round(total * s * rng.uniform(0.9, 1.1))) for c, s in
                     (MAINSTREAM | SPECIAL | AP | FE).items()}  # fmt: skip
            parts["special_independent"] = int(round(total * independent[i]))
            mainstream = sum(parts[c] for c in MAINSTREAM)
            special = sum(parts[c] for c in SPECIAL) + parts["special_independent"]
            ap = sum(parts[c] for c in AP)
            fe = sum(parts[c] for c in FE)
            values = {
                **parts,
                "ehcplans": total,
                "mainstream_total": mainstream,
                "mainstream_total_pc": _rate(mainstream, total, 1),
                "special_total": special,
                "special_total_pc": _rate(special, total, 1),
                "ap_pru_total": ap,
                "ap_pru_total_pc": _rate(ap, total, 1),
                "fe_total": fe,
                "fe_total_pc": _rate(fe, total, 1),
            }
            period = f"{year}{(year + 1) % 100:02d}"
            row = [period, "Academic year", *cells, "All EHC plans", "All EHC plans"]
            rows.append(row + [str(values.get(c, "x")) for c in CASELOAD_HEADER[12:]])
    return rows


def _write(path: Path, header: list[str], rows: list[list[str]], quote_header=False) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        if quote_header:  # the publication quotes every header cell and each LA name
            handle.write(",".join(f'"{h}"' for h in header) + "\n")
            for row in rows:
                handle.write(",".join([*row[:9], f'"{row[9]}"', *row[10:]]) + "\n")
        else:
            csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path
