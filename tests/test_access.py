"""Sign-in roles and the council's own data (contract.access, queries.access): what each role
may see, enforced in the query layer for every named query and download, on the demo
warehouse. The browser half (signing in through a real OpenID provider) is
tests/browser/test_browser_sign_in.py."""

from __future__ import annotations

from pathlib import Path

import named_query_params
import pandas as pd
import pytest

import queries
from contract import catalogue, settings
from contract.access import ANONYMOUS, EVERYONE, Viewer, viewer_from_claims
from contract.schema import COUNCIL_TABLES
from queries import access, catalogue_sql, layers
from queries.layers import STAGING

ROLES = {"le-analysts": "analyst", "le-staff": "school", "le-everyone": "public"}
COUNCIL = catalogue.council_only()
#: Where the council's exclusions log lands (its school rows; the DfE's are benchmarks).
LOG_TABLES = frozenset({"exclusions_reason", "exclusions_characteristic"})


# --------------------------------------------------------------------------- roles


def test_a_role_comes_from_the_highest_group_mapped():
    assert viewer_from_claims({"groups": ["le-everyone", "le-analysts"]}, ROLES).role == "analyst"
    assert viewer_from_claims({"groups": "le-everyone"}, ROLES).role == "public"
    assert viewer_from_claims({"groups": ["someone-else"]}, ROLES).role == "public"
    assert viewer_from_claims({}, ROLES).role == "public"
    chair = viewer_from_claims({"groups": ["le-staff"], "partnership": "Banbury North"}, ROLES)
    assert chair == Viewer("school", "Banbury North")
    assert chair.sees_some_council_data and not chair.sees_all_council_data
    # a school role with no partnership (or several) is given none of the council's data
    for claims in ({"groups": ["le-staff"]}, {"groups": ["le-staff"], "partnership": ["a", "b"]}):
        nobody = viewer_from_claims(claims, ROLES)
        assert nobody.role == "school" and not nobody.sees_some_council_data
        assert nobody.key == "public"
    custom = viewer_from_claims({"roles": ["le-staff"], "team": "X"}, ROLES, "roles", "team")
    assert custom == Viewer("school", "X")


def test_a_viewer_round_trips_through_its_key():
    for viewer in (EVERYONE, Viewer("public"), Viewer("school", "A: B partnership")):
        assert Viewer.from_key(viewer.key) == viewer
    assert Viewer.from_key(None) == EVERYONE
    with pytest.raises(ValueError, match="Not a role"):
        Viewer("governor")


def test_sign_in_is_off_by_default_and_its_settings_fail_in_one_line(tmp_path: Path):
    assert settings.load_config().sign_in.enabled is False
    base = (Path(settings.DEFAULT_DATA_DIR) / "config.toml").read_text(encoding="utf-8")
    base = base.split("[sign_in]")[0]
    good = tmp_path / "good.toml"
    good.write_text(base + '[sign_in]\nenabled = true\n[sign_in.roles]\n"g" = "analyst"\n')
    loaded = settings.load_config(good).sign_in
    assert loaded.enabled and loaded.roles == {"g": "analyst"}
    for body, message in (
        ('[sign_in]\nenabled = "yes"\n', "enabled must be true or false"),
        ('[sign_in]\n[sign_in.roles]\n"g" = "governor"\n', "g = 'governor' is not a role"),
    ):
        bad = tmp_path / "bad.toml"
        bad.write_text(base + body)
        with pytest.raises(settings.ConfigError, match=message) as error:
            settings.load_config(bad)
        assert "\n" not in str(error.value)


def test_the_council_only_measures_are_those_of_the_councils_tables():
    assert COUNCIL == {
        "topup_amount",
        "topup_pupils",
        "place_funding",
        "high_needs_places",
        "send_part_time",
        "send_in_ap",
        "ehc_placed",
    }
    assert {catalogue.measure(m).table for m in COUNCIL} == COUNCIL_TABLES


# --------------------------------------------------------------------------- every query has a rule


def _reads_of_everything(con) -> dict[str, frozenset[str]]:
    """Every view and named query -> the warehouse tables it reads, through any view."""
    views = {
        name: catalogue_sql.expand(path.read_text(encoding="utf-8"))
        for name, path in layers.view_files().items()
    } | {catalogue_sql.VIEW: catalogue_sql.measure_fact_sql()}
    named = {
        name: catalogue_sql.expand(path.read_text(encoding="utf-8"))
        for name, path in layers.named_files().items()
    }
    macros = layers.macro_reads(con)
    direct = {
        name: layers.resolve(layers.parse(sql), macros).relations
        for name, sql in {**views, **{f"named:{n}": s for n, s in named.items()}}.items()
    }
    tables: dict[str, frozenset[str]] = {}

    def tables_of(name: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if name in tables:
            return tables[name]
        found: set[str] = set()
        for relation in direct.get(name, ()):
            if relation in direct and relation not in seen:
                found |= tables_of(relation, seen | {name})
            else:
                found.add(relation)
        tables[name] = frozenset(found)
        return tables[name]

    return {n: tables_of(f"named:{n}") for n in named}


def test_every_named_query_reading_the_councils_data_has_an_access_rule(demo_con):
    """A named query that reads a council table or the exclusions log's tables (through any
    view) has a rule in queries.access.RULES, or is declared to return none of their
    figures (CARRIES_NONE, with why). A new query must say which it is."""
    reads = _reads_of_everything(demo_con)
    council_readers = {n for n, t in reads.items() if t & (COUNCIL_TABLES | LOG_TABLES)}
    assert "funding_share" in council_readers and "exclusions_by_reason" in council_readers
    undeclared = council_readers - set(access.RULES) - set(access.CARRIES_NONE)
    assert undeclared == set(), f"named queries with no access rule: {sorted(undeclared)}"
    stale = (set(access.RULES) | set(access.CARRIES_NONE)) - set(reads)
    assert stale == set(), f"rules for named queries that do not exist: {sorted(stale)}"
    assert not set(access.RULES) & set(access.CARRIES_NONE)


def test_a_named_query_reading_a_council_table_without_a_rule_is_found(demo_con, monkeypatch):
    """The check above can fail: take funding_share's rule away."""
    monkeypatch.delitem(access.RULES, "funding_share")
    reads = _reads_of_everything(demo_con)
    council_readers = {n for n, t in reads.items() if t & (COUNCIL_TABLES | LOG_TABLES)}
    assert "funding_share" in council_readers - set(access.RULES) - set(access.CARRIES_NONE)


# --------------------------------------------------------------------------- what each role sees


def _council_figures(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows of a named query's result that carry the council's own figures."""
    rule = access.RULES.get(name)
    if rule is None or frame.empty:
        return frame.iloc[0:0]
    if rule.rows == "all":
        return frame
    if rule.rows == "columns":
        present = [c for c in rule.columns if c in frame]
        return frame[frame[present].notna().any(axis=1)] if present else frame.iloc[0:0]
    return frame[frame["measure"].isin(COUNCIL)]


def _runs(con, viewer: Viewer):
    cursor = access.scope(con.cursor(), viewer)
    try:
        for name in sorted(access.RULES):
            _, parameters = queries._query_text(name)
            for combo in named_query_params.combinations(cursor, parameters, name):
                yield name, combo, queries.run(cursor, name, **combo)
    finally:
        cursor.close()


def test_the_public_sees_none_of_the_councils_figures_in_any_named_query(demo_con):
    unscoped = shown = 0
    everything = {
        (name, tuple(sorted(combo.items(), key=str))): len(_council_figures(frame, name))
        for name, combo, frame in _runs(demo_con, EVERYONE)
    }
    unscoped = sum(everything.values())
    for name, combo, frame in _runs(demo_con, ANONYMOUS):
        if name == "list_measures":
            assert not frame["measure"].isin(COUNCIL).any()
            continue
        figures = _council_figures(frame, name)
        assert figures.empty, (name, combo, figures.head())
        shown += len(frame)
    assert unscoped > 500, "the demo's council data never appeared: the check could not fail"
    assert shown > 1000


def _own(frame: pd.DataFrame, name: str, partnership: str, schools: set[tuple[str, int]]):
    """Whether each row is about the partnership or one of its schools (that year)."""
    rule = access.RULES[name]
    level = frame["level"] if rule.level is None else pd.Series(rule.level, index=frame.index)
    area = frame[rule.area].astype(str)
    years = frame["time_period"].astype(int)
    return [
        (lv == "Partnership" and a == partnership) or (lv == "School" and (a, y) in schools)
        for lv, a, y in zip(level, area, years, strict=True)
    ]


def test_school_staff_see_the_councils_figures_for_their_own_partnership_only(demo_con):
    partnership = "Abingdon Town Partnership"
    schools = {
        (str(u), int(t))
        for u, t in demo_con.execute(
            "SELECT urn, time_period FROM school_year WHERE partnership = ?", [partnership]
        ).fetchall()
    }
    own_rows = 0
    for name, combo, frame in _runs(demo_con, Viewer("school", partnership)):
        figures = _council_figures(frame, name)
        rule = access.RULES[name]
        if name == "list_measures" or figures.empty:
            continue
        assert rule.area is not None, (name, "analysts only, yet shown")
        assert all(_own(figures, name, partnership, schools)), (name, combo)
        for column in rule.comparisons:
            assert figures[column].isna().all(), (name, column)
        own_rows += len(figures)
    # the partnership's own rows among a fixed sample of each query's parameters (35 since
    # the EHC placement measures joined the catalogue): enough that the check could fail
    assert own_rows > 20
    cursor = access.scope(demo_con.cursor(), Viewer("school", partnership))
    other = queries.exclusions_by_reason(cursor, "Partnership", "Abingdon North Partnership")
    mine = queries.exclusions_by_reason(cursor, "Partnership", partnership)
    shares = queries.funding_share(cursor)
    assert other.empty and not mine.empty
    assert shares["partnership"].tolist() == [partnership]
    cursor.close()


def test_an_analyst_sees_what_an_unscoped_connection_sees(demo_con):
    cursor = access.scope(demo_con.cursor(), Viewer("analyst"))
    for name in ("funding_share", "exclusions_by_reason", "measure_by_area"):
        _, parameters = queries._query_text(name)
        combo = named_query_params.combinations(demo_con, parameters, name)[0]
        pd.testing.assert_frame_equal(
            queries.run(cursor, name, **combo), queries.run(demo_con, name, **combo)
        )
    cursor.close()


# --------------------------------------------------------------------------- downloads


@pytest.mark.parametrize("table", queries.DOWNLOADABLE)
def test_a_download_carries_what_the_pages_do(demo_con, table, tmp_path):
    partnership = "Abingdon Town Partnership"
    everyone = queries.table_for_download(demo_con, table)
    for viewer in (ANONYMOUS, Viewer("school", partnership)):
        cursor = access.scope(demo_con.cursor(), viewer)
        frame = queries.table_for_download(cursor, table)
        written = queries.write_table_csv(cursor, table, tmp_path / "t.csv")
        assert written == len(frame) == int(queries.table_row_count(cursor, table)["rows"][0])
        assert len(queries.table_preview(cursor, table, limit=5)) == min(5, len(frame))
        if "measure" in frame and table != "measures":
            council = frame[frame["measure"].isin(COUNCIL)]
            if viewer.role == "public" or "level" not in frame:
                assert council.empty
            else:
                assert set(council["level"]) <= {"Partnership", "School"}
                assert set(council.loc[council["level"] == "Partnership", "area"]) <= {partnership}
        if table in ("exclusions_by_reason", "exclusions_by_characteristic", "funding_share"):
            assert len(frame) < len(everyone)
            if viewer.role == "public":
                assert frame.empty
        if table == "school_profile":
            assert frame["topup_amount"].notna().sum() < everyone["topup_amount"].notna().sum()
        if table == "rejects":
            assert frame["value"].isna().all()
            assert len(frame) == len(everyone)
        cursor.close()


def test_the_rejects_file_quotes_the_rejected_cells_for_analysts_only(demo_con, tmp_path):
    assert queries.table_for_download(demo_con, "rejects")["value"].notna().any()
    cursor = access.scope(demo_con.cursor(), ANONYMOUS)
    queries.write_rejects_csv(cursor, tmp_path / "r.csv")
    written = pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")
    assert len(written) == len(queries.rejects(demo_con)) and written["value"].isna().all()
    cursor.close()


def test_a_staging_view_is_never_a_download():
    """The downloads' SQL names whole public views only (never an unsuppressed layer)."""
    for table in queries.DOWNLOADABLE:
        assert layers.layer_of(table) not in (STAGING, "intermediate")


# --------------------------------------------------------------------------- packs


def _council_measures_shown(pack) -> set[str]:
    """The council-only measures a pack gives a figure for (the area's value)."""
    return {
        figure.measure
        for section in pack.sections
        for figure in section.figures
        if figure.measure in COUNCIL and figure.value is not None
    }


def test_a_pack_carries_the_councils_figures_only_for_whom_may_see_them(demo_con):
    """The pack of one partnership, built as each role: only an analyst and the partnership's
    own staff get its top-up funding; the public and another partnership's staff get none
    (the pack says it is the council's data instead)."""
    import packs

    own, other = "Abingdon Town Partnership", "Abingdon North Partnership"

    def shown_to(viewer: Viewer) -> set[str]:
        cursor = access.scope(demo_con.cursor(), viewer)
        try:
            return _council_measures_shown(packs.build_pack(cursor, "Partnership", own))
        finally:
            cursor.close()

    shown = shown_to(Viewer("analyst"))
    assert {"topup_amount", "topup_pupils"} <= shown, shown
    assert shown_to(Viewer("school", own)) == shown
    for viewer in (Viewer("public"), Viewer("school", other), ANONYMOUS):
        assert shown_to(viewer) == set(), viewer
