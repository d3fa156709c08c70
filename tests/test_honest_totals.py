"""Honest totals on the demo with school cells withheld as the DfE withholds them.

The demo's school files publish every cell (the current DfE files' first rows do too), so
this test withholds known ones itself: in a copy of the demo warehouse, 40 school-years
of permanent exclusions and 40 of suspensions that are 1 or 2 become ``x`` (the 2016/17
release's symbol, config [withheld.exclusions]: 1 or 2). The DfE's LA rows are left as
they were (they still count every exclusion), so the true figure of every area is known.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import queries

WITHHELD_PER_COUNT = 40
LEVELS = ("Locality", "Partnership")


@pytest.fixture(scope="module")
def withheld_warehouse(demo_warehouse: Path, tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("withheld") / "warehouse"
    folder.mkdir()
    for path in demo_warehouse.iterdir():
        if path.is_file() and path.name != "exclusions.parquet":
            shutil.copy(path, folder / path.name)  # no materialized/: computed afresh
    table = pq.read_table(demo_warehouse / "exclusions.parquet").to_pandas()
    hidden = []
    for column in ("perm_excl", "susp"):
        small = table[table[column].isin([1.0, 2.0]) & table[f"{column}_flag"].isna()]
        chosen = small.sample(n=min(WITHHELD_PER_COUNT, len(small)), random_state=7)
        hidden.append(chosen[["time_period", "urn"]].assign(column=column))
        table.loc[chosen.index, column] = None
        table.loc[chosen.index, f"{column}_flag"] = "x"
    schema = pq.read_schema(demo_warehouse / "exclusions.parquet")
    pq.write_table(
        pa.Table.from_pandas(table, schema=schema, preserve_index=False),
        folder / "exclusions.parquet",
    )
    return folder, pd.concat(hidden, ignore_index=True)


@pytest.fixture(scope="module")
def truth(demo_con) -> pd.DataFrame:
    """Every area's figure before any cell was withheld (the demo's own, unsuppressed)."""
    return demo_con.execute(
        "SELECT level, area, time_period, measure, numerator, denominator"
        " FROM int_area_measure_year WHERE measure IN ('perm_excl', 'susp', 'perm_excl_rate',"
        " 'susp_rate')"
    ).df()


@pytest.fixture(scope="module")
def withheld(withheld_warehouse):
    con = queries.connect(withheld_warehouse[0])
    yield con
    con.close()


def _figures(con) -> pd.DataFrame:
    return con.execute(
        "SELECT level, area, time_period, measure, value, value_low, value_high, estimated,"
        " suppressed, n_withheld, dfe_la_figure FROM area_measure_year"
        " WHERE measure IN ('perm_excl', 'susp', 'perm_excl_rate', 'susp_rate')"
    ).df()


def test_every_area_range_holds_its_true_figure(withheld, truth, withheld_warehouse):
    figures = _figures(withheld).merge(truth, on=["level", "area", "time_period", "measure"])
    affected = figures[figures["level"].isin(LEVELS) & figures["n_withheld"].gt(0)]
    shown = affected[~affected["suppressed"]]
    assert len(shown) >= 40, len(shown)
    for row in shown.itertuples():
        true = (
            row.numerator
            if row.measure in ("perm_excl", "susp")
            else (100 * row.numerator / row.denominator)
        )
        assert row.estimated, row
        assert row.value_low - 1e-9 <= true <= row.value_high + 1e-9, row
        assert row.value_low - 1e-9 <= row.value <= row.value_high + 1e-9, row
    # the estimate is closer to the truth than the published sum alone
    counts = shown[shown["measure"].isin(["perm_excl", "susp"])]
    published_error = (counts["numerator"] - (counts["value_low"] - counts["n_withheld"])).abs()
    estimate_error = (counts["numerator"] - counts["value"]).abs()
    assert estimate_error.sum() < published_error.sum()


def test_the_county_is_still_the_dfes_figure(withheld, demo_con):
    figures = _figures(withheld)
    county = figures[figures["level"].eq("County")].set_index(["time_period", "measure"])
    la = demo_con.execute(
        "SELECT time_period, measure, numerator, denominator FROM benchmarks WHERE"
        " geographic_level = 'Local authority' AND old_la_code = 931"
        " AND measure IN ('perm_excl', 'susp', 'perm_excl_rate', 'susp_rate')"
    ).df()
    assert len(la) > 0
    for row in la.itertuples():
        shown = county.loc[(row.time_period, row.measure)]
        assert shown["dfe_la_figure"] and not shown["estimated"]
        expected = (
            row.numerator
            if row.denominator != row.denominator or not row.denominator
            else (100 * row.numerator / row.denominator)
        )
        assert shown["value"] == pytest.approx(expected)


def test_a_withheld_school_figure_is_never_zero(withheld, withheld_warehouse):
    hidden = withheld_warehouse[1]
    rows = withheld.execute(
        "SELECT urn, time_period, perm_excl, perm_excl_suppressed, susp, susp_suppressed"
        " FROM exclusion_trend WHERE level = 'School'"
    ).df()
    merged = hidden.merge(rows, on=["urn", "time_period"])
    assert len(merged) == len(hidden)
    for row in merged.itertuples():
        assert pd.isna(getattr(row, row.column)), row
        assert getattr(row, f"{row.column}_suppressed"), row
    # nor in the schools' profile, the download of every school
    profile = withheld.execute("SELECT urn, time_period, perm_excl, susp FROM school_profile").df()
    merged = hidden.merge(profile, on=["urn", "time_period"])
    for row in merged.itertuples():
        assert pd.isna(getattr(row, row.column)), row


def test_the_reconciliation_sees_the_withheld_cells(withheld):
    rows = queries.reconciliation(withheld)
    perm = rows[rows["measure"].eq("perm_excl")]
    assert perm["withheld_cells"].sum() == WITHHELD_PER_COUNT
    assert perm["residual_fits"].eq("fits").all()
    assert (perm["residual"] >= perm["withheld_cells"]).all()


# --------------------------------------------------------------------------- membership


def test_membership_changes_name_the_schools_that_moved(tmp_path):
    """In the tiny warehouse 100002 moves from Banbury North (2022/23) to Banbury South
    (2023/24): North says it left, South that it joined, with its pupils."""
    from views_warehouse import BN, BS, Y1, Y2, tiny_connection

    from analysis.sentences import membership_sentence

    con = tiny_connection(tmp_path)
    pupils = (
        con.execute("SELECT time_period, headcount FROM pupils WHERE urn = 100002")
        .df()
        .set_index("time_period")["headcount"]
    )
    north = queries.membership_changes(con, "Partnership", BN)
    south = queries.membership_changes(con, "Partnership", BS)
    assert north[["urn", "change", "time_period"]].values.tolist() == [[100002, "left", Y2]]
    assert int(north["pupils"].iloc[0]) == int(pupils.loc[Y1])  # its last year in North
    assert south[["urn", "change", "time_period"]].values.tolist() == [[100002, "joined", Y2]]
    assert int(south["pupils"].iloc[0]) == int(pupils.loc[Y2])
    sentence = membership_sentence(south, BS)
    assert "joined in 2023/24" in sentence and f"({int(pupils.loc[Y2]):,} pupils)" in sentence
    # the locality kept its schools: nothing to say
    assert queries.membership_changes(con, "Locality", "Banbury").empty
    with pytest.raises(ValueError):
        queries.membership_changes(con, "School", "100002")
    con.close()


def test_a_pack_says_when_schools_joined_or_left(tmp_path):
    from views_warehouse import BS, Y2, tiny_connection

    import packs

    con = tiny_connection(tmp_path)
    pack = packs.build_pack(con, "Partnership", BS, Y2)
    assert any("joined in 2023/24" in note for note in pack.notes)
    con.close()
