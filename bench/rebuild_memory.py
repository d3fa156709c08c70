"""Server memory across forced rebuilds with two browsers open on the app:
``python -m bench.rebuild_memory [--rebuilds 20] [--swap] [--project DIR]``.

Issue 21 asks that 20 forced rebuilds with two browsers open leave the server within
100 MB of where it started. The bench copies a built demo data folder (building one first
if needed), starts the app on the copy, opens two Chromium pages and visits every page once
on each (the baseline is a warm server). Then, 20 times: a forced rebuild (``python -m etl
build --force``, ~20 s on the demo; ``--swap`` instead re-points the warehouse link at a
copy of the last build under a new id, as etl.build._swap does, and prunes as the build
does: seconds, same effect on the app), then one page clicks to the next page in the menu
(the same session) and the other reloads on it (a new session), and the server's resident
memory (the Streamlit process and its children, /proc VmRSS) is read. Prints the start,
each rebuild, the end and the difference.

``--project DIR`` serves another checkout's app (e.g. ``git archive`` of an older commit)
with this one's bench, to measure before a fix.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from contract.pages import DEFAULT_PAGE, PAGES
from packs.chromium import STREAMLIT_RUN_COUNTER_JS, launch_chromium

from .common import PROJECT_DIR, PYTHON
from .pages import _wait_port, stop_processes

#: Within this much of the start after the rebuilds (issue 21's goal).
GOAL_MB = 100
#: Builds kept besides the live one (etl.build.KEEP_PREVIOUS_BUILDS), for --swap's pruning.
KEEP_PREVIOUS = 2

_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const running = app && app.getAttribute('data-test-script-state') === 'running';
  const stale = document.querySelector('[data-stale="true"]');
  const pending = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .some((e) => !e.querySelector('svg, canvas'));
  const heading = document.querySelector('[data-testid="stMain"] h1');
  return !!heading && !running && !stale && !pending;
}"""


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB (/proc VmRSS)."""
    total_kb, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total_kb += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")),
            0,
        )
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return total_kb / 1024


def demo_data(project: Path) -> Path:
    """A built demo data folder to copy: bench/out/rebuild-memory-demo (built once)."""
    folder = PROJECT_DIR / "bench" / "out" / "rebuild-memory-demo"
    if not (folder / "warehouse" / "build_report.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "raw").mkdir(parents=True)
        shutil.copy(project / "data" / "config.toml", folder / "config.toml")
        build(project, folder)
    return folder


def build(project: Path, data_dir: Path) -> float:
    """A forced rebuild with the ETL's command line; its seconds."""
    tick = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "etl", "build", "--force", "--quiet"],
        cwd=project,
        env={**os.environ, "LOCALITY_EXPLORER_DATA_DIR": str(data_dir)},
        check=True,
    )
    return time.perf_counter() - tick


def swap(data_dir: Path, n: int) -> float:
    """A rebuild without the ETL: the live build copied under a new id, the warehouse link
    renamed over to it, and the builds beyond the kept ones removed (etl.build's swap and
    prune). The app sees what a build gives it: a new build folder and id."""
    tick = time.perf_counter()
    builds = data_dir / "builds"
    live = (data_dir / "warehouse").resolve()
    new = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-swap{n:02d}"
    shutil.copytree(live, new)
    report_path = new / "build_report.json"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report["build_id"] = new.name
    report_path.write_text(json.dumps(report), encoding="utf-8")
    link = data_dir / "warehouse"
    temporary = data_dir / ".warehouse.bench.tmp"
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(new, data_dir), temporary, target_is_directory=True)
    os.replace(temporary, link)
    complete = sorted(p for p in builds.iterdir() if p.is_dir() and p != new)
    for old in complete[:-KEEP_PREVIOUS]:
        shutil.rmtree(old, ignore_errors=True)
    return time.perf_counter() - tick


def start_app(project: Path, data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "LOCALITY_EXPLORER_DATA_DIR": str(data_dir)}
    env.pop("LOCALITY_EXPLORER_WAREHOUSE", None)
    env.pop("LOCALITY_EXPLORER_CONFIG", None)
    process = subprocess.Popen(
        [PYTHON, "-m", "streamlit", "run", str(project / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wait_port(port, process)
    return process


def url(base: str, url_path: str) -> str:
    return f"{base}/" if url_path == DEFAULT_PAGE else f"{base}/{url_path}"


def wait_idle(page, timeout_s: float = 180) -> None:
    page.wait_for_function(_IDLE, timeout=timeout_s * 1000, polling=50)


def click_to(page, title: str) -> None:
    """Open a page from the sidebar menu (the same Streamlit session)."""
    runs = page.evaluate("window.__stRuns || 0")
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_function(f"(window.__stRuns || 0) > {runs}", timeout=180_000, polling=20)
    wait_idle(page)


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(prog="python -m bench.rebuild_memory", description=__doc__)
    parser.add_argument("--rebuilds", type=int, default=20)
    parser.add_argument("--swap", action="store_true", help="re-point the link, no ETL run")
    parser.add_argument("--project", type=Path, default=PROJECT_DIR, help="app checkout")
    parser.add_argument("--port", type=int, default=8631)
    args = parser.parse_args(argv)
    project = args.project.resolve()
    work = Path(tempfile.mkdtemp(prefix="rebuild-memory-"))
    data_dir = work / "data"
    shutil.copytree(demo_data(project), data_dir, symlinks=True)
    app = start_app(project, data_dir, args.port)
    base = f"http://127.0.0.1:{args.port}"
    titles = [page.title for page in PAGES]
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            tabs = []
            for _ in range(2):
                context = browser.new_context(viewport={"width": 1400, "height": 2000})
                context.add_init_script(STREAMLIT_RUN_COUNTER_JS)
                tabs.append(context.new_page())
            for tab in tabs:  # warm: every page once on each tab
                tab.goto(url(base, DEFAULT_PAGE))
                wait_idle(tab)
                for title in titles[1:]:
                    click_to(tab, title)
            time.sleep(2)
            start = rss_mb(app.pid)
            print(f"start: {start:.0f} MB (server and children, two pages open)", flush=True)
            for n in range(1, args.rebuilds + 1):
                seconds = swap(data_dir, n) if args.swap else build(project, data_dir)
                clicked = PAGES[n % len(PAGES)]
                click_to(tabs[0], clicked.title)
                tabs[1].goto(url(base, clicked.url_path))
                wait_idle(tabs[1])
                time.sleep(1)
                now = rss_mb(app.pid)
                print(
                    f"rebuild {n:2d} ({seconds:4.1f} s), both on {clicked.url_path}: "
                    f"{now:.0f} MB ({now - start:+.0f})",
                    flush=True,
                )
            time.sleep(2)
            end = rss_mb(app.pid)  # as the start: warm, two pages open
            browser.close()
        time.sleep(2)
        closed = rss_mb(app.pid)
    finally:
        stop_processes(app)
        shutil.rmtree(work, ignore_errors=True)
    difference = end - start
    verdict = "within" if abs(difference) <= GOAL_MB else "NOT within"
    print(
        f"end: {end:.0f} MB (two pages open; {closed:.0f} MB once they closed); difference "
        f"{difference:+.0f} MB over {args.rebuilds} "
        f"{'swaps' if args.swap else 'forced rebuilds'}: {verdict} {GOAL_MB} MB of the start"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
