"""A data pack as one printable, self-contained HTML page (and, through packs.pdf, a PDF).

Rendered from packs/templates/pack.html.j2 with autoescaping: this module turns the pack
into plain values (texts, numbers as displayed, chart coordinates); the template writes
the markup, so a name from the data can never become markup.

No external assets and no JavaScript: styles are inline in <style>, charts are inline
SVG. The first printed page is a summary of what stands out; each section then has its
sentences, this year's figures beside the comparators, a chart per rate and a table of
the years. Print rules keep a heading with what follows it and never cut a table or a
chart. Accessible: one h1, h2 per section, h3 per table, tables with captions and
``scope`` on header cells, every chart carries a text alternative with the values as
displayed, and each line has its own dash pattern so colour is never the only cue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from contract.catalogue import unit_format
from contract.formats import ESTIMATE_MARK, NO_DATA
from packs.model import (
    DEMO_NOTICE,
    SUPPRESSED,
    Board,
    BoardSummary,
    Estimate,
    Figure,
    Pack,
    Table,
)

# Okabe-Ito colours (distinguishable with colour-vision deficiency), one dash pattern each:
# the area, then the comparators in the pack's order (locality, county, England).
_AREA_STYLE = ("#0072B2", "", 2.4)
_REFERENCE_STYLES = {
    "locality": ("#009E73", "1.5 2.5", 1.8),
    "county": ("#B36200", "6 3", 1.6),
    "England": ("#555555", "9 3 2 3", 1.3),
}

#: Tables longer than this may break across printed pages, row by row.
LONG_TABLE_ROWS = 14

_CSS = """
:root { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; }
body { margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.8rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; border-bottom: 3px solid #0072B2; padding-bottom: .15rem;
     margin: 1.4rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: .9rem 0 .3rem; }
h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p { margin: .3rem 0; }
.meta { color: #333; }
.demo { border: 2px solid #9C0006; background: #FFF0F0; padding: .4rem .7rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .85rem; }
caption { text-align: left; font-size: .8rem; color: #444; padding-bottom: .2rem; }
th, td { border: 1px solid #bbb; padding: .1rem .3rem; vertical-align: top; }
thead th { background: #DDEBF7; text-align: left; }
tbody th { text-align: left; font-weight: 600; }
td.unit { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.suppressed, td.nodata { text-align: right; font-style: italic; }
ul.sentences { padding-left: 1.1rem; margin: .3rem 0 .5rem; }
ul.sentences li { margin-bottom: .15rem; }
.test { color: #444; font-size: .85em; }
.charts { display: flex; flex-wrap: wrap; gap: .3rem .5rem; margin: .2rem 0 .5rem; }
figure.chart { margin: 0; width: 160px; }
figure.chart figcaption { font-size: .8rem; font-weight: bold; }
.key { font-size: .72rem; font-weight: normal; margin-left: .8rem; }
.key svg { vertical-align: middle; }
.block { break-inside: avoid; page-break-inside: avoid; }
nav ol { columns: 2; }
dl.definitions { columns: 2; column-gap: 1.2rem; margin: .3rem 0; }
@media print { dl.definitions { columns: 3; column-gap: .9rem; } }
.definition { break-inside: avoid; page-break-inside: avoid; margin-bottom: .35rem; }
dl.definitions dt { font-weight: bold; }
dl.definitions dd { margin: 0; }
@page { size: A4; margin: 10mm 10mm 13mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 8pt; line-height: 1.2; }
  ul.sentences { columns: 2; column-gap: 1.4rem; }
  ul.sentences li { break-inside: avoid; page-break-inside: avoid; }
  h1 { font-size: 17pt; } h2 { font-size: 12.5pt; margin-top: 0; } h3 { font-size: 10pt; }
  table { font-size: 7.5pt; margin-bottom: .4rem; }
  caption { font-size: 7.5pt; }
  .summary { break-after: page; page-break-after: always; }
  section.pack-section { break-before: page; page-break-before: always; }
  section.flow { break-before: auto; page-break-before: auto; margin-top: 1.2rem; }
  nav, .no-print { display: none; }
  a { color: inherit; text-decoration: none; }
  table, figure, .block { break-inside: avoid; page-break-inside: avoid; }
  table.long { break-inside: auto; page-break-inside: auto; }
  /* reference matter, read when needed: a size smaller than the findings */
  #definitions-section, #notes { font-size: 6.5pt; line-height: 1.1; }
  /* each source with its measures, in columns like the definitions above them */
  ul.sources { columns: 3; column-gap: .9rem; padding-left: 1rem; margin: .2rem 0; }
  ul.sources li { break-inside: avoid; page-break-inside: avoid; }
  tr, .long h3, .long caption { break-inside: avoid; page-break-inside: avoid; }
  .long h3 { break-after: avoid; }
  thead { display: table-header-group; }
  /* the board is one page for the meeting: every KPI row, still legible on paper */
  section.board table { font-size: 6.8pt; line-height: 1.15; }
  section.board th, section.board td { padding: .05rem .2rem; }
}
"""


def display(value: float | int | str | None, unit: str | None) -> str:
    """A table cell as shown: numbers to the app's decimals, 'Suppressed', 'No data', and an
    estimate as '≈ 0.18 (0.15 to 0.21)' so a withheld cell never reads as exact or zero."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    if isinstance(value, str):
        return value
    if isinstance(value, Estimate):
        shown = f"{ESTIMATE_MARK} {_number(float(value), unit)}"
        if value.low is not None and value.high is not None:
            shown += f" ({_number(value.low, unit)} to {_number(value.high, unit)})"
        elif value.low is not None:
            shown += f" (at least {_number(value.low, unit)})"
        return shown
    return _number(value, unit)


def _number(value: float | int, unit: str | None) -> str:
    """The number to the unit's decimals, £ included, % not (the column header says it)."""
    return unit_format(unit).bare(float(value))


def axis_value(value: float, unit: str) -> str:
    """An axis label with its unit: '7.5%', '0.20 per 100', '46.0 points'."""
    return unit_format(unit).axis(value)


def figure_value(figure: Figure) -> str:
    """The headline value with its unit, e.g. '7.4 % of sessions', '£1,234', 'Suppressed'."""
    if figure.suppressed:
        return SUPPRESSED
    if figure.value is None:
        return NO_DATA
    number = display(figure.cell if figure.cell is not None else figure.value, figure.unit)
    return number if unit_format(figure.unit).prefix else f"{number} {figure.unit}"


def _style(name: str) -> tuple[str, str, float]:
    if name == "England":
        return _REFERENCE_STYLES["England"]
    if name.endswith(" locality"):
        return _REFERENCE_STYLES["locality"]
    return _REFERENCE_STYLES["county"]


def _axis_bounds(values: Sequence[float], unit: str) -> tuple[float, float]:
    """Round numbers just outside the values, at the unit's displayed precision or coarser,
    so the printed min and max labels are exactly where the axis starts and ends."""
    low, high = min(values), max(values)
    # tenths at the coarsest: a mean's or a count's axis still steps by 0.1 on a flat line
    precision = 10.0 ** -max(unit_format(unit).decimals, 1)
    span = max(high - low, precision)
    step = max(precision, 10 ** math.floor(math.log10(span)) / 2)
    bottom = math.floor(low / step + 1e-9) * step
    top = math.ceil(high / step - 1e-9) * step
    if top <= bottom:
        top = bottom + step
    return bottom, top


TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _template(name: str = "pack.html.j2") -> jinja2.Template:
    return _environment().get_template(name)


def _macros() -> Any:
    """The pieces (table, chart, key) on their own, for the functions that return one."""
    return _environment().get_template("macros.html.j2").module


def _chart_data(figure: Figure, names: Sequence[str], area: str) -> dict[str, Any] | None:
    """The trend chart's coordinates and texts, or None when there is nothing to draw."""
    points = figure.trend
    if figure.kind not in ("rate", "mean") or len(points) < 2:
        return None
    own = [p.value if not p.suppressed else None for p in points]
    lines = [("area", area, own)]
    for index, name in enumerate(names):
        values = []
        for p in points:
            cell = p.references[index] if index < len(p.references) else None
            values.append(float(cell) if isinstance(cell, int | float) else None)
        lines.append(("reference", name, values))
    if len([v for v in own if v is not None]) < 2:
        return None
    shown = [v for _, _, values in lines for v in values if v is not None]
    bottom, top = _axis_bounds(shown, figure.unit)
    width, height, left, right, top_pad, bottom_pad = 160, 78, 60, 8, 7, 16

    def x(i: int) -> float:
        return left + i * (width - left - right) / (len(points) - 1)

    def y(v: float) -> float:
        return top_pad + (top - v) * (height - top_pad - bottom_pad) / (top - bottom)

    drawn = []
    # comparators first, so the area's line is drawn on top
    for kind, name, values in reversed(lines):
        colour, dash, stroke = _AREA_STYLE if kind == "area" else _style(name)
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x(i), y(v)))
        for run in (r for r in runs if r):
            drawn.append(
                {
                    "points": " ".join(f"{px:.1f},{py:.1f}" for px, py in run),
                    "colour": colour,
                    "stroke": stroke,
                    "dash": dash,
                    # a lone year between gaps: a dot
                    "dot": (f"{run[0][0]:.1f}", f"{run[0][1]:.1f}") if len(run) == 1 else None,
                }
            )

    def described(i: int) -> str:
        p = points[i]
        parts = [f"{area} {display(p.cell if p.cell is not None else p.value, figure.unit)}"]
        if p.suppressed:
            parts[0] = f"{area} {SUPPRESSED}"
        for index, name in enumerate(names):
            cell = p.references[index] if index < len(p.references) else None
            parts.append(f"{name} {display(cell, figure.unit)}")
        return f"{p.year}: " + ", ".join(parts)

    text = (
        f"{figure.label} by year ({figure.unit}), axis from "
        f"{axis_value(bottom, figure.unit)} to {axis_value(top, figure.unit)}. "
        + "; ".join(described(i) for i in range(len(points)))
        + "."
    )
    return {
        "label": figure.label,
        "unit": figure.unit,
        "text": text,
        "width": width,
        "height": height,
        "left": left,
        "top_pad": top_pad,
        "axis_y": height - bottom_pad,
        "right_x": width - right,
        "top_label": axis_value(top, figure.unit),
        "bottom_label": axis_value(bottom, figure.unit),
        "first_year": points[0].year,
        "last_year": points[-1].year,
        "lines": drawn,
    }


def trend_chart(figure: Figure, names: Sequence[str], area: str = "the area") -> str:
    """Inline SVG: the area's line (solid) and each comparator's (its own dash) over the years,
    with the y-axis's lowest and highest values and the first and last years labelled.

    ``names`` are the comparators in the order of the trend points' ``references``.
    Suppressed or missing years leave a gap. Returns '' with fewer than two values. Only
    rates and means are drawn: a part's count beside the whole's says nothing.
    """
    data = _chart_data(figure, names, area)
    return "" if data is None else str(_macros().chart(data))


def _key_items(area: str, names: Sequence[str]) -> list[dict[str, Any]]:
    items = []
    for kind, name in [("area", area), *(("reference", n) for n in names)]:
        colour, dash, stroke = _AREA_STYLE if kind == "area" else _style(name)
        items.append({"name": name, "colour": colour, "dash": dash, "stroke": stroke})
    return items


def chart_key(area: str, names: Sequence[str]) -> str:
    """The lines' key: a sample of each line beside its name."""
    return str(_macros().key(_key_items(area, names)))


def _table_data(table: Table, columns: int | None = None) -> dict[str, Any]:
    """A table's headers and cells as displayed, each cell with its class: 'row' (the row's
    header), 'num', 'unit', 'suppressed', 'nodata' or none."""
    kept = table.columns[:columns]
    rows = []
    for r, cells in enumerate(table.rows):
        out = []
        for col, cell in enumerate(cells[: len(kept)]):
            unit = table.cell_unit(r, col)
            if col == 0:
                out.append({"kind": "row", "text": display(cell, unit)})
            elif cell == SUPPRESSED:
                out.append({"kind": "suppressed", "text": SUPPRESSED})
            elif cell is None or (isinstance(cell, float) and math.isnan(cell)):
                out.append({"kind": "nodata", "text": NO_DATA})
            elif isinstance(cell, int | float):
                out.append({"kind": "num", "text": display(cell, unit)})
            elif kept[col].header == "Unit":
                out.append({"kind": "unit", "text": display(cell, unit)})
            else:
                out.append({"kind": "", "text": display(cell, unit)})
        rows.append(out)
    return {
        "key": table.key,
        "title": table.title,
        "caption": table.caption,
        "headers": [c.header for c in kept],
        "rows": rows,
        # a long table may run on to the next page (its header repeats); a short one never
        "long": len(table.rows) > LONG_TABLE_ROWS,
    }


def table_html(table: Table, heading: bool = True, columns: int | None = None) -> str:
    """The table with its heading and caption; only its first ``columns`` when given."""
    return str(_macros().table(_table_data(table, columns), heading))


def plain_source(source: str) -> str:
    """A source without its file's internal name: 'Council finance: high needs places by
    school and provision type (high_needs_places)' loses '(high_needs_places)', and a
    list of column names goes too."""
    return re.sub(r"\s*\((?:[a-z0-9]+(?:_[a-z0-9]+)+(?:,\s*)?)+\)", "", source)


def _definitions_data(table: Table) -> dict[str, Any]:
    """The definitions ('Name (unit): what it means'), then each source once with the
    measures it gives (most sources give several)."""
    header = [c.header for c in table.columns]
    items, sources = [], {}
    for row in table.rows:
        cell = dict(zip(header, row, strict=True))
        items.append(
            {
                "measure": str(cell["Measure"]),
                "unit": str(cell["Unit"]),
                "meaning": str(cell["What it means"]),
            }
        )
        sources.setdefault(plain_source(str(cell["Source"])), []).append(str(cell["Measure"]))
    return {"caption": table.caption, "entries": items, "sources": sources}


def _compared_with(pack: Pack) -> str:
    names = list(pack.comparator_names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _section_data(pack: Pack, section: Any) -> dict[str, Any]:
    names = list(pack.comparator_names)
    summary, trend, *extra = section.tables
    charts = [_chart_data(f, names, pack.area) for f in section.figures]
    return {
        "key": section.key,
        "title": section.title,
        "intro": section.intro,
        # one item per measure: its comparisons and trend read as a short paragraph
        "sentences": [" ".join(f.sentences) for f in section.figures if f.sentences],
        "caveat": section.caveat,
        # the differences and shares are in the sentences (and the Excel workbook)
        "summary": _table_data(summary, columns=3 + len(names)),
        "charts": [c for c in charts if c is not None],
        "trend": _table_data(trend),
        "extra": [_table_data(t) for t in extra],
    }


def _board_data(board: Board | None) -> dict[str, Any] | None:
    if board is None:
        return None
    return {
        "covers": board.covers,
        "counts": board.counts,
        "rules": board.rules,
        "next_update": board.next_update,
        "table": _table_data(board.table),
    }


def render_html(pack: Pack, target: Path | str | None = None) -> str:
    """The pack as one self-contained HTML document; also written to ``target`` when given."""
    where = f"{pack.level} data pack for {pack.area}"
    if pack.locality:
        where += f", a partnership of {pack.locality} locality"
    document = _template().render(
        pack=pack,
        css=Markup(_CSS),  # our own constant, not data
        where=where,
        compared_with=_compared_with(pack),
        demo_notice=DEMO_NOTICE,
        highlights=pack.highlights,
        schools_changed=any(f.trend_caveat for s in pack.sections for f in s.figures),
        sections=[_section_data(pack, s) for s in pack.sections],
        key_items=_key_items(pack.area, list(pack.comparator_names)),
        definitions=_definitions_data(pack.definitions),
        board=_board_data(pack.board),
    )
    if target is not None:
        Path(target).write_text(document, encoding="utf-8")
    return document


def render_board_html(summary: BoardSummary, target: Path | str | None = None) -> str:
    """The SEND board on its own as one self-contained A4 page; written to ``target`` too."""
    document = _template("board.html.j2").render(
        summary=summary,
        css=Markup(_CSS),  # our own constant, not data
        demo_notice=DEMO_NOTICE,
        board=_board_data(summary.board),
    )
    if target is not None:
        Path(target).write_text(document, encoding="utf-8")
    return document
