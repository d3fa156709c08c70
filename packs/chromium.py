"""Headless Chromium, launched one way everywhere: the browser tests, the README
screenshots and the data packs' PDFs.

Debian's /usr/bin/chromium, never a browser Playwright downloads (the machines that run
this cannot fetch one); flags that keep it offline and sandbox-free.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # playwright is imported only by what launches a browser
    from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# Offline, sandbox-free Chromium: nothing phones home, nothing needs a GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Counts every start of a Streamlit script run on the page (a MutationObserver sees each
# one, however short the run): the browser tests and the bench wait for "a new run started
# and has finished" with it. An init script: add it before the page loads.
STREAMLIT_RUN_COUNTER_JS = """
(() => {
  window.__stRuns = 0;
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute && r.target.getAttribute('data-test-script-state') === 'running') {
        window.__stRuns += 1;
      }
    }
  }).observe(document, {subtree: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""


def chromium_installed() -> bool:
    """True when the browser binary is there to launch."""
    return CHROMIUM.is_file()


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless Chromium from /usr/bin/chromium with the offline flags."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


#: The app has finished its run, is connected, and nothing is stale or still loading.
STREAMLIT_IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale="true"]')
    // widgets load their code lazily and show a skeleton until it arrives
    && !document.querySelector('[data-testid="stSkeleton"]');
}
"""

#: Every Vega chart on the page has drawn a canvas or svg with a real size.
CHARTS_DRAWN_JS = """
() => [...document.querySelectorAll('.vega-embed')].every((embed) => {
  const drawn = embed.querySelector('canvas, svg.marks, svg');
  if (!drawn) return false;
  const box = drawn.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
})
"""
