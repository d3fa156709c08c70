"""How long data packs take: every partnership's and locality's pack (and the county's).

    .venv/bin/python -m bench.bench_packs [--warehouse DIR] [--year 202324] [--levels ...]

For each pack it times the three steps separately (gathering the numbers through the
query layer, writing the Excel workbook, rendering the HTML) and prints, per level, the
per-pack median / mean / max and the total, plus the one-off cost of opening the
connection. Files are written to a temporary folder and sizes reported. A benchmark,
not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import queries
from packs import available_areas, build_pack, render_html, write_excel
from packs.model import PACK_LEVELS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_packs", description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=None, help="default data/warehouse")
    parser.add_argument("--year", default=None, help="default: the latest year")
    parser.add_argument(
        "--levels", nargs="+", choices=PACK_LEVELS, default=["Partnership", "Locality", "County"]
    )
    return parser


def _ms(seconds: list[float]) -> str:
    return (
        f"{1000 * statistics.median(seconds):7.0f} | {1000 * statistics.mean(seconds):7.0f} | "
        f"{1000 * max(seconds):7.0f}"
    )


def run(argv: list[str] | None = None) -> str:
    """Run the benchmark and return its report (markdown)."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    con = queries.connect(args.warehouse)
    connect_s = time.perf_counter() - started
    build = queries.build_report(args.warehouse)
    year = queries.period(args.year) if args.year else None
    lines = [
        f"# Data pack timings ({build.get('build_id', 'unknown build')})",
        "",
        f"Connection opened in {connect_s:.2f} s (once per run).",
        "",
        "| level | packs | step | median ms | mean ms | max ms | total s |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    grand_total = grand_cpu = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-packs-") as folder:
        out = Path(folder)
        for level in args.levels:
            tp = year or int(queries.list_years(con)["time_period"].max())
            areas = available_areas(con, level, tp)
            steps: dict[str, list[float]] = {"numbers": [], "excel": [], "html": [], "pack": []}
            size = 0
            cpu_started = time.process_time()
            for index, area in enumerate(areas, start=1):
                print(f"\r{level}: {index}/{len(areas)} {area:<50}", end="", file=sys.stderr)
                t0 = time.perf_counter()
                pack = build_pack(con, level, area, tp, build=build)
                t1 = time.perf_counter()
                size += len(write_excel(pack, out / f"{pack.file_stem}.xlsx"))
                t2 = time.perf_counter()
                size += len(render_html(pack, out / f"{pack.file_stem}.html").encode("utf-8"))
                t3 = time.perf_counter()
                steps["numbers"].append(t1 - t0)
                steps["excel"].append(t2 - t1)
                steps["html"].append(t3 - t2)
                steps["pack"].append(t3 - t0)
            cpu = time.process_time() - cpu_started
            print(file=sys.stderr)
            for step, seconds in steps.items():
                label = "**whole pack**" if step == "pack" else step
                lines.append(
                    f"| {level} | {len(areas)} | {label} | {_ms(seconds)} | {sum(seconds):.2f} |"
                )
            grand_total += sum(steps["pack"])
            grand_cpu += cpu
            lines.append(
                f"| {level} | {len(areas)} | CPU time (all threads) | "
                f"{1000 * cpu / max(len(areas), 1):7.0f} per pack | | | {cpu:.2f} |"
            )
            lines.append(
                f"| {level} | {len(areas)} | files (KB per pack) | "
                f"{size / 1024 / max(len(areas), 1):.0f} | | | |"
            )
    con.close()
    lines += [
        "",
        f"All packs: {grand_total:.1f} s wall clock ({grand_cpu:.1f} s CPU), plus "
        f"{connect_s:.1f} s to open the connection. Wall clock grows with other load on the "
        "machine; CPU time is the steadier figure.",
    ]
    return "\n".join(lines)


def main() -> None:
    """Entry point for ``python -m bench.bench_packs`` and the bench helper's single command."""
    print(run(sys.argv[1:] if __name__ == "__main__" else []))


if __name__ == "__main__":
    main()
