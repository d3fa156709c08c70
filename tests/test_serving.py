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
