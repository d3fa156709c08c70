"""The breakdown views build their School rows as a projection of the fact rows (no
GROUP BY: the ETL keeps one row per key). These tests group the demo's fact rows the
plain way, independently of the views, and check the School rows are the same."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import queries

#: view -> (fact table, key columns besides time_period and urn, value columns)
BREAKDOWNS = {
    "int_exclusion_reason_area_year": ("exclusions_reason", ["reason"], ["perm_excl", "susp"]),
    "int_exclusion_characteristic_area_year": (
        "exclusions_characteristic",
        ["characteristic_group", "characteristic"],
        ["headcount", "perm_excl", "susp", "one_plus_susp"],
    ),
    "int_sen_need_area_year": ("sen_need", ["sen_provision", "primary_need"], ["pupils"]),
}


@pytest.fixture(scope="module")
def plain_con(demo_warehouse: Path):
    """The views computed from the tables (not the build's stored copies)."""
    con = queries.connect(demo_warehouse, materialize=False)
    yield con
    con.close()


@pytest.mark.parametrize("view", sorted(BREAKDOWNS))
def test_school_rows_equal_a_plain_group_by(view: str, plain_con, demo_warehouse: Path) -> None:
    table, keys, values = BREAKDOWNS[view]
    facts = pd.read_parquet(demo_warehouse / f"{table}.parquet")
    years = pd.read_parquet(demo_warehouse / "school_year.parquet")
    facts = facts.merge(years[["time_period", "urn"]], on=["time_period", "urn"])
    group = ["time_period", "urn", *keys]
    assert not facts.duplicated(group).any(), "the ETL keeps one row per key"
    expected = facts.groupby(group, dropna=False)[values].agg(["sum", "count"])
    expected.columns = [f"{v}_{agg}" for v, agg in expected.columns]
    expected = expected.reset_index()
    expected["urn"] = expected["urn"].astype(str)
    known = [f"{v}_known" for v in values]
    got = plain_con.execute(
        f"SELECT area AS urn, time_period, {', '.join(keys)}, "  # noqa: S608 - our names
        f'{", ".join(values)}, {", ".join(known)}, n_rows FROM "{view}" '
        "WHERE level = 'School'"
    ).df()
    assert len(got) == len(expected) > 1000
    merged = expected.merge(got, on=["time_period", "urn", *keys], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["n_rows"] == 1).all()
    for value in values:
        # a suppressed cell sums to NULL in the view and to 0 in pandas; counts tell them apart
        assert (merged[f"{value}_known"] == merged[f"{value}_count"]).all(), value
        present = merged[f"{value}_count"] == 1
        # The SEN supporting file is published unsuppressed: its needs are all given; the
        # reasons and pupil groups are counted from the council's log: every count known.
        assert present.any(), f"{value}: known cells in the demo"
        if table == "sen_need":
            assert not (~present).any(), value
        pd.testing.assert_series_equal(
            merged.loc[present, value].astype("int64"),
            merged.loc[present, f"{value}_sum"].astype("int64"),
            check_names=False,
        )
        assert merged.loc[~present, value].isna().all(), value


def test_reason_rows_pair_with_the_school_headcount(plain_con, demo_warehouse: Path) -> None:
    """perm_excl_num/den pair a school's count with its headcount only when both exist."""
    got = plain_con.execute(
        "SELECT area, time_period, reason, perm_excl, perm_excl_num, perm_excl_den, "
        "perm_excl_pairs FROM int_exclusion_reason_area_year WHERE level = 'School'"
    ).df()
    exclusions = pd.read_parquet(demo_warehouse / "exclusions.parquet")
    headcount = exclusions.assign(area=exclusions["urn"].astype(str)).set_index(
        ["area", "time_period"]
    )["headcount"]
    head = got.set_index(["area", "time_period"]).index.map(headcount.to_dict())
    head = pd.Series(head, index=got.index, dtype="Float64")
    both = got["perm_excl"].notna() & head.notna()
    assert both.any()
    assert (got["perm_excl_pairs"] == both.astype(int)).all()
    assert (got.loc[both, "perm_excl_den"].astype(float) == head[both].astype(float)).all()
    assert got.loc[~both, "perm_excl_num"].isna().all()
