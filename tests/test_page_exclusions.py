"""Exclusions explorer: its two new queries (hand-computed on the tiny warehouse) and the page
(AppTest on the demo warehouse, numbers checked against sums taken straight from the Parquet)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from apptest_helpers import (
    assert_no_exception,
    chart_specs,
    inline_datasets,
    open_each_tab,
    open_page,
)
from views_warehouse import (
    BANBURY,
    BN,
    BS,
    KINGS,
    Y2,
    pick,
    shown_unless_secondary,
    tiny_connection,
)

import queries
from analysis.breakdowns import REMAINDER_LABEL, TOTAL_LABEL

PAGE = "exclusions.py"
# the page's tabs at county level (a school has no phase or child-area tabs)
TABS = ["Over the years", "Reasons", "Groups of pupils", "School phase", "Localities"]

# --------------------------------------------------------------------------- queries (tiny)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    connection = tiny_connection(tmp_path_factory.mktemp("tiny_exclusions"))
    yield connection
    connection.close()


def test_exclusions_by_phase_hand_computed(tiny):
    """Every figure is the hand-computed one or, where complementary suppression hides it
    (this tiny warehouse's 1s and 2s make it hide many), hidden: never another number."""
    banbury = queries.exclusions_by_phase(tiny, "Locality", BANBURY, "2023/24")
    assert banbury["phase"].tolist() == ["Primary", "Secondary"]  # school order
    primary = pick(banbury, phase="Primary")
    # 100001 (300 pupils, 1 perm, 12 susp, 8 one+) + 100003 (200, 0, withheld 'c', 2)
    assert primary["headcount"] == 500
    assert pd.isna(primary["perm_excl"]) and primary["perm_excl_suppressed"]  # 1: hidden
    assert pd.isna(primary["perm_excl_rate"]) and primary["perm_excl_rate_suppressed"]
    susp, one_plus = ("Suspensions", "phase"), ("Pupils with one or more suspensions", "phase")
    # 100003's suspensions are withheld, not zero: 12 of 100001's 300 pupils
    shown_unless_secondary(tiny, primary, "susp", 12, *susp, "Primary")
    shown_unless_secondary(tiny, primary, "susp_rate", 12 / 300 * 100, *susp, "Primary")
    shown_unless_secondary(
        tiny, primary, "one_plus_susp_rate", (8 + 2) / 500 * 100, *one_plus, "Primary"
    )
    assert primary["n_schools"] == 1 and primary["n_schools_missing"] == 1
    secondary = pick(banbury, phase="Secondary")  # 100002: 450 pupils, 2 perm, 40 susp
    assert secondary["headcount"] == 450
    shown_unless_secondary(tiny, secondary, "susp", 40, *susp, "Secondary")
    assert pd.isna(secondary["perm_excl"]) and secondary["perm_excl_rate_suppressed"]
    shown_unless_secondary(tiny, secondary, "susp_rate", 40 / 450 * 100, *susp, "Secondary")

    county = queries.exclusions_by_phase(tiny, "County", "Oxfordshire", Y2)
    # secondaries 100002 + 100004 + 100006 (in no partnership, still in the county)
    county_secondary = pick(county, phase="Secondary")
    assert county_secondary["headcount"] == 450 + 600 + 100
    perm = ("Permanent exclusions", "phase", "Secondary")
    shown_unless_secondary(tiny, county_secondary, "perm_excl", 2 + 3 + 0, *perm)
    shown_unless_secondary(tiny, county_secondary, "perm_excl_rate", 5 / 1150 * 100, *perm)
    assert county_secondary["susp"] == 40 + 60 + 5
    assert county_secondary["one_plus_susp"] == 25 + 30 + 4
    # phases add up to the county's own total
    total = queries.exclusion_trend(tiny, "County", "Oxfordshire")
    assert county["headcount"].sum() == pick(total, time_period=Y2)["headcount"] == 1658

    tiny_school = pick(queries.exclusions_by_phase(tiny, "Locality", KINGS, Y2), phase="Primary")
    # 100005 alone: 8 pupils, 0 permanent, 1 suspension (hidden), rates on 8 hidden
    shown_unless_secondary(
        tiny, tiny_school, "perm_excl", 0, "Permanent exclusions", "phase", "Primary"
    )
    assert pd.isna(tiny_school["susp"]) and tiny_school["susp_suppressed"]
    assert pd.isna(tiny_school["perm_excl_rate"]) and tiny_school["perm_excl_rate_suppressed"]
    assert len(queries.exclusions_by_phase(tiny, "Locality", BANBURY)) == 4  # 2 years x 2


def test_exclusions_child_areas_hand_computed(tiny):
    partnerships = queries.exclusions_child_areas(tiny, "Partnership", Y2, BANBURY)
    assert partnerships["area"].tolist() == [BN, BS]
    north, south = pick(partnerships, area=BN), pick(partnerships, area=BS)
    assert north["headcount"] == 300
    shown_unless_secondary(tiny, north, "susp_rate", 12 / 300 * 100, "Suspensions")
    # Banbury South 2023/24: 100002 (moved in) + 100003 (suspensions withheld: 1 or 2, the
    # count estimated 1.5 with no LA row, the rate 2 from the LA residual's cap)
    assert south["headcount"] == 650
    shown_unless_secondary(tiny, south, "susp", 42, "Suspensions")
    shown_unless_secondary(tiny, south, "susp_rate", 42 / 650 * 100, "Suspensions")
    schools = queries.exclusions_child_areas(tiny, "School", "2023/24", BS)
    assert sorted(schools["urn"].tolist()) == [100002, 100003]
    localities = queries.exclusions_child_areas(tiny, "Locality", Y2)
    assert localities["area"].tolist() == [BANBURY, KINGS]
    with pytest.raises(ValueError):
        queries.exclusions_child_areas(tiny, "Region", Y2)


# --------------------------------------------------------------------------- page (demo data)


@pytest.fixture(scope="module")
def facts(demo_warehouse: Path) -> pd.DataFrame:
    """Each school's exclusions row with its partnership, locality and phase that year."""
    exclusions = pd.read_parquet(demo_warehouse / "exclusions.parquet")
    school_year = pd.read_parquet(demo_warehouse / "school_year.parquet")
    return exclusions.merge(
        school_year[["time_period", "urn", "school_name", "phase", "partnership", "locality"]],
        on=["time_period", "urn"],
    )


def rate(rows: pd.DataFrame, column: str) -> float:
    """100 * sum(count) / sum(headcount) over schools where both were published."""
    known = rows[rows[column].notna() & rows["headcount"].notna()]
    return 100 * known[column].sum() / known["headcount"].sum()


def chart(at, title_start: str) -> list[pd.DataFrame]:
    """The data a chart draws (Streamlit ships it as Arrow datasets beside the spec); the
    chart must have a screen-reader description."""
    found = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if str(spec.get("title", "")).startswith(title_start):
            assert element.proto.alt.strip()
            frames = [
                pa.ipc.open_stream(d.data.data).read_all().to_pandas()
                for d in element.proto.datasets
            ]
            found.append(frames + [pd.DataFrame(v) for v in inline_datasets(spec)])
    assert len(found) == 1, [s.get("title") for s in chart_specs(at)]
    return found[0]


def bars(frames: list[pd.DataFrame], category: str) -> dict[str, float | None]:
    """What a ranked bar chart draws: category -> shown value (None where suppressed)."""
    frame = next(f for f in frames if {category, "shown"} <= set(f.columns))
    return {
        row[category]: None if pd.isna(row["shown"]) else row["shown"]
        for _, row in frame.iterrows()
    }


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_county_view_matches_the_parquet(app_warehouse, facts):
    at = open_page(PAGE)
    assert_no_exception(at)
    latest = int(facts["time_period"].max())
    assert [_param(at, name) for name in ("level", "year", "measure")] == [None, str(latest), None]
    assert (at.radio(key="url-level").value, at.radio(key="url-measure").value) == (
        "County",
        "susp_rate",
    )
    now = facts[facts["time_period"] == latest]
    shown = metrics(at)
    assert shown["Suspension rate (per 100 pupils)"] == f"{rate(now, 'susp'):,.2f}"
    assert shown["Permanent exclusion rate (per 100 pupils)"] == f"{rate(now, 'perm_excl'):,.2f}"
    assert shown["Suspensions (suspensions)"] == f"{now['susp'].sum():,.0f}"

    # trend: the county line, year by year, is sum(susp) / sum(headcount)
    frame = next(f for f in chart(at, "Suspension rate, Oxfordshire") if "series" in f)
    rows = frame.to_dict("records")
    county_line = {r["year"]: r["value"] for r in rows if r["series"] == "Oxfordshire"}
    assert len(county_line) == facts["time_period"].nunique()
    for tp, group in facts.groupby("time_period"):
        label = f"{tp // 100}/{tp % 100:02d}"
        assert county_line[label] == pytest.approx(rate(group, "susp"))
    assert {r["series"] for r in rows} >= {"Oxfordshire", "England"}
    spec = next(s for s in chart_specs(at) if s["title"] == "Suspension rate, Oxfordshire")
    assert spec["encoding"]["y"]["title"] == "Suspension rate (per 100 pupils)"

    # Each section is a tab, bound to the URL: only the open one is drawn.
    assert [t.label for t in at.tabs] == TABS
    assert len(chart_specs(at)) == 2  # the trend's two charts; no other section's
    tabs = open_each_tab(PAGE, {}, "section", TABS)
    assert "section" not in at.query_params  # the first tab is the default
    assert tabs["Reasons"].query_params.get("section") == "Reasons"

    # phases and the nine localities, each rate recomputed from the schools' rows
    phase_bars = bars(chart(tabs["School phase"], "Suspension rate by school phase"), "phase")
    for phase, group in now.groupby("phase"):
        assert phase_bars[phase] == pytest.approx(rate(group, "susp"))
    locality_bars = bars(chart(tabs["Localities"], "Suspension rate by locality"), "name")
    assert len(locality_bars) == now["locality"].nunique() == 9
    for locality, group in now.groupby("locality"):
        assert locality_bars[locality] == pytest.approx(rate(group, "susp"))

    titles = {label: [str(s.get("title")) for s in chart_specs(tab)] for label, tab in tabs.items()}
    assert [t[:24] for t in titles["Reasons"]] == ["Suspension rate by reaso"]
    assert [t[:32] for t in titles["Groups of pupils"]] == ["Suspension rate by SEN provision"]
    assert len(titles["School phase"]) == len(titles["Localities"]) == 1
    for label, tab in tabs.items():
        assert_no_exception(tab)
        downloads = tab.get("download_button")
        # one per chart (a chart and the table of its numbers share one), and on the
        # first tab one more for the yearly table, on the county's reasons one more for
        # the DfE's reasons of the region and England
        extra = (label == "Over the years") + (label == "Reasons")
        assert len(downloads) == len(titles[label]) + extra
        assert len({d.proto.id for d in downloads}) == len(downloads)


def complementary_areas(warehouse, level: str, time_period: int) -> set[str]:
    """The areas whose permanent exclusions complementary suppression hides."""
    con = queries.connect(warehouse)
    try:
        return set(
            con.execute(
                "SELECT area FROM int_complementary_cells WHERE tbl = 'area' AND level = ?"
                " AND time_period = ? AND family = 'Permanent exclusions'",
                [level, time_period],
            ).df()["area"]
        )
    finally:
        con.close()


def test_locality_partnerships_and_definitions(app_warehouse, facts):
    latest = int(facts["time_period"].max())
    locality = sorted(facts["locality"].dropna().unique())[1]
    at = open_page(
        PAGE,
        {
            "level": "Locality",
            "locality": locality,
            "measure": "perm_excl_rate",
            "section": "Partnerships",
        },
    )
    assert_no_exception(at)
    rows = facts[(facts["time_period"] == latest) & (facts["locality"] == locality)]
    assert metrics(at)["Permanent exclusion rate (per 100 pupils)"] == (
        f"{rate(rows, 'perm_excl'):,.2f}"
    )
    partnership_bars = bars(chart(at, "Permanent exclusion rate by partnership"), "name")
    assert set(partnership_bars) == set(rows["partnership"].dropna())
    secondary = complementary_areas(app_warehouse, "Partnership", latest)
    for partnership, group in rows.groupby("partnership"):
        perm = group["perm_excl"].sum()
        hidden = 0 < perm < 3 or partnership in secondary  # complementary suppression too
        expected = None if hidden else pytest.approx(rate(group, "perm_excl"))
        assert partnership_bars[partnership] == expected
    text = " ".join(str(c.value) for c in at.caption) + " ".join(str(m.value) for m in at.markdown)
    assert "permanent exclusion" in text.lower() and "per 100 pupils" in text
    assert "suspended at least once" in text


def test_url_round_trip_and_drilling(app_warehouse, facts):
    earlier = int(sorted(facts["time_period"].unique())[-2])
    row = facts[(facts["time_period"] == earlier) & facts["partnership"].notna()].iloc[0]
    # a link naming only the partnership opens it inside its own locality
    at = open_page(
        PAGE,
        {
            "level": "Partnership",
            "partnership": row["partnership"],
            "year": str(earlier),
            "section": "Schools",
        },
    )
    assert_no_exception(at)
    assert at.radio(key="url-level").value == "Partnership"
    assert at.selectbox(key="url-partnership").value == row["partnership"]
    assert at.selectbox(key="url-locality").value == row["locality"]
    assert at.selectbox(key="url-year").value == earlier
    assert _param(at, "locality", default=row["locality"]) == row["locality"]

    # the schools of the partnership are listed; drill into one
    at.selectbox(key="drill-choice").set_value(str(row["urn"])).run()
    at.button(key="drill-open").click().run()
    assert_no_exception(at)
    assert at.radio(key="url-level").value == "School"
    assert str(at.selectbox(key="url-school").value) == str(row["urn"])
    assert _param(at, "level") == "School" and _param(at, "school") == str(row["urn"])
    # a school has no areas below it: its first tab opens
    assert [t.label for t in at.tabs] == TABS[:3]
    titles = [s["title"] for s in chart_specs(at)]
    assert len(titles) == 2
    assert titles[0].startswith(f"Suspension rate, {row['school_name']}")
    assert titles[1].startswith(f"Suspensions each year, {row['school_name']}")

    # breadcrumbs lead back up
    at.button(key="crumb-Locality").click().run()
    assert at.radio(key="url-level").value == "Locality"
    assert _param(at, "level") == "Locality"
    # drilling from the partnerships tab keeps the areas one level down open
    at.session_state["section"] = "Partnerships"
    at.run()
    at.button(key="crumb-County").click().run()
    assert _param(at, "level") == "County"
    assert _param(at, "section") == "Localities"
    assert [s["title"][:31] for s in chart_specs(at)] == ["Suspension rate by locality, Ox"]

    # changing a widget rewrites the address
    at.query_params["section"] = at.session_state["section"] = "Groups of pupils"  # a click
    at.run()
    # (rates need the group's pupils: the census gives them by FSM, SEN and NC year)
    at.selectbox(key="url-group").set_value("FSM eligibility").run()
    assert _param(at, "group") == "FSM eligibility"
    at.radio(key="url-measure").set_value("one_plus_susp_rate").run()
    assert _param(at, "measure") == "one_plus_susp_rate"
    assert chart(at, "Pupils suspended at least once by")


def _param(at, name: str, default: str | None = None) -> str | None:
    """The address's value for ``name``; a missing parameter means the page's ``default``
    (only the year is always written: explorer.url_state.ALWAYS_IN_ADDRESS)."""
    value = at.query_params.get(name, default)
    return value[0] if isinstance(value, list) else value


def test_suppressed_school_figures_say_suppressed(app_warehouse, facts):
    latest = int(facts["time_period"].max())
    small = facts[
        (facts["time_period"] == latest)
        & facts["perm_excl"].isin([1, 2])
        & facts["partnership"].notna()
    ]
    assert not small.empty
    school = small.iloc[0]
    at = open_page(PAGE, {"level": "School", "school": str(school["urn"])})
    assert_no_exception(at)
    assert _param(at, "partnership") == school["partnership"]  # every school listed: no picker
    shown = metrics(at)
    assert shown["Permanent exclusions (exclusions)"] == "Suppressed"
    assert shown["Permanent exclusion rate (per 100 pupils)"] == "Suppressed"
    assert shown["Suspensions (suspensions)"] in {"Suppressed", f"{school['susp']:,.0f}"}
    assert str(school["school_name"]) in at.header[0].value
    # no phase or child sections for a single school, and no hidden number in any table
    titles = [str(s.get("title")) for s in chart_specs(at)]
    assert not any("by school phase" in t for t in titles)
    for frame in (df.value for df in at.dataframe):
        for column in ("perm_excl", "susp", "one_plus_susp"):
            if column in frame:
                assert not frame[column].dropna().isin([1, 2]).any()


def test_tiny_reason_rates_never_read_as_zero(app_warehouse, facts):
    """Permanent exclusions by reason are a few among ~100,000 pupils: 0.003 per 100, which
    two decimals would print as 0.00. Bar labels and the table keep three decimals, the
    reasons axis has no redundant title, and the page says why breakdowns need not add up."""
    at = open_page(PAGE, {"measure": "perm_excl_rate", "section": "Reasons"})
    assert_no_exception(at)
    frames = chart(at, "Permanent exclusion rate by reason")
    drawn = next(f for f in frames if {"reason", "shown", "label"} <= set(f.columns))
    tiny = drawn[(drawn["shown"] > 0) & (drawn["shown"] < 0.01)]
    assert not tiny.empty  # else this test could not fail
    for shown, label in zip(drawn["shown"], drawn["label"], strict=True):
        assert label == ("Suppressed" if pd.isna(shown) else f"{shown:,.3f}")
    assert "0.00" not in set(tiny["label"])
    spec = next(
        s
        for s in chart_specs(at)
        if str(s.get("title", "")).startswith("Permanent exclusion rate by")
    )
    assert all(
        layer["encoding"]["y"].get("title") is None
        for layer in spec["layer"]
        if "y" in layer.get("encoding", {})
    )
    table = next(df for df in at.dataframe if "reason" in df.value.columns)
    assert json.loads(table.proto.columns)["perm_excl_rate"]["type_config"]["format"] == "%.3f"
    captions = " ".join(c.value for c in at.caption)
    assert "council's exclusions log" in captions and "not by sex or ethnicity" in captions


def test_many_areas_chart_the_two_ends_and_table_every_one(app_warehouse, facts, monkeypatch):
    """More localities than layout.MAX_LOCALITY_TILES (every LA nationally): the chart draws
    the highest and lowest third of that many, the table still ranks every locality, and
    the county's definitions and headline tiles are unchanged."""
    from explorer import layout

    monkeypatch.setattr(layout, "MAX_LOCALITY_TILES", 6)  # 9 localities: 2 and 2 drawn
    at = open_page(PAGE, {"section": "Localities"})
    assert_no_exception(at)
    latest = int(facts["time_period"].max())
    now = facts[facts["time_period"] == latest]
    rates = {loc: rate(group, "susp") for loc, group in now.groupby("locality")}
    ranked = sorted(rates, key=lambda loc: (-rates[loc], loc))
    assert len(ranked) == 9

    frames = chart(at, "Suspension rate by locality, Oxfordshire")
    drawn = bars(frames, "name")
    assert set(drawn) == {*ranked[:2], *ranked[-2:]}
    for locality, value in drawn.items():
        assert value == pytest.approx(rates[locality])
    spec = next(s for s in chart_specs(at) if "by locality" in str(s.get("title")))
    assert spec["title"].endswith(": the 2 highest and 2 lowest")

    table = next(df.value for df in at.dataframe if "rank" in df.value.columns)
    assert table["name"].tolist() == ranked  # every locality, highest rate first
    assert table["rank"].tolist() == list(range(1, 10))
    assert table["susp_rate"].tolist() == pytest.approx([rates[loc] for loc in ranked])
    assert any("the table ranks all 9 localities" in c.value for c in at.caption)
    # every locality can still be opened from the picker below the table
    assert len(at.selectbox(key="drill-choice").options) == 9
    # the tiles: each count sits above its rate, and they read the Parquet sums
    shown = metrics(at)
    assert shown["Suspension rate (per 100 pupils)"] == f"{rate(now, 'susp'):,.2f}"
    assert shown["Permanent exclusions (exclusions)"] == f"{now['perm_excl'].sum():,.0f}"
    # reading order: each count, then its rate (the tiles' units say which is which)
    units = [m.label.rsplit("(", 1)[1] for m in at.metric]
    assert len(units) == 6
    assert not any("per 100" in u or "%" in u for u in units[0::2])
    assert all("per 100" in u or "%" in u for u in units[1::2])


def test_a_group_without_census_pupils_shows_counts_not_suppressed_rates(app_warehouse):
    """The council's log gives pupils by ethnicity but the census gives no pupils by
    ethnicity: the tab shows the counts and says why there are no rates; no figure that
    does not exist reads "Suppressed"."""
    at = open_page(
        PAGE,
        {"level": "Locality", "locality": "Banbury", "section": "Groups of pupils",
         "group": "Ethnicity major"},
    )  # fmt: skip
    assert_no_exception(at)
    assert not chart_specs(at)
    assert any("No rates by ethnicity" in i.value for i in at.info)
    table = next(df for df in at.dataframe if "characteristic" in df.value.columns)
    assert "pupils_in_group" not in table.value.columns
    assert not any(c in table.value.columns for c in ("susp_rate", "perm_excl_rate"))
    assert table.value["susp"].notna().all()  # the log's counts are all known
    # a group the census has (FSM) keeps its rates and chart
    at = open_page(
        PAGE,
        {"level": "Locality", "locality": "Banbury", "section": "Groups of pupils",
         "group": "FSM eligibility"},
    )  # fmt: skip
    assert chart_specs(at)
    table = next(df for df in at.dataframe if "characteristic" in df.value.columns).value
    groups = table[table["characteristic"].ne(REMAINDER_LABEL)]
    assert groups["pupils_in_group"].notna().all()
    # the parts add up to the row for all pupils
    whole = table[table["characteristic"].eq(TOTAL_LABEL)].iloc[0]
    parts = table[~table["characteristic"].eq(TOTAL_LABEL)]
    assert pd.to_numeric(parts["susp"], errors="coerce").sum() == whole["susp"]


def test_a_figure_never_published_reads_not_published_not_suppressed(app_warehouse, facts):
    """Pupils suspended at least once are not published by year after 2020/21 (the school
    file is termly): the trend table says so; a hidden small number still reads
    'Suppressed'."""
    at = open_page(PAGE, {"level": "County"})
    assert_no_exception(at)
    table = next(df for df in at.dataframe if "year" in df.value.columns).value
    termly = set(facts.loc[facts["terms"].notna(), "time_period"])
    assert termly  # the demo's termly years
    by_year = table.set_index("year")
    for period in termly:
        label = f"{period // 100}/{period % 100:02d}"
        assert by_year.loc[label, "one_plus_susp"] == "Not published"
        assert by_year.loc[label, "one_plus_susp_rate"] == "Not published"
        assert by_year.loc[label, "susp"] not in ("Not published", "Suppressed")
    full_year = table[~table["year"].isin([f"{p // 100}/{p % 100:02d}" for p in termly])]
    assert not full_year["one_plus_susp"].astype(str).eq("Not published").any()


def test_county_reasons_compare_with_the_region_and_england(app_warehouse, demo_warehouse):
    """The DfE publishes reasons for areas only: the county's Reasons tab sets its LA row's
    share of suspensions by reason beside the region's and England's (independent sums of
    benchmark_breakdowns)."""
    latest = int(pd.read_parquet(demo_warehouse / "exclusions.parquet")["time_period"].max())
    at = open_page(PAGE, {"level": "County", "section": "Reasons", "year": str(latest)})
    assert_no_exception(at)
    table = next(df for df in at.dataframe if "Oxfordshire" in df.value.columns).value
    assert {"South East", "England"} <= set(table.columns)
    raw = pd.read_parquet(demo_warehouse / "benchmark_breakdowns.parquet")
    raw = raw[raw["breakdown"].eq("reason") & raw["time_period"].eq(latest)]
    for area in ("Oxfordshire", "England"):
        rows = raw[raw["area_name"].eq(area)].set_index("characteristic")["susp"]
        expected = 100 * rows / rows.sum()
        got = table.set_index("reason")[area]
        known = got.notna()
        assert known.sum() >= 10
        assert (got[known] - expected.reindex(got.index)[known]).abs().max() < 1e-9
    # not shown below the county (the DfE has no reasons for localities)
    at = open_page(PAGE, {"level": "Locality", "locality": "Banbury", "section": "Reasons"})
    assert not any("Oxfordshire" in df.value.columns for df in at.dataframe)
