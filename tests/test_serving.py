"""Serving across rebuilds (issue 21 part 6): one connection per live build, pages that
degrade to one plain message when a warehouse file vanishes, deferred downloads that read
the build they were offered from."""

from __future__ import annotations

import gc
import json
import os
import shutil
import weakref
from pathlib import Path

import pytest
import streamlit as st

from explorer import data


def copy_build(source: Path, target: Path, build_id: str) -> Path:
    """A copy of a warehouse build under another build id (what a rebuild makes)."""
    shutil.copytree(source, target)
    report_path = target / "build_report.json"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report["build_id"] = build_id
    report_path.write_text(json.dumps(report), encoding="utf-8")
    return target


def point(link: Path, build: Path) -> None:
    """Move the warehouse link to ``build`` atomically, as etl.build._swap does."""
    temporary = link.with_name(".warehouse.tmp")
    os.symlink(os.path.relpath(build, link.parent), temporary, target_is_directory=True)
    os.replace(temporary, link)


@pytest.fixture
def two_builds(tmp_path: Path, demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """Builds ``a`` and ``b`` (copies of the demo build) and the warehouse link on ``a``,
    set as the app's warehouse; the app's caches are emptied before and after."""
    builds = tmp_path / "builds"
    a = copy_build(demo_warehouse, builds / "a", "build-a")
    b = copy_build(demo_warehouse, builds / "b", "build-b")
    link = tmp_path / "warehouse"
    point(link, a)
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(link))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield link, a, b
    st.cache_resource.clear()
    st.cache_data.clear()


def underlying(held) -> object:
    """The DuckDB connection the app caches (a HeldConnection's, or the bare one)."""
    return getattr(held, "con", held)


def test_a_rebuild_closes_the_old_builds_connection_once_unused(two_builds) -> None:
    link, a, b = two_builds
    assert data.query("list_localities")["locality"].tolist()
    old = weakref.ref(underlying(data.live_connection()))
    mid_run = data.connection()  # a run that started on build a and is still going

    point(link, b)
    assert data.build_id() == "build-b"
    assert data.query("list_localities")["locality"].tolist()
    # the run still holding build a's cursor can finish its page
    assert mid_run.execute("SELECT count(*) FROM schools").fetchone()[0] > 0
    assert old() is not None and underlying(data.live_connection()) is not old()

    del mid_run
    gc.collect()
    # nothing holds build a any more: its connection is closed and freed
    assert old() is None
    assert data.live_connection().cursors == 0


def test_twenty_rebuilds_hold_one_connection(two_builds) -> None:
    link, a, b = two_builds
    seen: list[weakref.ref] = []
    for n in range(20):
        point(link, b if n % 2 else a)
        # a fresh build id each time, as every rebuild has
        report = json.loads((link / "build_report.json").read_text(encoding="utf-8"))
        report["build_id"] = f"build-{n}"
        (link / "build_report.json").write_text(json.dumps(report), encoding="utf-8")
        assert data.query("list_localities")["locality"].tolist()
        seen.append(weakref.ref(underlying(data.live_connection())))
    gc.collect()
    assert sum(ref() is not None for ref in seen) == 1


# --------------------------------------------------------------------------- missing files


def element_texts(at) -> list[str]:
    """The text of every element AppTest holds (its protobuf, printed), sidebar included."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return texts


@pytest.mark.parametrize(
    "gone",
    [
        "school_year.parquet",  # the table connect() cannot do without
        "exclusions.parquet",  # a table the build wrote: pages were silently empty
    ],
)
def test_every_page_says_plainly_that_a_missing_file_makes_its_data_unavailable(
    gone: str, tmp_path: Path, demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apptest_helpers import open_page

    from contract.pages import PAGES

    warehouse = copy_build(demo_warehouse, tmp_path / "damaged-build", f"damaged-{gone}")
    (warehouse / gone).unlink()
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(warehouse))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        for page in PAGES:
            if page.url_path == "accessibility":
                continue  # reads no data (its sidebar's search box does, checked with the rest)
            at = open_page(f"{page.url_path}.py")
            assert not at.exception, (page.url_path, [e.value for e in at.exception])
            assert [e.value for e in at.error] == [data.UNAVAILABLE], page.url_path
            leaked = [text for text in element_texts(at) if str(tmp_path) in text]
            assert not leaked, (page.url_path, leaked[:1])
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_a_file_gone_while_the_connection_is_open_is_a_message_too(
    app_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB reads a table's file when a query needs it: a build pruned under a running
    app fails then, naming the file. The page shows the message, not the path."""
    import duckdb
    from apptest_helpers import open_page

    import queries

    def vanished(*args, **kwargs):
        raise duckdb.IOException(f'No files found that match the pattern "{app_warehouse}/x"')

    monkeypatch.setattr(queries, "exclusion_trend", vanished)
    st.cache_data.clear()
    at = open_page("exclusions.py")
    assert not at.exception
    assert [e.value for e in at.error] == [data.UNAVAILABLE]
    assert not [text for text in element_texts(at) if str(app_warehouse) in text]


# --------------------------------------------------------------------------- deferred downloads


def rejects_rows(build) -> int:
    """Rows of a rejects CSV as a download gives it (the open file Streamlit reads)."""
    with build() as handle:
        return handle.read().decode("utf-8-sig").count("\r\n") - 1


def test_a_deferred_download_reads_the_build_it_was_offered_from(two_builds) -> None:
    import pandas as pd

    import queries
    from explorer.downloads import DeferredBuildCsv

    link, a, b = two_builds
    # build b rejected one row more than build a
    rejects_b = pd.read_parquet(b / "rejects.parquet")
    pd.concat([rejects_b, rejects_b.tail(1)]).to_parquet(b / "rejects.parquet", index=False)
    in_a = len(pd.read_parquet(a / "rejects.parquet"))

    offer = data.current_offer()  # the page drew its button on build a
    build = DeferredBuildCsv(offer, queries.write_rejects_csv)
    assert rejects_rows(build) == in_a  # live: read through a's own connection

    point(link, b)
    assert data.query("list_localities")["locality"].tolist()  # a run on b retires a
    gc.collect()
    assert offer.held() is None  # the offer does not keep a's connection open
    assert rejects_rows(build) == in_a  # a is still on disk: a's rows, not b's
    assert rejects_rows(DeferredBuildCsv(data.current_offer(), queries.write_rejects_csv)) == (
        in_a + 1
    )

    shutil.rmtree(a)  # pruned by a later build
    assert not data.offer_available(offer)
    with pytest.raises(data.BuildReplaced, match="has since been replaced: choose it again"):
        build()


def test_a_click_on_a_download_from_a_replaced_build_says_so(
    two_builds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit's own word for a download that cannot be made is a generic failure: the
    click's rerun says in plain words why, above the button offered again from the live
    build."""
    from apptest_helpers import open_page

    from explorer import downloads

    link, a, b = two_builds
    offer = data.current_offer()
    clicked = downloads.DeferredBuildCsv(offer, lambda con, path: None)
    clicked.started.set()  # the click's file has started being made
    state: dict = {}
    with monkeypatch.context() as patch:
        patch.setattr(st, "session_state", state)
        downloads._note_if_replaced(offer, "flag", clicked)
        assert state == {}  # build a is still there
        point(link, b)
        shutil.rmtree(a)
        downloads._note_if_replaced(offer, "flag", clicked)
        assert state == {"flag": True}

    assert os.environ[data.WAREHOUSE_ENV] == str(link)
    at = open_page("data_and_definitions.py")
    at.session_state["download-rejects-and-warnings-replaced"] = True
    at.run()
    assert not at.exception
    assert data.REPLACED in [w.value for w in at.warning]
    at.run()  # said once
    assert data.REPLACED not in [w.value for w in at.warning]


def test_a_download_made_on_the_click_cannot_lose_its_file_to_the_clicks_rerun(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit's browser asks for a deferred file and for a rerun at once, and a new run
    retires the button's old file id as it ends: a click whose rerun ended first made
    nothing. A table's CSV therefore asks for no rerun; a build download (whose rerun says
    when the build has been replaced) has its rerun wait until the file has started."""
    import threading
    import time

    from apptest_helpers import open_page

    from explorer import downloads

    monkeypatch.setenv(data.WAREHOUSE_ENV, str(demo_warehouse))
    at = open_page("county_overview.py")
    tables = [d.proto for d in at.get("download_button") if d.proto.deferred_file_id]
    assert tables and all(p.ignore_rerun for p in tables if "table (CSV)" in p.label)
    at = open_page("data_and_definitions.py")
    deferred = [d.proto for d in at.get("download_button") if d.proto.deferred_file_id]
    built = [p for p in deferred if p.label.startswith(("Download all", "Download the whole"))]
    assert built and not any(p.ignore_rerun for p in built)  # these rerun: and wait
    assert all(p.ignore_rerun for p in deferred if p not in built)

    deferred = downloads.DeferredBuildCsv(data.current_offer(), lambda con, path: None)
    state: dict = {}
    monkeypatch.setattr(st, "session_state", state)
    threading.Timer(0.3, deferred.started.set).start()
    started = time.monotonic()
    downloads._note_if_replaced(data.current_offer(), "flag", deferred)
    assert 0.25 < time.monotonic() - started < downloads.DOWNLOAD_START_WAIT_S
    monkeypatch.setattr(downloads, "DOWNLOAD_START_WAIT_S", 0.2)
    never = downloads.DeferredBuildCsv(data.current_offer(), lambda con, path: None)
    started = time.monotonic()
    downloads._note_if_replaced(data.current_offer(), "flag", never)  # bounded
    assert time.monotonic() - started < 1.5 and state == {}
    deferred().close()  # calling it sets started, and writes (here nothing)
    assert deferred.started.is_set()
