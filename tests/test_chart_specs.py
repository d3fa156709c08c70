"""Charts are drawn without Altair's schema check at run time (server time), and checked
against the Vega-Lite schema in every page test instead (the ``app_warehouse`` fixture)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError
from streamlit.testing.v1 import AppTest

from explorer import charts


def _bad_chart() -> alt.Chart:
    """A chart Vega-Lite refuses (a width that is neither a number nor a keyword)."""
    frame = pd.DataFrame({"year": [2023, 2024], "value": [1.0, 2.0]})
    return alt.Chart(frame, width="wide").mark_line().encode(x="year:O", y="value:Q")


def test_the_app_turns_a_chart_into_its_spec_without_the_schema_check() -> None:
    spec = charts._Unchecked(_bad_chart()).to_dict()
    assert spec["width"] == "wide" and spec["mark"]["type"] == "line"


def test_the_same_chart_with_the_check_on_is_refused() -> None:
    with pytest.raises(SchemaValidationError):
        _bad_chart().to_dict(validate=True)


def _draw_bad_chart() -> None:
    import altair as alt
    import pandas as pd

    from explorer.charts import show_chart

    frame = pd.DataFrame({"year": [2023, 2024], "value": [1.0, 2.0]})
    show_chart(alt.Chart(frame, width="wide").mark_line().encode(x="year:O", y="value:Q"))


def test_a_page_test_fails_on_a_chart_vega_lite_refuses(app_warehouse) -> None:
    at = AppTest.from_function(_draw_bad_chart).run()
    assert at.exception and "wide" in at.exception[0].value


def test_a_page_test_draws_a_good_chart(app_warehouse) -> None:
    def draw() -> None:
        import altair as alt
        import pandas as pd

        from explorer.charts import show_chart

        frame = pd.DataFrame({"year": [2023, 2024], "value": [1.0, 2.0]})
        show_chart(alt.Chart(frame).mark_line().encode(x="year:O", y="value:Q"))

    at = AppTest.from_function(draw).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")) == 1


def test_the_app_makes_chart_parts_without_the_schema_check() -> None:
    """Altair's debug mode checks each Scale(), Axis() and mark as it is made; the app
    turns it off when explorer.charts is imported."""
    from altair.utils import schemapi

    assert schemapi.DEBUG_MODE is False
    assert alt.Scale(type="wavy").to_dict(validate=False) == {"type": "wavy"}


def test_a_page_test_fails_on_a_chart_part_vega_lite_refuses(app_warehouse) -> None:
    def draw() -> None:
        import altair as alt
        import pandas as pd

        from explorer.charts import show_chart

        frame = pd.DataFrame({"year": [2023, 2024], "value": [1.0, 2.0]})
        y = alt.Y("value:Q", scale=alt.Scale(type="wavy"))
        show_chart(alt.Chart(frame).mark_line().encode(x="year:O", y=y))

    at = AppTest.from_function(draw).run()
    assert at.exception and "wavy" in at.exception[0].value


def test_every_chart_is_drawn_through_show_chart() -> None:
    """A direct st.altair_chart call would draw with the schema checks on: slower on every
    run, for nothing the page tests do not already check."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    direct = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("explorer", "app_pages", "packs")
        for path in sorted((root / folder).rglob("*.py"))
        if path.name != "charts.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "altair_chart(" in line and not line.lstrip().startswith("#")
    ]
    assert direct == []
