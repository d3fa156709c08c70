"""Helpers for driving pages with streamlit.testing.v1.AppTest through app.py's navigation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

PROJECT_DIR = Path(__file__).resolve().parents[1]
APP = PROJECT_DIR / "app.py"


def open_page(
    page_file: str, query_params: dict[str, str] | None = None, timeout: float = 60
) -> AppTest:
    """Run app.py, switch to ``app_pages/<page_file>`` with the given URL query parameters, and
    return the AppTest after the run. Use the ``app_warehouse`` fixture alongside."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page_file}")
    at.run()
    return at


def open_each_tab(
    page_file: str, query_params: dict[str, str], param: str, labels: list[str]
) -> dict[str, AppTest]:
    """``open_page`` once per tab of a tab group bound to the URL parameter ``param`` (only
    the open tab is drawn): {tab label: the page with that tab open}."""
    return {label: open_page(page_file, {**query_params, param: label}) for label in labels}


def chart_title(spec: dict) -> str:
    """A chart's title as one line: long titles are set as a list of lines (charts.title_lines),
    and a title with a subtitle as {"text": ...}."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)


def chart_specs(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of every Altair chart on the page, parsed."""
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def inline_datasets(spec: dict) -> list[list[dict]]:
    """Every inline data array of a Vega-Lite spec (top-level ``datasets`` and inline
    ``data.values`` in any layer), so tests can assert on what a chart draws."""
    found: list[list[dict]] = list((spec.get("datasets") or {}).values())

    def walk(node: object) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                found.append(data["values"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return found


def assert_no_exception(at: AppTest) -> None:
    """The page ran without an uncaught exception and showed no st.exception."""
    assert not at.exception, [e.value for e in at.exception]


def as_read(markdown: str) -> str:
    """Markdown text as a reader sees it: the backslash escapes and word joiners that
    explorer.text.md puts around names from data taken out (AppTest gives the source)."""
    from explorer.text import JOINER

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace(JOINER, ""))
