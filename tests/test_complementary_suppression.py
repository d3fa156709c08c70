"""Complementary suppression: the differencing attack recovers nothing.

For every published table with totals (area_measure_year's nesting School -> Partnership ->
Locality -> County; exclusions by reason and by pupil group, nested the same way and
adding up to the area's figure), an attacker takes a shown total and subtracts every shown
part. That recovers a hidden number exactly when the total has exactly one unknown term.
The tests attack the public views of the tiny hand-built warehouse and of the demo, and
check the attack does work against the primary suppression alone (so they can fail).
"""

from __future__ import annotations

import pandas as pd
import pytest
from views_warehouse import tiny_connection

import queries
from queries import complementary

AREA_LEVELS = ["School", "Partnership", "Locality", "County"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    con = tiny_connection(tmp_path_factory.mktemp("complementary"))
    yield con
    con.close()


@pytest.fixture(scope="module", params=["tiny", "demo"])
def con(request, tiny, demo_con):
    return tiny if request.param == "tiny" else demo_con


def _parent(row: pd.Series) -> str | None:
    """The total a row is a term of (the same nesting the app publishes)."""
    if row["level"] == "School":
        if pd.notna(row["parent_area"]):
            return f"Partnership|{row['parent_area']}"
        if pd.notna(row["locality"]):
            return f"Locality|{row['locality']}"
        return "County|"
    if row["level"] == "Partnership":
        return f"Locality|{row['parent_area']}" if pd.notna(row["parent_area"]) else "County|"
    if row["level"] == "Locality":
        return "County|"
    return None


def _own(row: pd.Series) -> str:
    return f"{row['level']}|{'' if row['level'] == 'County' else row['area']}"


def _singletons(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Equations (total + parts) with exactly one unknown member: recoverable cells."""
    frame = frame.copy()
    frame["_parent"] = frame.apply(_parent, axis=1)
    frame["_own"] = frame.apply(_own, axis=1)
    parts = frame[frame["_parent"].notna()].assign(_eq=lambda f: f["_parent"])
    totals = frame[frame["level"].ne("School")].assign(_eq=lambda f: f["_own"])
    members = pd.concat([parts, totals])
    grouped = members.groupby([*keys, "_eq"])["unknown"].sum()
    return grouped[grouped == 1].reset_index()


def _area_cells(con, view: str) -> pd.DataFrame:
    """Numerators: a shown rate comes with its numerator. A numerator is unknown when no
    measure sharing it (a count and its rate) shows it for that area."""
    frame = con.execute(
        f"SELECT a.level, a.area, a.parent_area, a.locality, a.time_period, a.measure,"  # noqa: S608
        f" m.numerator_label AS family, a.numerator, a.suppressed, a.n_schools FROM {view}"
        " AS a JOIN measures AS m USING (measure) WHERE a.level IN ('School', 'Partnership',"
        " 'Locality', 'County')"
    ).df()
    keys = ["level", "area", "time_period", "family"]
    known = frame["n_schools"].gt(0)
    shown = (known & ~frame["suppressed"]).groupby([frame[k] for k in keys]).transform("any")
    return frame.assign(unknown=known & frame["suppressed"] & ~shown)


def test_no_area_figure_is_the_only_unknown_of_its_total(con):
    cells = _area_cells(con, "area_measure_year")
    assert len(_singletons(cells, ["measure", "time_period"])) == 0


def test_without_complementary_suppression_the_attack_works(tiny, demo_con):
    """The primary suppression alone leaves figures recoverable: the attack above finds
    them (so it is a real test), and subtracting recovers the hidden number exactly."""
    recovered = 0
    for connection in (tiny, demo_con):
        cells = _area_cells(connection, "int_checked_area_measure_year")
        singles = _singletons(cells, ["measure", "time_period"])
        truth = connection.execute(
            "SELECT level, area, time_period, measure, numerator FROM int_area_measure_year"
        ).df()
        cells["_parent"] = cells.apply(_parent, axis=1)
        cells["_own"] = cells.apply(_own, axis=1)
        for single in singles.head(20).itertuples():
            block = cells[cells["measure"].eq(single.measure)]
            block = block[block["time_period"].eq(single.time_period)]
            total = block[block["_own"].eq(single._3)]
            parts = block[block["_parent"].eq(single._3)]
            if total.empty or bool(total["suppressed"].iloc[0]):
                continue
            hidden = parts[parts["unknown"]]
            guess = total["numerator"].iloc[0] - parts.loc[~parts["suppressed"], "numerator"].sum()
            true = truth[
                truth["measure"].eq(single.measure)
                & truth["time_period"].eq(single.time_period)
                & truth["level"].eq(hidden["level"].iloc[0])
                & truth["area"].eq(hidden["area"].iloc[0])
            ]["numerator"].iloc[0]
            # the count of the hidden school or area, exactly (rates: their numerators)
            if abs(guess - true) < 1e-9:
                recovered += 1
    assert recovered > 0


def test_a_family_hides_together(con):
    """A count and the rate on the same numerator hide together: a shown rate with its
    numerator would give a hidden count back."""
    frame = con.execute(
        "SELECT a.level, a.area, a.time_period, m.numerator_label AS family, a.measure,"
        " m.kind, a.numerator, a.suppressed, a.n_schools FROM area_measure_year AS a"
        " JOIN measures AS m USING (measure)"
        " WHERE a.level IN ('School', 'Partnership', 'Locality', 'County')"
    ).df()
    counts = frame[frame["kind"].eq("count") & frame["suppressed"] & frame["n_schools"].gt(0)]
    keys = ["level", "area", "time_period", "family"]
    joined = counts[keys].merge(frame, on=keys)
    assert joined["numerator"].isna().all()


@pytest.mark.parametrize(
    ("view", "part", "columns"),
    [
        ("exclusions_by_reason", ["reason"], ["perm_excl", "susp"]),
        (
            "exclusions_by_characteristic",
            ["characteristic_group", "characteristic"],
            ["perm_excl", "susp", "one_plus_susp"],
        ),
        ("exclusions_by_phase", ["phase"], ["perm_excl", "susp", "one_plus_susp"]),
        ("sen_need_profile", ["sen_provision", "primary_need"], ["pupils"]),
    ],
)
def test_no_breakdown_figure_can_be_recovered(con, view, part, columns):
    frame = con.execute(f"SELECT * FROM {view}").df()  # noqa: S608
    tree = con.execute(
        "SELECT DISTINCT level, area, time_period, parent_area, locality FROM"
        " area_measure_year WHERE level IN ('School', 'Partnership', 'Locality', 'County')"
    ).df()
    frame = frame.merge(tree, on=["level", "area", "time_period"], how="left")
    totals = con.execute(
        "SELECT level, area, time_period, measure, value, suppressed FROM area_measure_year"
        " WHERE measure IN ('perm_excl', 'susp', 'one_plus_susp', 'ehc_plan_count',"
        " 'sen_support_count')"
    ).df()
    provision_total = {"EHC plan": "ehc_plan_count", "SEN support": "sen_support_count"}
    for column in columns:
        cells = frame.assign(unknown=frame[f"{column}_suppressed"] & frame["n_schools"].gt(0))
        # nested: each part's partnership minus its schools, and so on up
        assert len(_singletons(cells, [*part, "time_period"])) == 0, (view, column)
        # adding up: the area's own figure minus the shown parts
        group = part[:1] if len(part) == 2 else []
        unknown = cells.groupby(["level", "area", "time_period", *group])["unknown"].sum()
        for key, n_unknown in unknown.items():
            measure = provision_total.get(key[3]) if view == "sen_need_profile" else column
            mine = totals[totals["measure"].eq(measure)].set_index(["level", "area", "time_period"])
            index = key[:3]
            if n_unknown == 1 and index in mine.index:
                assert bool(mine.loc[index, "suppressed"]), (view, column, key)


def test_the_rule_on_a_hand_made_equation():
    """One hidden part of three: the smallest non-zero shown part is hidden with it; a
    total whose parts are all shown stays as it is."""
    cells = pd.DataFrame(
        {
            "tbl": "area",
            "level": ["Partnership", "School", "School", "School", "Partnership", "School"],
            "area": ["P", "1", "2", "3", "Q", "4"],
            "time_period": 202324,
            "family": "Suspensions",
            "part": "",
            "value": [None, None, 7.0, 4.0, 9.0, 9.0],
            "hidden": [True, True, False, False, False, False],
        }
    )
    members = pd.DataFrame(
        {
            "equation": ["P", "P", "P", "P", "Q", "Q"],
            "tbl": "area",
            "level": cells["level"],
            "area": cells["area"],
            "time_period": 202324,
            "family": "Suspensions",
            "part": "",
            "is_total": [True, False, False, False, True, False],
        }
    )
    # P and school 1 are hidden: two unknowns, nothing to add
    assert complementary.hidden_cells(cells, members).empty
    cells.loc[0, ["value", "hidden"]] = [12.0, False]  # P shown, school 1 the only unknown
    picked = complementary.hidden_cells(cells, members)
    assert picked["area"].tolist() == ["3"]  # the smallest non-zero shown part


def test_the_hidden_cells_table_is_built_by_the_rule(tiny):
    hidden = tiny.execute(f"SELECT * FROM {complementary.TABLE}").df()  # noqa: S608
    assert not hidden.empty
    assert set(hidden["tbl"]) <= {"area", "reason", "group", "phase", "need", "lfl"}
    assert hidden.duplicated().sum() == 0
    # every hidden cell is hidden in its public view
    area = hidden[hidden["tbl"].eq("area")].iloc[0]
    rows = tiny.execute(
        "SELECT suppressed, numerator FROM area_measure_year AS a JOIN measures AS m"
        " USING (measure) WHERE a.level = ? AND a.area = ? AND a.time_period = ?"
        " AND m.numerator_label = ?",
        [area["level"], area["area"], int(area["time_period"]), area["family"]],
    ).df()
    assert rows["suppressed"].all() and rows["numerator"].isna().all()
    assert queries.list_views(tiny, internal=True)


def test_like_for_like_figures_give_nothing_back(con):
    """A partnership's figure with today's schools, its own figure that year and the
    schools by which they differ form an equation: it never has exactly one unknown."""
    years = con.execute("SELECT time_period, urn, partnership FROM school_year").df()
    latest = years["time_period"].max()
    today = years[years["time_period"].eq(latest) & years["partnership"].notna()]
    today = dict(zip(today["urn"], today["partnership"], strict=True))
    like = con.execute(
        "SELECT l.area, l.time_period, m.numerator_label AS family, l.suppressed, l.n_schools"
        " FROM like_for_like_measure_year AS l JOIN measures AS m USING (measure)"
    ).df()
    cells = _area_cells(con, "area_measure_year")
    unknown = {
        (r.level, r.area, r.time_period, r.family) for r in cells[cells["unknown"]].itertuples()
    }
    checked = 0
    for (area, period, family), rows in like.groupby(["area", "time_period", "family"]):
        lfl_unknown = bool((rows["suppressed"] & rows["n_schools"].gt(0)).all())
        year = years[years["time_period"].eq(period)]
        moved = {
            str(u)
            for u, p in zip(year["urn"], year["partnership"], strict=True)
            if (p == area) != (today.get(u) == area)
        }
        n = lfl_unknown + (("Partnership", area, period, family) in unknown)
        n += sum(("School", u, period, family) in unknown for u in moved)
        assert n != 1, (area, period, family)
        checked += 1
    if con is not None and len(like):
        assert checked > 0
