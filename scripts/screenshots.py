"""Screenshots of every page for the README: docs/screenshots/<page>.png.

Starts the app on a demo warehouse (built fresh in a temporary folder unless --warehouse
is given), opens each page in headless Chromium (/usr/bin/chromium), waits with the same
run-aware waits as the browser tests until every chart has drawn, and saves the page
cropped to its content.

    .venv/bin/python scripts/screenshots.py [--warehouse DIR] [--pages county_overview ...] [--full] [--phone]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "tests" / "browser")]

from browser_helpers import (  # noqa: E402
    CHROMIUM,
    VIEWPORT,
    AppPage,
    AppServer,
    launch_chromium,
)

from contract.pages import PAGE_PATHS  # noqa: E402 (the page registry)

OUT_DIR = PROJECT_DIR / "docs" / "screenshots"
MARGIN_PX = 48
PHONE = {"width": 390, "height": 844}  # as the phone-width browser test
README_MAX_HEIGHT_PX = 2400  # the top of a page is what a README reader needs; --full for all


def build_demo_warehouse(folder: Path) -> Path:
    """A warehouse from the demo generator's files, as the tests build it."""
    from demo import generate_demo
    from etl import warehouse_path
    from queries.prepare import build_warehouse

    data = folder / "data"
    (data / "raw").mkdir(parents=True)
    config = (PROJECT_DIR / "data" / "config.toml").read_text(encoding="utf-8")
    (data / "config.toml").write_text(config, encoding="utf-8")
    generate_demo(data / "raw" / "demo")
    build_warehouse(data_dir=data, progress=lambda _message: None)
    return warehouse_path(data).resolve()


def content_height(app: AppPage) -> int:
    """How far down the main area's content reaches (the sidebar always fills the window)."""
    return int(
        app.page.evaluate(
            """() => {
                 const e = document.querySelector('[data-testid="stMainBlockContainer"]');
                 return e.getBoundingClientRect().top + e.scrollHeight;
               }"""
        )
    )


def screenshot_page(
    app: AppPage,
    path: str,
    target: Path,
    max_height: int | None = README_MAX_HEIGHT_PX,
    viewport: dict[str, int] = VIEWPORT,
) -> list[str]:
    """Open ``path``, wait for it to draw, save it to ``target`` (cut at ``max_height`` pixels
    unless None); return the problems seen on the page."""
    app.open(path)
    height = content_height(app) + MARGIN_PX
    if max_height is not None:
        height = min(height, max_height)
    if height > viewport["height"]:  # a long page: grow the window so nothing is cut off
        app.page.set_viewport_size({"width": viewport["width"], "height": height})
        app.wait_for_charts()
    app.page.screenshot(
        path=str(target), clip={"x": 0, "y": 0, "width": viewport["width"], "height": height}
    )
    return app.problems()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="warehouse folder (default: fresh demo)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for the PNG files")
    parser.add_argument("--pages", nargs="+", default=PAGE_PATHS, choices=PAGE_PATHS)
    parser.add_argument(
        "--full", action="store_true", help=f"whole pages, not the top {README_MAX_HEIGHT_PX}px"
    )
    parser.add_argument(
        "--phone",
        action="store_true",
        help=f"at phone width ({PHONE['width']} x {PHONE['height']}), into <out>/phone/",
    )
    args = parser.parse_args(argv)
    viewport = PHONE if args.phone else VIEWPORT
    out = args.out / "phone" if args.phone else args.out
    if not CHROMIUM.exists():
        print(f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)")
        return 2

    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as scratch:
        warehouse = args.warehouse or build_demo_warehouse(Path(scratch))
        server = AppServer(warehouse=warehouse, log_path=Path(scratch) / "streamlit.log").start()
        failed = False
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for path in args.pages:
                    context = browser.new_context(
                        viewport=viewport, is_mobile=args.phone, has_touch=args.phone
                    )
                    app = AppPage(context.new_page(), server.base_url)
                    target = out / f"{path}.png"
                    problems = screenshot_page(
                        app, path, target, None if args.full else README_MAX_HEIGHT_PX, viewport
                    )
                    context.close()
                    print(target, *problems, sep="\n  ")
                    failed = failed or bool(problems)
                browser.close()
        finally:
            server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
