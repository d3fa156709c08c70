"""What a page builds from the warehouse alone is worked out once per build and viewer, not
once per visitor (explorer.data.per_build), and a cached chart is a finished spec whose
tables are inline (explorer.charts.finished): under load these halved the server's CPU per
page load (docs/performance.md)."""

from __future__ import annotations

import io
import json
import re

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st

from contract import settings
from contract.access import ANONYMOUS, EVERYONE
from explorer import access, charts, data

CALLS: list[tuple] = []


@data.per_build()
def _made(area: str, year: int) -> dict:
    CALLS.append((area, year))
    return {"area": area, "year": year, "list": [1, 2]}


@data.per_build()
def _asked_as(state_key: str) -> str:
    """Who the queries inside would be answered for, after the run's viewer changed
    (a role granted, the settings edited) while the result was being made."""
    STATE[state_key] = ANONYMOUS
    return access.viewer_key()


STATE: dict = {}


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch):
    """A clean cache, a build id and a viewer (the run's) the test sets."""
    st.cache_data.clear()
    CALLS.clear()
    STATE.clear()
    STATE.update(build="build-1", viewer=EVERYONE)
    monkeypatch.setattr(data, "build_id", lambda: STATE["build"])
    monkeypatch.setattr(access, "_viewer_of_this_run", lambda: STATE["viewer"])
    yield STATE
    st.cache_data.clear()


def test_a_result_is_made_once_per_build_and_viewer(fresh) -> None:
    assert _made("Banbury", 2024) == {"area": "Banbury", "year": 2024, "list": [1, 2]}
    _made("Banbury", 2024)
    assert CALLS == [("Banbury", 2024)]
    _made("Bicester", 2024)
    assert CALLS[-1] == ("Bicester", 2024)
    fresh["viewer"] = ANONYMOUS  # another viewer may see other figures: made again
    _made("Banbury", 2024)
    fresh["build"] = "build-2"  # a new build: made again
    _made("Banbury", 2024)
    assert CALLS == [("Banbury", 2024), ("Bicester", 2024)] + [("Banbury", 2024)] * 2


def test_each_caller_gets_its_own_copy(fresh) -> None:
    first = _made("Banbury", 2024)
    first["list"].append(3)
    assert _made("Banbury", 2024)["list"] == [1, 2]


def test_a_result_is_made_as_the_viewer_it_is_kept_for(fresh) -> None:
    """The key says everyone; the run's viewer turns into the public's while the result is
    made: what the function asks for is still answered for the key's viewer, so the public
    is never handed a result made from more than it may see, or the other way round."""
    assert _asked_as("viewer") == EVERYONE.key
    assert access.viewer_key() == ANONYMOUS.key  # outside, the run's viewer again


@pytest.mark.parametrize("switch", ["validate", "debug"])
def test_a_result_made_without_the_chart_checks_is_not_given_to_a_test_that_checks(
    fresh, monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    from altair.utils import schemapi

    def checks(on: bool) -> None:
        if switch == "validate":
            monkeypatch.setattr(charts._Unchecked, "validate", on)
        else:
            monkeypatch.setattr(schemapi, "DEBUG_MODE", on)

    checks(False)
    _made("Banbury", 2024)
    checks(True)
    _made("Banbury", 2024)
    assert len(CALLS) == 2


def test_keyword_arguments_are_refused(fresh) -> None:
    with pytest.raises(TypeError, match="per_build takes positional arguments"):
        _made(area="Banbury", year=2024)


def _layered() -> alt.LayerChart:
    frame = pd.DataFrame({"year": [2023, 2024], "value": [1.5, None], "name": ["A", "B"]})
    other = pd.DataFrame({"year": [2023], "value": [9.0], "name": ["England"]})
    line = alt.Chart(frame).mark_line().encode(x="year:O", y="value:Q")
    dots = alt.Chart(other).mark_point().encode(x="year:O", y="value:Q", tooltip=["name:N"])
    return alt.layer(line, dots).properties(title="Two layers")


def _table(arrow_bytes: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(arrow_bytes)).read_all().to_pandas()


def test_a_finished_chart_carries_its_tables_as_arrow_bytes() -> None:
    spec = charts.finished(_layered()).spec
    tables = {name: _table(value) for name, value in spec["datasets"].items()}
    assert all(isinstance(value, bytes) for value in spec["datasets"].values())
    assert sorted(len(t) for t in tables.values()) == [1, 2]
    two = next(t for t in tables.values() if len(t) == 2)
    assert two["value"].iloc[0] == 1.5 and pd.isna(two["value"].iloc[1])
    assert list(two["name"]) == ["A", "B"]
    assert spec["title"] == "Two layers"
    assert {layer["data"]["name"] for layer in spec["layer"]} == set(spec["datasets"])


def _named_apart(spec: dict) -> str:
    """The spec as text without its tables, their names numbered in order of use."""
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    for number, name in enumerate(dict.fromkeys(re.findall(r'"name": "([^"]+)"', text))):
        text = text.replace(f'"{name}"', f'"table-{number}"')
    return text


def test_a_finished_chart_is_the_spec_streamlit_would_have_drawn() -> None:
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    ours = charts.finished(_layered()).spec
    streamlits = _convert_altair_to_vega_lite_spec(charts._Unchecked(_layered()))
    assert _named_apart(ours) == _named_apart(streamlits)
    assert sorted(map(len, map(_table, ours["datasets"].values()))) == sorted(
        map(len, map(_table, streamlits["datasets"].values()))
    )


def test_a_finished_chart_does_not_use_altairs_data_transformer() -> None:
    """Streamlit swaps Altair's data transformer (a global) while it draws a chart in
    another thread: a chart finished meanwhile must not pick it up."""

    def refuse(_data):
        raise AssertionError("the data transformer was used")

    alt.data_transformers.register("refuse", refuse)
    try:
        with alt.data_transformers.enable("refuse"):
            spec = charts.finished(_layered()).spec
    finally:
        alt.data_transformers._plugins.pop("refuse", None)
    assert len(spec["datasets"]) == 2


def test_geography_stays_in_the_spec() -> None:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-1.3, 52.0]},
        "properties": {"locality": "Banbury"},
    }
    spec = charts.VegaLiteSpec({"datasets": {"shapes": [feature], "dots": [{"a": 1}]}})
    converted = charts.with_arrow_tables(spec).spec["datasets"]
    assert converted["shapes"] == [feature]
    assert list(_table(converted["dots"])["a"]) == [1]


def test_the_settings_are_parsed_once_per_content_and_read_each_time(tmp_path) -> None:
    source = (settings.DEFAULT_DATA_DIR / "config.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(source, encoding="utf-8")
    first = settings.load_config(path)
    assert settings.load_config(path) is first  # same content: parsed once
    changed = source.replace(f'name = "{first.council.name}"', 'name = "Testshire"', 1)
    assert changed != source
    path.write_text(changed, encoding="utf-8")
    assert settings.load_config(path).council.name == "Testshire"  # changed: read again
    path.write_text("not toml [", encoding="utf-8")
    with pytest.raises(settings.ConfigError, match="not valid TOML"):
        settings.load_config(path)


def test_the_projection_page_and_its_cached_chart_share_one_backtest() -> None:
    """explorer.send_projections._backtest: the chart and the page's text read the same
    backtest; a series too short for one says why instead of failing the page."""
    from analysis import projections
    from explorer import send_projections

    years = list(range(2010, 2024))
    values = [100.0 * 1.05**i for i in range(len(years))]
    back, test, why_none = send_projections._backtest(years, values)
    assert back == send_projections.BACKTEST_YEARS and why_none is None
    assert test is not None and len(test) == back
    short = projections.MIN_YEARS
    back, test, why_none = send_projections._backtest(years[:short], values[:short])
    assert back == 0 and test is None
    assert isinstance(why_none, projections.ProjectionError)
