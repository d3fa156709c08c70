"""The reconciliation report on a hand-made exclusions file: the DfE's LA row against the
county's school rows, where one school is missing from GIAS.

The file's LA row counts four schools; the fourth (a closed school: no URN, a LAESTAB in
no GIAS register) cannot be matched, so its row is rejected and its pupils and exclusions are in the LA figure but in no school
of the warehouse: the headcount's residual is above what the withheld cells can hold.
Suspensions have one withheld cell ('c', 1 or 2) and, once the missing school's are
taken off, a residual of 2: it fits.
"""

from __future__ import annotations

import pandas as pd
from etl_raw_files import EES_STANDARD, EXCLUSION_COLUMNS, Y2, standard, write_csv

import queries

WITHHELD = '\n[withheld.exclusions]\nsymbols = ["x", "c"]\nlow = 1\nhigh = 2\n'


def test_a_school_missing_from_gias_shows_in_the_reconciliation(etl_raw_dir, etl_data_dir):
    from queries.prepare import build_warehouse

    config = etl_data_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + WITHHELD, encoding="utf-8")
    secondary = "State-funded secondary"
    # schools: headcount 215 + 610 + 80 = 905; with 100777's 120: 1,025
    # suspensions 'c' + 60 + 12 = 72 published; the LA's 74 = 72 + 2 (the withheld cell)
    # when 100777 had none: the residual 2 fits 1..2
    rows = [
        [*standard("Local authority", Y2), "", "", "", "", 1025, 3, 74, 40, 0.29, 7.22, 3.9],
        [*standard("School", Y2), 100001, 9312001, "Alpha Primary School",
         "State-funded primary", 215, 0, "c", 2, 0, "c", 0.93],
        [*standard("School", Y2), 100005, 9314002, "Beta Academy", secondary, 610, 2, 60, 30,
         0.33, 9.84, 4.92],
        [*standard("School", Y2), 100004, 9317001, "Delta Special School", "Special", 80, 0,
         12, 5, 0, 15, 6.25],
        # a closed school's row carries no URN, and its LAESTAB is in no GIAS register
        [*standard("School", Y2), "", 9319999, "Not In GIAS School", secondary, 120, 1, 0,
         3, 0.83, 0, 2.5],
    ]  # fmt: skip
    write_csv(etl_raw_dir / "exc_school.csv", EES_STANDARD + EXCLUSION_COLUMNS, rows)
    result = build_warehouse(data_dir=etl_data_dir, progress=lambda _m: None)

    rejects = pd.read_parquet(result.warehouse / "rejects.parquet")
    mine = rejects[rejects["source_file"].eq("exc_school.csv")]
    assert mine["severity"].eq("reject").sum() == 1, mine
    report = pd.DataFrame(result.report["reconciliation"]["rows"]).set_index("measure")
    headcount = report.loc["exclusions_headcount"]
    assert headcount["la_figure"] == 1025 and headcount["schools_published"] == 905
    assert headcount["residual"] == 120 and headcount["residual_fits"] == "above"
    susp = report.loc["susp"]
    assert (susp["schools_published"], susp["withheld_cells"], susp["residual"]) == (72, 1, 2)
    assert susp["residual_fits"] == "fits"
    perm = report.loc["perm_excl"]  # 100777's 1 is missing from the schools: 3 - 2
    assert perm["residual"] == 1 and perm["residual_fits"] == "above"
    assert result.report["reconciliation"]["not_fitting"] >= 2
    # the same rows on the Data page's query
    con = queries.connect(result.warehouse)
    try:
        shown = queries.reconciliation(con).set_index("measure")
    finally:
        con.close()
    assert shown.loc["exclusions_headcount", "residual_fits"] == "above"
