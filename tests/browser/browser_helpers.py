"""Drive the running app in headless Chromium: start the server, open pages, wait for
Streamlit to finish a run and for Vega charts to draw, change selections by keyboard.

Shared by the browser tests (tests/browser/) and scripts/screenshots.py, so screenshots
are taken only once a page has really finished drawing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import Download, Locator, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Every page of the app, and the one served at the site root: the page registry.
from contract.pages import DEFAULT_PAGE, PAGE_PATHS  # noqa: F401 (for the tests)

# One launcher for the tests, the screenshots and the data packs' PDFs (re-exported here).
from packs.chromium import (  # noqa: F401
    CHARTS_DRAWN_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    STREAMLIT_IDLE_JS,
    STREAMLIT_RUN_COUNTER_JS,
    launch_chromium,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
#: The selected tab's panel (Streamlit draws only that one) holds something.
_SELECTED_PANEL_DRAWN_JS = (
    '(() => { const t = document.querySelector(\'[data-testid="stMain"] '
    '[role="tab"][aria-selected="true"]\'); const p = t && '
    "document.getElementById(t.getAttribute('aria-controls')); "
    "return !!p && p.innerText.trim().length > 0; })()"
)
VIEWPORT = {"width": 1400, "height": 3000}  # tall: Streamlit's main area scrolls inside itself
TIMEOUT_MS = 45_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(process: subprocess.Popen, url: str, what: str, timeout: float) -> None:
    """Wait until ``url`` answers 200 while ``process`` (``what``) runs; stop it and raise
    if it exits or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    stop_process(process)
    raise TimeoutError(f"{what} did not answer {url} within {timeout}s")


def stop_process(process: subprocess.Popen | None) -> None:
    """Terminate ``process`` if it still runs (kill it after 10 s)."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class AppServer:
    """A `streamlit run app.py` subprocess on a loopback port, reading ``warehouse``."""

    warehouse: Path
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen | None = None
    #: More environment (e.g. LOCALITY_EXPLORER_CONFIG) and `streamlit run` options.
    env: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> AppServer:
        env = {**os.environ, "LOCALITY_EXPLORER_WAREHOUSE": str(self.warehouse), **self.env}
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(PROJECT_DIR / "app.py"),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *self.options,
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_answering(self.process, f"{self.base_url}/_stcore/health", "streamlit", timeout)
        return self

    def stop(self) -> None:
        stop_process(self.process)


class AppPage:
    """One browser tab on the app, with waits that understand Streamlit's run cycle."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.js_errors: list[str] = []
        self._url_at_runs: str | None = None
        page.set_default_timeout(TIMEOUT_MS)
        page.add_init_script(STREAMLIT_RUN_COUNTER_JS)  # window.__stRuns
        page.on("pageerror", lambda error: self.js_errors.append(str(error)))

    # --- navigation and waits -------------------------------------------------------------
    def open(self, path: str, params: dict[str, str | int] | None = None) -> AppPage:
        """Load /<path>?<params> and wait until the page has finished drawing."""
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        url_path = "" if path == DEFAULT_PAGE else path
        self.page.goto(f"{self.base_url}/{url_path}{query}")
        self.page.wait_for_selector('[data-testid="stAppViewContainer"]')
        self.page.wait_for_selector('[data-testid="stMain"] h1')
        self.wait_idle()
        return self

    def runs(self) -> int:
        """Runs seen so far; the address now is kept for ``wait_for_rerun`` too."""
        self._url_at_runs = self.page.url
        return int(self.page.evaluate("window.__stRuns || 0"))

    def wait_idle(self) -> None:
        """Streamlit is connected, not running, nothing stale or still loading, charts drawn."""
        self.page.wait_for_function(STREAMLIT_IDLE_JS, polling=50)
        self.wait_for_charts()

    def wait_for_rerun(self, runs_before: int) -> None:
        """A run started after ``runs_before`` was read, and everything it drew is on screen.
        The run counter can miss a short run, so a changed address counts as well: the
        app writes a changed choice into the address during the run (explorer.url_state)."""
        url = self._url_at_runs
        moved = f" || location.href !== {json.dumps(url)}" if url else ""
        self._wait_for_start(f"(window.__stRuns || 0) > {runs_before}{moved}")
        self.wait_idle()

    def navigate(self, action: Callable[[], object]) -> None:
        """Do ``action`` (click a link, go Back or Forward), which changes the address, and
        wait until the page it leads to has drawn.

        A changed address or a reloaded document also counts as the run having started:
        when the browser is busy, the frontend can handle "running" and "finished" in one
        render, so the run counter never sees the script running (CI, 2026-12-02: one
        link click in about 300 timed out waiting for it)."""
        runs_before, url_before = self.runs(), self.page.url
        self.page.evaluate("window.__beforeNavigation = true")
        action()
        self._wait_for_start(
            f"(window.__stRuns || 0) > {runs_before} || location.href !== {json.dumps(url_before)}"
            " || !window.__beforeNavigation"
        )
        self.page.wait_for_selector('[data-testid="stMain"] h1')
        self.wait_idle()

    def switch_tab(self, action: Callable[[], object]) -> None:
        """Do ``action`` (click a tab, or press keys on one): a lazy tab runs the page again;
        wait until that run has drawn the newly selected tab.

        The run counter can miss a short run (the frontend may render "running" and
        "finished" at once: CI, 2026-12-04, once runs got faster), so a changed address
        (the tab is kept there) whose selected tab's panel has content counts too."""
        runs_before, url_before = self.runs(), self.page.url
        action()
        self._wait_for_start(
            f"(window.__stRuns || 0) > {runs_before} || "
            f"(location.href !== {json.dumps(url_before)} && {_SELECTED_PANEL_DRAWN_JS})"
        )
        self.wait_idle()

    def _wait_for_start(self, condition: str) -> None:
        try:
            self.page.wait_for_function(f"() => {condition}", polling=20)
        except PlaywrightError as error:
            raise AssertionError(f"no run started ({condition}): {self._state()}") from error

    def _state(self) -> dict:
        return self.page.evaluate(
            """() => { const a = document.querySelector('[data-testid="stApp"]');
               return {url: location.href, runs: window.__stRuns,
                       script: a && a.getAttribute('data-test-script-state'),
                       connection: a && a.getAttribute('data-test-connection-state')}; }"""
        )

    def wait_for_charts(self) -> None:
        self.page.wait_for_function(CHARTS_DRAWN_JS, polling=50)

    # --- what is on screen ----------------------------------------------------------------
    @property
    def main(self):
        return self.page.locator('[data-testid="stMain"]')

    def main_text(self) -> str:
        return self.main.inner_text()

    def query_params(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def download(self, button: Locator, timeout_ms: float = 20_000) -> Download:
        """Click a download button and return its download. Streamlit starts a download
        from script (after fetching the file, for one made on the click); headless
        Chromium now and then does not start one: 1 click in 11 when a page downloads
        again at once (0 in 25 with 1.5 s between clicks), never on a page's first click
        here, once in CI. So a second click is allowed, as a reader would click again.
        Fails with the button's own error line, if it showed one."""
        try:
            return self._download_once(button, timeout_ms)
        except PlaywrightTimeout:
            self.wait_idle()
        try:
            return self._download_once(button, timeout_ms)
        except PlaywrightTimeout:
            said = self.page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts()
            raise AssertionError(f"no download after two clicks; the button said {said}") from None

    def _download_once(self, button: Locator, timeout_ms: float) -> Download:
        with self.page.expect_download(timeout=timeout_ms) as download:
            button.click()
        return download.value

    def chart_count(self) -> int:
        return self.page.locator(".vega-embed").count()

    def chart_sizes(self) -> list[tuple[float, float]]:
        """(width, height) of what each Vega chart drew."""
        return self.page.eval_on_selector_all(
            ".vega-embed",
            """embeds => embeds.map(e => {
                 const d = e.querySelector('canvas, svg');
                 const b = d ? d.getBoundingClientRect() : {width: 0, height: 0};
                 return [b.width, b.height];
               })""",
        )

    def chart_pixels_signature(self) -> list[str]:
        """A cheap fingerprint of every chart's drawing, to tell that charts re-rendered."""
        return self.page.eval_on_selector_all(
            ".vega-embed",
            """embeds => embeds.map(e => {
                 const c = e.querySelector('canvas');
                 if (c) return c.toDataURL().slice(-200) + ':' + c.width + 'x' + c.height;
                 const s = e.querySelector('svg');
                 if (!s) return '';
                 // a hash of the whole drawing: a recoloured bar changes neither its
                 // length nor its last characters
                 let h = 0;
                 for (const ch of s.innerHTML) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
                 return s.innerHTML.length + ':' + h;
               })""",
        )

    def problems(self) -> list[str]:
        """Uncaught exceptions, error boxes and JavaScript errors on the page (empty = healthy)."""
        found = [f"JavaScript error: {e}" for e in self.js_errors]
        for selector, what in [
            ('[data-testid="stException"]', "Python exception"),
            ('[data-testid="stAlertContentError"]', "error box"),
        ]:
            for text in self.page.locator(selector).all_inner_texts():
                found.append(f"{what}: {text[:300]}")
        for text in self.page.locator('[data-testid="stDialog"]').all_inner_texts():
            if "not found" in text.lower():
                found.append(f"dialog: {text[:200]}")
        body = self.main_text()
        for phrase in ("Traceback (most recent call last)", "could not be built"):
            if phrase in body:
                found.append(f"page text contains {phrase!r}")
        return found

    # --- interacting ----------------------------------------------------------------------
    def selectbox(self, label: str):
        """The combobox input of the selectbox labelled ``label``."""
        return self.page.get_by_role("combobox", name=label, exact=True)

    def selectbox_value(self, label: str) -> str:
        return self.selectbox(label).input_value()

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the selectbox ``label`` with the keyboard only (focus, select the
        current text, type, Enter on the first match), then wait for the rerun to finish."""
        runs_before = self.runs()
        self.selectbox(label).focus()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(option)
        self.page.get_by_role("option", name=option, exact=True).wait_for()
        self.page.keyboard.press("Enter")
        self.wait_for_rerun(runs_before)
