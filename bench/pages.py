"""Page timings: AppTest run time per page (in a child process, whose peak memory is the
app's), and time to a rendered chart in a real browser, both against a bare page."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from contract.pages import DEFAULT_PAGE, PAGES, Page
from packs.chromium import CHROMIUM, CHROMIUM_ARGS

from .common import PROJECT_DIR, PYTHON, run_child

APP = PROJECT_DIR / "app.py"
BARE_PAGE = Path(__file__).resolve().parent / "bare_page.py"


def app_pages(only: list[str] | None = None) -> list[Page]:
    """Every page app.py registers (contract/pages.py), in menu order, or the ``only`` url
    paths."""
    return [page for page in PAGES if not only or page.url_path in only]


def browser_url(base: str, url_path: str) -> str:
    """Where a user opens the page: the default page at the site root (the app's own links
    and its menu point there; its /<url_path> address first redirects there, ~0.2 s more)."""
    return f"{base}/" if url_path == DEFAULT_PAGE else f"{base}/{url_path}"


def is_placeholder(page: Page) -> bool:
    """A page still holding the scaffold's few lines (other helpers replace them)."""
    lines = page.path.read_text(encoding="utf-8").splitlines()
    return len([line for line in lines if line.strip()]) < 15


def apptest_pages(warehouse: Path, only: list[str] | None = None) -> tuple[dict, float]:
    """AppTest timings of every page, or the ``only`` url paths (child process), and the
    child's peak memory in MB."""
    run = run_child(
        [PYTHON, "-m", "bench.page_worker", str(warehouse), *(only or [])],
        env={"LOCALITY_EXPLORER_WAREHOUSE": str(warehouse)},
    )
    lines = [line for line in run.output.splitlines() if line.startswith("{")]
    if run.returncode or not lines:
        raise RuntimeError(f"page worker failed:\n{run.output[-3000:]}")
    return json.loads(lines[-1]), run.peak_mb


# --------------------------------------------------------------------------- browser


@dataclass(frozen=True)
class BrowserTiming:
    url_path: str
    seconds: float  # navigation start -> first chart drawn (or the page idle when it has none)
    charts: int
    note: str = ""


def _wait_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early ({process.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not listen on port {port}")


def start_streamlit(script: Path, port: int, warehouse: Path | None) -> subprocess.Popen:
    env_args = {"LOCALITY_EXPLORER_WAREHOUSE": str(warehouse)} if warehouse else {}
    import os

    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, **env_args},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_port(port, process)
    return process


def stop_processes(*processes: subprocess.Popen) -> None:
    """Stop each server, killing it if it does not stop within 20 s."""
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_STATE = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  return {
    charts: document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length,
    running: document.querySelector('[data-testid="stStatusWidget"]') !== null,
    elements: main ? main.querySelectorAll('[data-testid="stElementContainer"]').length : 0,
  };
}"""
#: A page without charts counts as drawn once its elements stop changing for this long.
_SETTLE_S = 1.0


def _time_load(page, url: str, timeout_s: float) -> tuple[float, int, str]:
    """Seconds from navigation to the first chart drawn; for a page without a chart, to
    the moment its elements last changed (the script finished and nothing is running)."""
    tick = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout_s * 1000)
    last_change, last_count = time.perf_counter(), -1
    while time.perf_counter() - tick < timeout_s:
        state = page.evaluate(_STATE)
        now = time.perf_counter()
        if state["charts"]:
            return now - tick, int(state["charts"]), ""
        if state["elements"] != last_count or state["running"]:
            last_change, last_count = now, state["elements"]
        elif state["elements"] and now - last_change >= _SETTLE_S:
            return last_change - tick, 0, "no chart drawn: time to a settled page"
        page.wait_for_timeout(50)
    raise TimeoutError(f"{url} did not finish drawing within {timeout_s:.0f} s")


def browser_pages(
    warehouse: Path,
    app_port: int,
    bare_port: int,
    repeats: int = 2,
    only: list[str] | None = None,
) -> tuple[list[BrowserTiming], float, float, float]:
    """(per-page timings, bare page seconds, first app visit seconds, app server peak MB)."""
    from playwright.sync_api import sync_playwright

    app = start_streamlit(APP, app_port, warehouse)
    bare = start_streamlit(BARE_PAGE, bare_port, None)
    timings: list[BrowserTiming] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 3000})
            page = context.new_page()
            bare_url = f"http://127.0.0.1:{bare_port}/"
            _time_load(page, bare_url, 60)  # warm the server and the browser cache
            bare_s = min(_time_load(page, bare_url, 60)[0] for _ in range(repeats))
            pages = app_pages(only)
            # First visit: opens the warehouse (connect + materialised views) on the server.
            base = f"http://127.0.0.1:{app_port}"
            first_s, _, _ = _time_load(page, browser_url(base, pages[0].url_path), 300)
            for app_page in pages:
                url_path = app_page.url_path
                url = browser_url(base, url_path)
                samples = []
                for _ in range(repeats):
                    try:
                        samples.append(_time_load(page, url, 120))
                    except Exception as error:  # noqa: BLE001 - reported per page
                        samples.append((float("nan"), 0, f"failed: {type(error).__name__}"))
                best = min(samples, key=lambda s: (s[0] != s[0], s[0]))
                timings.append(BrowserTiming(url_path, *best))
            browser.close()
        app_peak = peak_rss_mb(app.pid)
    finally:
        stop_processes(app, bare)
    return timings, bare_s, first_s, app_peak
