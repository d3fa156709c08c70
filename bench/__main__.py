"""``python -m bench``: national-scale demo extracts -> ETL -> query and page timings.

Prints (and writes to bench/out/results.md) one report whose ratios are all measured in
the same run on the same machine. ``--record`` also keeps it as bench/results/<date>.md.
``--tiny`` runs the same steps on a tiny extract (the smoke test uses it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import subprocess
import sys
import time
from pathlib import Path

from . import etl_bench, query_bench
from .common import DEFAULT_OUT, PROJECT_DIR, PYTHON, machine, markdown_table, run_child

#: The targets (docs/performance.md).
QUERY_P95_MS = 50.0
PAGE_OVER_BARE_S = 1.5
ETL_OVER_COPY = 3.0
APP_MEMORY_MB = 1024.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--other-las", type=int, default=150, help="LAs besides the council")
    parser.add_argument("--years", type=int, default=10, help="academic years of history")
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per query")
    parser.add_argument(
        "--browser-repeats", type=int, default=1, help="browser loads per page (best kept)"
    )
    parser.add_argument(
        "--pages", default="", help="comma-separated url paths to time (default: every page)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="scratch folder")
    parser.add_argument("--skip-pages", action="store_true", help="no AppTest page timings")
    parser.add_argument("--skip-browser", action="store_true", help="no browser timings")
    parser.add_argument("--app-port", type=int, default=8617)
    parser.add_argument("--bare-port", type=int, default=8618)
    parser.add_argument("--tiny", action="store_true", help="2 other LAs, 2 years, 3 repeats")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse earlier ETL builds and the bare copy"
    )
    parser.add_argument("--record", action="store_true", help="keep bench/results/<date>.md")
    return parser


def _ok(passed: bool | None) -> str:
    return "n/a" if passed is None else ("yes" if passed else "**NO**")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.tiny:
        args.other_las, args.years, args.repeats = 2, 2, 3
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    phases: list[tuple[str, float]] = []  # (step, seconds since start when it began)

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    def step(name: str) -> None:
        """Start a timed step of the run (their durations are reported at the end)."""
        phases.append((name, time.perf_counter() - started))
        say(name)

    only_pages = [p for p in args.pages.split(",") if p]

    info = machine()
    sections: list[str] = [
        f"# Benchmark {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"`python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}`".replace(
            "bench ` ", "bench`"
        ),
        "## Machine\n\n" + markdown_table(["", ""], list(info.items())),
    ]
    summary: list[tuple[str, str, str, str]] = []

    class _Sections(list):
        """Each finished section is also written to results.partial.md at once, so a long
        or interrupted run still leaves its numbers."""

        def append(self, text: str) -> None:
            super().append(text)
            (out / "results.partial.md").write_text("\n\n".join(self) + "\n", encoding="utf-8")

    sections = _Sections(sections)

    # ------------------------------------------------------------------ ETL
    step("Demo extracts")
    raw = out / f"raw_{args.other_las}las_{args.years}y"
    raw, generate_s = etl_bench.generate(raw, args.other_las, args.years, say)
    step("ETL, council scope (the council's schools from national files)")
    county = etl_bench.run_etl(raw, out / "county", "council", args.reuse)
    say(f"  {county.run.seconds:.1f}s, peak {county.run.peak_mb:,.0f} MB")
    step("ETL, England scope (every LA's schools)")
    national = etl_bench.run_etl(raw, out / "national", "england", args.reuse)
    say(f"  {national.run.seconds:.1f}s, peak {national.run.peak_mb:,.0f} MB")
    step("Bare DuckDB CSV -> Parquet copy of the same files (the floor)")
    copy = etl_bench.bare_copy(raw, out / "bare_copy", args.reuse)
    say(f"  {copy.seconds:.1f}s, peak {copy.peak_mb:,.0f} MB")
    raw_mb = sum(p.stat().st_size for p in raw.iterdir() if p.is_file()) / 1e6
    etl_rows = []
    for run in (county, national):
        ratio = run.run.seconds / copy.seconds
        etl_rows.append(
            [
                run.scope,
                f"{run.rows_read:,}",
                f"{run.rows_loaded:,}",
                run.run.seconds,
                run.seconds_per_million,
                ratio,
                run.run.peak_mb,
            ]
        )
        summary.append(
            (
                f"ETL ({run.scope} scope) vs bare copy",
                f"{ratio:.2f}x",
                f"< {ETL_OVER_COPY}x",
                _ok(ratio < ETL_OVER_COPY),
            )
        )
    etl_rows.append(
        [
            "bare DuckDB copy",
            f"{national.rows_read:,}",
            "",
            copy.seconds,
            copy.seconds / max(national.rows_read, 1) * 1e6,
            1.0,
            copy.peak_mb,
        ]
    )
    sections.append(
        f"## ETL\n\nDemo extracts: council + {args.other_las} other LAs, {args.years} years, "
        f"{raw_mb:,.0f} MB of raw files"
        + (f" (generated in {generate_s:.0f}s)" if generate_s else " (reused)")
        + ".\n\n"
        + markdown_table(
            [
                "run",
                "rows read",
                "rows loaded",
                "seconds",
                "s per million rows read",
                "x bare copy",
                "peak memory MB",
            ],
            etl_rows,
        )
        + "\n\nWarehouse rows (national): "
        + ", ".join(f"{k} {v:,}" for k, v in national.tables.items())
    )

    # ------------------------------------------------------------------ queries
    scales = {}
    notes: list[str] = []
    for label, run in (("county", county), ("national", national)):
        step(f"Queries and views at {label} scale")
        con, connect_ms = query_bench.open_connection(run.warehouse)
        if query_bench.computed_at_connect(run.warehouse):
            notes.append(
                f"At {label} scale the build's persisted views did not match the view files "
                "or settings, so connect computed them in memory: opening time, memory and "
                "query times are not what a fresh build gives (`python -m etl build --force` "
                "or a run without --reuse)."
            )
        try:
            scales[label] = (
                connect_ms,
                query_bench.time_queries(con, args.repeats),
                query_bench.time_views(con, max(1, args.repeats // 5)),
            )
        finally:
            con.close()
    query_rows, worst = [], 0.0
    county_q = {t.name: t for t in scales["county"][1]}
    for timing in scales["national"][1]:
        small = county_q.get(timing.name)
        if not timing.error:  # a query the bench could not call is listed, not timed
            worst = max(worst, timing.p95_ms)
        query_rows.append(
            [
                timing.name,
                small.median_ms if small else "",
                small.p95_ms if small else "",
                timing.median_ms,
                timing.p95_ms,
                f"{timing.rows:,}",
                _ok(timing.p95_ms < QUERY_P95_MS) if not timing.error else timing.error,
            ]
        )
    slow = [r[0] for r in query_rows if r[-1] != "yes"]
    summary.append(
        (
            "slowest named query p95 (national)",
            f"{worst:.1f} ms",
            f"< {QUERY_P95_MS:.0f} ms",
            _ok(worst < QUERY_P95_MS),
        )
    )
    county_v = {t.name: t for t in scales["county"][2]}
    view_rows = [
        [
            t.name,
            county_v[t.name].median_ms if t.name in county_v else "",
            t.median_ms,
            f"{t.rows:,}",
            t.error,
        ]
        for t in scales["national"][2]
    ]
    sections.append(
        "## Queries\n\n"
        f"Opening the warehouse (`queries.connect`, materialised views included): county "
        f"{scales['county'][0]:,.0f} ms, national {scales['national'][0]:,.0f} ms "
        "(once per build per app process; cached by explorer.data).\n\n"
        + "".join(f"**Note.** {note}\n\n" for note in notes)
        + f"Each named query through its `queries` function, {args.repeats} timed runs after "
        "one warm-up (ms):\n\n"
        + markdown_table(
            [
                "query (case)",
                "county median",
                "county p95",
                "national median",
                "national p95",
                "rows (national)",
                f"p95 < {QUERY_P95_MS:.0f} ms",
            ],
            query_rows,
        )
        + ("\n\nOver target: " + ", ".join(slow) if slow else "")
        + "\n\nEach view read whole, `count(*)` of `SELECT *` (what a full download costs; "
        "pages never read a view unfiltered), median ms:\n\n"
        + markdown_table(["view", "county", "national", "rows (national)", "error"], view_rows)
    )

    # ------------------------------------------------------------------ pages
    if not args.skip_pages:
        from . import pages

        step("Pages with AppTest at national scale (child process)")
        result, app_test_mb = pages.apptest_pages(national.warehouse, only_pages)
        bare = result["bare_warm_s"]
        page_rows = []
        worst_page = 0.0
        for row in result["pages"]:
            over = row["warm_s"] - bare
            worst_page = max(worst_page, over)
            page_rows.append(
                [
                    row["url_path"],
                    row["page"],
                    "yes" if row["placeholder"] else "",
                    row["cold_s"],
                    row["warm_s"],
                    over,
                    row["charts"],
                    _ok(over < PAGE_OVER_BARE_S),
                    row["error"],
                ]
            )
        summary.append(
            (
                "AppTest: slowest page minus bare page (warm)",
                f"{worst_page:.2f} s",
                f"< {PAGE_OVER_BARE_S} s",
                _ok(worst_page < PAGE_OVER_BARE_S),
            )
        )
        summary.append(
            (
                "app memory (AppTest process, every page)",
                f"{app_test_mb:,.0f} MB",
                f"< {APP_MEMORY_MB:,.0f} MB",
                _ok(app_test_mb < APP_MEMORY_MB),
            )
        )
        sections.append(
            "## Pages (AppTest, national scale)\n\n"
            f"Bare page (one Altair chart): {result['bare_cold_s']:.2f} s first run, "
            f"{bare:.2f} s warm. 'cold' is a page's first run (its queries not yet cached; "
            "the first page also opens the warehouse); 'warm' a rerun (what a widget change "
            "costs when the answers are cached).\n\n"
            + markdown_table(
                [
                    "url",
                    "file",
                    "placeholder",
                    "cold s",
                    "warm s",
                    "warm - bare s",
                    "charts",
                    f"< {PAGE_OVER_BARE_S} s",
                    "error",
                ],
                page_rows,
            )
            + f"\n\nPeak memory of the AppTest process after every page: {app_test_mb:,.0f} MB."
        )
    if not args.skip_browser and not args.skip_pages:
        from . import pages

        if pages.CHROMIUM.is_file():
            step("Pages in chromium at national scale (streamlit servers)")
            timings, bare_s, first_s, server_mb = pages.browser_pages(
                national.warehouse,
                args.app_port,
                args.bare_port,
                repeats=args.browser_repeats,
                only=only_pages,
            )
            worst_browser = max(
                (t.seconds - bare_s for t in timings if t.seconds == t.seconds), default=math.nan
            )
            summary.append(
                (
                    "browser: slowest page minus bare page",
                    f"{worst_browser:.2f} s",
                    f"< {PAGE_OVER_BARE_S} s",
                    _ok(worst_browser < PAGE_OVER_BARE_S),
                )
            )
            summary.append(
                (
                    "app memory (streamlit server, every page)",
                    f"{server_mb:,.0f} MB",
                    f"< {APP_MEMORY_MB:,.0f} MB",
                    _ok(server_mb < APP_MEMORY_MB),
                )
            )
            sections.append(
                "## Pages (browser, national scale)\n\n"
                f"Time from navigation to the first chart drawn (or to an idle page with no "
                f"chart), best of {args.browser_repeats}. Bare page: {bare_s:.2f} s. First visit to the app "
                f"(opens the warehouse on the server): {first_s:.2f} s.\n\n"
                + markdown_table(
                    ["url", "seconds", "minus bare", "charts", f"< {PAGE_OVER_BARE_S} s", "note"],
                    [
                        [
                            t.url_path,
                            t.seconds,
                            t.seconds - bare_s,
                            t.charts,
                            _ok(t.seconds - bare_s < PAGE_OVER_BARE_S),
                            t.note,
                        ]
                        for t in timings
                    ],
                )
                + f"\n\nStreamlit server peak memory after every page: {server_mb:,.0f} MB."
            )
        else:
            sections.append("## Pages (browser)\n\nSkipped: /usr/bin/chromium is not installed.")

    # ------------------------------------------------------------------ data packs
    packs = Path(__file__).resolve().parent / "bench_packs.py"
    if packs.is_file() and not args.skip_pages:
        step("Data packs (bench/bench_packs.py)")
        run = run_child(
            [PYTHON, "-m", "bench.bench_packs", "--warehouse", str(national.warehouse)]
            + ["--levels", "County"]
        )
        report_start = run.output.find("# Data pack timings")
        sections.append(
            "## Data packs (bench/bench_packs.py, national warehouse)\n\n"
            f"County pack only (nationally every LA is a locality); exit {run.returncode}, {run.seconds:.1f} s, "
            f"peak {run.peak_mb:,.0f} MB\n\n"
            + run.output[max(report_start, 0) :].strip().replace("# Data pack", "### Data pack")
        )

    total = time.perf_counter() - started
    ends = [start for _, start in phases[1:]] + [total]
    step_rows = [[name, end - start] for (name, start), end in zip(phases, ends, strict=True)]
    targets = (
        "## Targets\n\n"
        + markdown_table(["target", "measured", "goal", "met"], summary)
        + f"\n\nWhole benchmark: {total:.0f} s ({total / 60:.1f} min).\n\n"
        + markdown_table(["step", "seconds"], step_rows)
    )
    sections.insert(3, targets)
    report = "\n\n".join(sections) + "\n"
    print(report)
    # the ratios once more as the last thing on screen
    print("\n" + targets)
    (out / "results.md").write_text(report, encoding="utf-8")
    if args.record:
        folder = PROJECT_DIR / "bench" / "results"
        folder.mkdir(exist_ok=True)
        target = folder / f"{dt.date.today().isoformat()}.md"
        run = 2
        while target.exists():  # a day's earlier runs are kept
            target = folder / f"{dt.date.today().isoformat()}-{run}.md"
            run += 1
        target.write_text(report, encoding="utf-8")
        print(f"Recorded as {target.relative_to(PROJECT_DIR)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:  # pragma: no cover
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
