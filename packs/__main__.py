"""Generate data packs from the command line.

    python -m packs --level Partnership --all --year 202324 --out data/packs/
    python -m packs --level Locality --area Banbury --format html pdf

Writes <area>-data-pack-<year>.xlsx and .html for each area (and .pdf when asked: it
needs Chromium at /usr/bin/chromium), with a progress bar
on the terminal. Problems (no warehouse, unknown area or year) are reported in one
plain line and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import queries
from packs.excel import write_excel
from packs.html import render_html
from packs.model import PACK_LEVELS, available_areas, build_pack, pack_file_stem, unique_slugs
from packs.pdf import PdfUnavailable, write_pdf

FORMATS = ("excel", "html", "pdf")
#: written when --format is not given (a PDF needs Chromium and takes a few seconds)
DEFAULT_FORMATS = ("excel", "html")
DEFAULT_OUT = queries.PROJECT_DIR / "data" / "packs"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m packs",
        description="Generate Excel, printable HTML and PDF data packs for localities, "
        "partnerships or the county.",
    )
    parser.add_argument("--level", required=True, choices=PACK_LEVELS, help="area level")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every area at the level in the year")
    which.add_argument(
        "--area", action="append", metavar="NAME", help="one area (repeat for several)"
    )
    parser.add_argument(
        "--year", help="school year, e.g. 202324 or 2023/24 (default: the latest in the data)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--format",
        nargs="+",
        choices=FORMATS,
        default=list(DEFAULT_FORMATS),
        help="file formats to write (default: excel html; pdf needs Chromium)",
    )
    parser.add_argument(
        "--warehouse", type=Path, default=None, help="warehouse folder (default data/warehouse)"
    )
    return parser


def progress_bar(done: int, total: int, label: str, width: int = 30) -> str:
    """'[###########-------------------]  12/35  Banbury North Partnership'."""
    filled = int(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:>{len(str(total))}}/{total}  {label}"


def generate(
    level: str,
    areas: Sequence[str] | None,
    year: str | int | None,
    out: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    warehouse: Path | None = None,
    report: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Write packs for ``areas`` (None: every area at ``level`` in the year); return the files.

    Raises ValueError / queries.QueryLayerError / OSError / PdfUnavailable with a plain
    message on problems.
    """
    con = queries.connect(warehouse)
    try:
        time_period = queries.period(year) if year is not None else None
        if level == "County":
            areas = available_areas(con, "County")
        elif areas is None:
            tp = time_period or int(queries.list_years(con)["time_period"].max())
            areas = available_areas(con, level, tp)
            if not areas:
                raise ValueError(f"No {level.lower()} has schools in {queries.period_label(tp)}")
        build = queries.build_report(warehouse)
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        slugs = unique_slugs(areas)  # names alike as file names must not overwrite
        for index, area in enumerate(areas):
            if report:
                report(index, len(areas), area)
            pack = build_pack(con, level, area, time_period, build=build)
            stem = pack_file_stem(slugs[area], pack.year)
            if "excel" in formats:
                written.append(out / f"{stem}.xlsx")
                write_excel(pack, written[-1])
            if "html" in formats:
                written.append(out / f"{stem}.html")
                render_html(pack, written[-1])
            if "pdf" in formats:
                written.append(out / f"{stem}.pdf")
                write_pdf(pack, written[-1])
        if report:
            report(len(areas), len(areas), "done")
        return written
    finally:
        con.close()


def main(argv: Sequence[str] | None = None, stream: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    stream = stream or sys.stderr
    interactive = stream.isatty()

    def report(done: int, total: int, label: str) -> None:
        line = progress_bar(done, total, label)
        if interactive:
            stream.write("\r\033[K" + line)
            if done == total:
                stream.write("\n")
        else:
            stream.write(line + "\n")
        stream.flush()

    started = time.perf_counter()
    try:
        written = generate(
            args.level, args.area, args.year, args.out, args.format, args.warehouse, report
        )
    except (ValueError, queries.QueryLayerError, OSError, PdfUnavailable) as error:
        if interactive:
            stream.write("\n")
        stream.write(f"python -m packs: error: {error}\n")
        return 2
    except KeyboardInterrupt:
        stream.write("\npython -m packs: interrupted\n")
        return 130
    seconds = time.perf_counter() - started
    stream.write(f"Wrote {len(written)} files to {args.out} in {seconds:.1f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
