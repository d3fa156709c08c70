"""A data pack as an A4 PDF: the printable HTML page, printed by headless Chromium.

The HTML is self-contained (inline styles and SVG), and the browser is also told to
refuse every request that is not inline data, so making a PDF never reaches another host.
Page numbers are printed in the footer so a chair can say "page 3" across the table.
"""

from __future__ import annotations

import concurrent.futures
from html import escape
from pathlib import Path

from packs.chromium import CHROMIUM, chromium_installed, launch_chromium
from packs.html import render_board_html, render_html
from packs.model import BoardSummary, Pack

#: Printed page margins (the footer sits in the bottom one).
MARGINS = {"top": "10mm", "right": "10mm", "bottom": "13mm", "left": "10mm"}


class PdfUnavailable(RuntimeError):
    """The PDF cannot be made here (no Chromium); the message is one plain sentence."""


def pdf_available() -> bool:
    """True when Chromium is installed, so ``write_pdf`` can work."""
    return chromium_installed()


def _footer(pack: Pack | BoardSummary) -> str:
    # Chromium fills the pageNumber / totalPages spans; the template needs its own font size.
    return (
        '<div style="font-size:7pt;font-family:Arial,sans-serif;color:#444;width:100%;'
        'padding:0 10mm;display:flex;justify-content:space-between">'
        f"<span>{escape(pack.title)}{' · demo data, not real' if pack.demo else ''}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
        "</div>"
    )


def _print(document: str, footer: str, refused: list[str]) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()

            def gate(route) -> None:
                url = route.request.url
                if url.startswith(("data:", "about:")):
                    route.continue_()
                else:  # nothing outside the document may be fetched
                    refused.append(url)
                    route.abort()

            page.route("**/*", gate)
            page.set_content(document, wait_until="load")
            page.emulate_media(media="print")
            return page.pdf(
                format="A4",
                print_background=True,
                margin=MARGINS,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer,
            )
        finally:
            browser.close()


def html_to_pdf(
    document: str, footer: str = "<span></span>", refused: list[str] | None = None
) -> bytes:
    """Print an HTML document to A4 PDF bytes; URLs it tried to fetch go in ``refused``.

    Raises PdfUnavailable when Chromium is not installed.
    """
    if not pdf_available():
        raise PdfUnavailable(
            f"PDF packs need the Chromium browser, which is not installed here ({CHROMIUM}); "
            "download the printable web page and print it to PDF instead."
        )
    refused = [] if refused is None else refused
    # Playwright's sync API refuses to run inside a thread with an asyncio loop (Streamlit's
    # can have one): a fresh worker thread never does.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, document, footer, refused).result()


def write_pdf(pack: Pack, target: Path | str | None = None) -> bytes:
    """The pack as A4 PDF bytes; also written to ``target`` when given.

    Raises PdfUnavailable (a plain sentence) when Chromium is not installed.
    """
    data = html_to_pdf(render_html(pack), _footer(pack))
    if target is not None:
        Path(target).write_bytes(data)
    return data


def write_board_pdf(summary: BoardSummary, target: Path | str | None = None) -> bytes:
    """The SEND board on one A4 page as PDF bytes; also written to ``target`` when given."""
    data = html_to_pdf(render_board_html(summary), _footer(summary))
    if target is not None:
        Path(target).write_bytes(data)
    return data
