"""A data pack as one printable, self-contained HTML page.

No external assets and no JavaScript: styles are inline in <style>, trend lines are
inline SVG. Every section starts on a new printed page. Accessible: one h1, h2 per
section, h3 per table, tables with captions and ``scope`` on header cells, the SVG
sparklines carry a text alternative, and the comparator line is dashed as well
as coloured so colour is never the only cue.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path

from packs.model import DEMO_NOTICE, SUPPRESSED, Figure, Pack, Table

# Okabe-Ito blue (area) and orange (comparator): distinguishable with colour-vision deficiency.
_AREA_COLOUR, _COMPARATOR_COLOUR = "#0072B2", "#B36200"

_CSS = """
:root { font-family: Arial, Helvetica, sans-serif; color: #1b1b1b; }
body { margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.45rem; border-bottom: 3px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
.meta { color: #444; }
.demo { border: 2px solid #9C0006; background: #FFF0F0; padding: .5rem .8rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-size: .85rem; color: #444; padding-bottom: .3rem; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; vertical-align: top; }
thead th { background: #DDEBF7; text-align: left; }
tbody th { text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.suppressed { text-align: right; font-style: italic; }
ul.sentences li { margin-bottom: .3rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: .6rem; }
.figure { border: 1px solid #ccc; border-radius: 4px; padding: .5rem .7rem; break-inside: avoid; }
.figure .value { font-size: 1.35rem; font-weight: bold; }
.figure .definition { font-size: .8rem; color: #444; }
.key { font-size: .8rem; }
.key .area { color: #0072B2; } .key .comparator { color: #B36200; }
nav ol { columns: 2; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  section.pack-section { break-before: page; page-break-before: always; }
  nav, .no-print { display: none; }
  a { color: inherit; text-decoration: none; }
  table, .figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def display(value: float | int | str | None, unit: str | None) -> str:
    """A table cell as shown: numbers to the app's decimals, 'Suppressed', or 'No data'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "No data"
    if isinstance(value, str):
        return value
    unit_lower = (unit or "").lower()
    if unit_lower.startswith("£"):
        return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"
    if "per 100" in unit_lower or unit_lower == "ratio":
        return f"{value:,.2f}"
    if "%" in unit_lower or "point" in unit_lower:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def figure_value(figure: Figure) -> str:
    """The headline value with its unit, e.g. '7.4 % of sessions', '£1,234', 'Suppressed'."""
    if figure.suppressed:
        return SUPPRESSED
    if figure.value is None:
        return "No data"
    number = display(figure.value, figure.unit)
    return number if figure.unit.startswith("£") else f"{number} {figure.unit}"


def sparkline(
    figure: Figure, comparator: str, width: int = 240, height: int = 60, area: str = "the area"
) -> str:
    """Inline SVG: the area's values (solid) and the comparator's (dashed) over the years.

    Suppressed or missing years leave a gap. Returns '' with fewer than two values. Counts
    and money get no comparator line: a county total on the same scale flattens the area's.
    """
    points = figure.trend
    with_comparator = figure.kind in ("rate", "mean")
    values = [p.value for p in points if p.value is not None]
    if with_comparator:
        values += [p.comparator_value for p in points if p.comparator_value is not None]
    if len(points) < 2 or len([p for p in points if p.value is not None]) < 2:
        return ""
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    pad = 6

    def xy(i: int, v: float) -> str:
        x = pad + i * (width - 2 * pad) / (len(points) - 1)
        y = height - pad - (v - low) * (height - 2 * pad) / (high - low)
        return f"{x:.1f},{y:.1f}"

    def paths(attr: str) -> list[str]:
        runs, run = [], []
        for i, p in enumerate(points):
            v = getattr(p, attr)
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(xy(i, v))
        if run:
            runs.append(run)
        return [" ".join(r) for r in runs if len(r) >= 1]

    def described(p) -> str:
        value = SUPPRESSED if p.suppressed else display(p.value, figure.unit)
        if with_comparator and p.comparator_value is not None:
            value += f" ({comparator} {display(p.comparator_value, figure.unit)})"
        return f"{p.year} {value}"

    text = (
        f"{figure.label} in {area} by year ({figure.unit}): "
        + "; ".join(described(p) for p in points)
        + "."
    )
    shapes = []
    for line in paths("comparator_value") if with_comparator else []:
        shapes.append(
            f'<polyline points="{line}" fill="none" stroke="{_COMPARATOR_COLOUR}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    for line in paths("value"):
        shapes.append(
            f'<polyline points="{line}" fill="none" stroke="{_AREA_COLOUR}" stroke-width="2.5"/>'
        )
        if " " not in line:  # a lone year between gaps: draw it as a dot
            x, y = line.split(",")
            shapes.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{_AREA_COLOUR}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(text)}">'
        f"<title>{escape(text)}</title>{''.join(shapes)}</svg>"
        f'<div class="key"><span class="area">━ this area</span> · '
        + (f'<span class="comparator">╌ {escape(comparator)}</span> · ' if with_comparator else "")
        + f"{escape(points[0].year)} to {escape(points[-1].year)}</div>"
    )


def table_html(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(c.header)}</th>' for c in table.columns)
    body = []
    for r, cells in enumerate(table.rows):
        out = []
        for col, cell in enumerate(cells):
            unit = table.cell_unit(r, col)
            if col == 0:
                out.append(f'<th scope="row">{escape(display(cell, unit))}</th>')
            elif cell == SUPPRESSED:
                out.append(f'<td class="suppressed">{SUPPRESSED}</td>')
            elif isinstance(cell, int | float):
                out.append(f'<td class="num">{escape(display(cell, unit))}</td>')
            else:
                out.append(f"<td>{escape(display(cell, unit))}</td>")
        body.append(f"<tr>{''.join(out)}</tr>")
    return (
        f'<h3 id="{escape(table.key)}">{escape(table.title)}</h3>'
        f"<table><caption>{escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _figure_card(figure: Figure, pack: Pack) -> str:
    comparator = (
        ""
        if figure.comparator_value is None
        else f"{escape(pack.comparator_name)}: {escape(display(figure.comparator_value, figure.unit))}"
    )
    return (
        '<div class="figure">'
        f'<h4 style="margin:0">{escape(figure.label)}</h4>'
        f'<div class="value">{escape(figure_value(figure))}</div>'
        f"<div>{comparator}</div>"
        f"{sparkline(figure, pack.comparator_name, area=pack.area)}"
        f'<p class="definition">{escape(figure.definition)}</p>'
        "</div>"
    )


def render_html(pack: Pack, target: Path | str | None = None) -> str:
    """The pack as one self-contained HTML document; also written to ``target`` when given."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(pack.title)}</title>",
        f'<meta name="generator" content="Locality Explorer data pack; build {escape(pack.build_id)}">',
        f"<style>{_CSS}</style></head><body>",
        "<header>",
        f"<h1>{escape(pack.title)}</h1>",
        f'<p class="meta">{escape(pack.level)} data pack for {escape(pack.area)}, school year '
        f"{escape(pack.year)}, compared with {escape(pack.comparator_name)}. "
        f"Generated {escape(pack.generated_at)} from data build {escape(pack.build_id)}.</p>",
    ]
    if pack.demo:
        parts.append(f'<p class="demo" role="note">{escape(DEMO_NOTICE)}</p>')
    parts.append("</header>")
    parts.append('<nav aria-label="Contents"><h2>Contents</h2><ol>')
    for section in pack.sections:
        parts.append(f'<li><a href="#{section.key}">{escape(section.title)}</a></li>')
    parts.append('<li><a href="#definitions-section">Definitions</a></li>')
    parts.append('<li><a href="#notes">Notes</a></li></ol></nav><main>')
    for section in pack.sections:
        parts.append(
            f'<section class="pack-section" id="{section.key}" aria-labelledby="{section.key}-h">'
        )
        parts.append(f'<h2 id="{section.key}-h">{escape(section.title)}</h2>')
        parts.append(f"<p>{escape(section.intro)}</p>")
        parts.append('<h3>In plain English</h3><ul class="sentences">')
        parts += [f"<li>{escape(s)}</li>" for s in section.sentences]
        parts.append("</ul>")
        parts.append('<div class="figures">')
        parts += [_figure_card(f, pack) for f in section.figures]
        parts.append("</div>")
        parts += [table_html(t) for t in section.tables]
        parts.append("</section>")
    parts.append('<section class="pack-section" id="definitions-section">')
    parts.append("<h2>Definitions</h2>")
    parts.append(table_html(pack.definitions))
    parts.append('</section><section class="pack-section" id="notes"><h2>Notes</h2>')
    if pack.demo:
        parts.append(f'<p class="demo">{escape(DEMO_NOTICE)}</p>')
    parts += [f"<p>{escape(note)}</p>" for note in pack.notes]
    parts.append("</section></main></body></html>")
    document = "\n".join(parts)
    if target is not None:
        Path(target).write_text(document, encoding="utf-8")
    return document
