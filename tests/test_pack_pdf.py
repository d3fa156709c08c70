"""Data pack PDFs (packs.pdf): read back with pypdf, page count, the names a chair looks
for, the summary first, no internal ids, no request to any other host, the CLI and the
page's button.

Tests that print need /usr/bin/chromium: without it they skip, unless REQUIRE_BROWSER=1
(set by CI), where a missing browser is a failure (as in tests/browser/conftest.py).
"""

from __future__ import annotations

import io
import os
import re

import pypdf
import pytest
from apptest_helpers import assert_no_exception, open_page

import packs
import packs.pdf
import queries
from packs.__main__ import main as cli_main
from packs.chromium import CHROMIUM, chromium_installed
from packs.model import DEMO_NOTICE

YEAR = 202324
PARTNERSHIP = "Banbury North Partnership"
MAX_PAGES = 8  # issue 17: a pack a chair can put on the table


@pytest.fixture(scope="module")
def chromium() -> None:
    if chromium_installed():
        return
    message = f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def pack(demo_con, demo_warehouse) -> packs.Pack:
    assert PARTNERSHIP in packs.available_areas(demo_con, "Partnership", YEAR)
    build = queries.build_report(demo_warehouse)
    return packs.build_pack(demo_con, "Partnership", PARTNERSHIP, YEAR, build=build)


@pytest.fixture(scope="module")
def pages(chromium, pack) -> list[str]:
    """The text of each page of the pack's PDF."""
    reader = pypdf.PdfReader(io.BytesIO(packs.write_pdf(pack)))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_partnership_pack_fits_on_eight_a4_pages(chromium, pack):
    reader = pypdf.PdfReader(io.BytesIO(packs.write_pdf(pack)))
    assert 2 <= len(reader.pages) <= MAX_PAGES
    box = reader.pages[0].mediabox  # A4 is 595 x 842 points
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2


def test_county_pack_with_its_send_board_page_fits_on_eight_a4_pages(
    chromium, demo_con, demo_warehouse
):
    """The county pack adds the SEND board on one page (second) to the sections: it still
    fits the partnership pack's eight pages, the board on a page of its own."""
    build = queries.build_report(demo_warehouse)
    (county,) = packs.available_areas(demo_con, "County", YEAR)
    pack = packs.build_pack(demo_con, "County", county, YEAR, build=build)
    reader = pypdf.PdfReader(io.BytesIO(packs.write_pdf(pack)))
    texts = [flat(page.extract_text()) for page in reader.pages]
    assert 3 <= len(texts) <= MAX_PAGES, len(texts)
    assert "The SEND board on one page" in texts[1]
    assert "The SEND board on one page" not in " ".join(texts[:1] + texts[2:])
    assert "Children and young people" in texts[2]


def test_page_one_is_the_summary(pages, pack):
    first = flat(pages[0])
    assert pack.title in first and "Summary: what stands out" in first
    assert DEMO_NOTICE in first and "2023/24" in first
    assert "Test:" in first  # each finding says which test found it
    assert "Summary: what stands out" not in flat(" ".join(pages[1:]))
    assert "Page 1 of" in first


def test_names_the_area_and_every_comparator(pages, pack):
    text = flat(" ".join(pages))
    assert pack.locality == "Banbury"
    for name in (PARTNERSHIP, "Banbury locality", "County (Oxfordshire)", "England"):
        assert name in text, name
    # every section's heading is printed
    for section in pack.sections:
        assert section.title in text


def test_no_internal_measure_id_is_printed(pages, demo_con):
    text = flat(" ".join(pages))
    catalogue = queries.list_measures(demo_con)
    ids = {
        str(m)
        for m, label in zip(catalogue["measure"], catalogue["label"], strict=True)
        if str(m) not in str(label).lower().split()  # 'pupils' is also a word
    }
    assert "authorised_absence_rate" in ids
    for measure in ids:
        assert not re.search(rf"(?<![\w-]){re.escape(measure)}(?![\w-])", text), measure


def test_printing_requests_nothing_from_another_host(chromium, pack):
    refused: list[str] = []
    packs.pdf.html_to_pdf(packs.render_html(pack), refused=refused)
    assert refused == []
    # and the gate does refuse: a document asking for an outside image is not let out
    packs.pdf.html_to_pdf('<img src="http://example.invalid/x.png" alt="">', refused=refused)
    assert refused == ["http://example.invalid/x.png"]


def test_without_chromium_one_plain_sentence(pack, monkeypatch):
    monkeypatch.setattr(packs.pdf, "chromium_installed", lambda: False)
    with pytest.raises(packs.PdfUnavailable, match="need the Chromium browser"):
        packs.write_pdf(pack)


def test_cli_writes_a_pdf(chromium, demo_warehouse, tmp_path):
    stream = io.StringIO()
    args = ["--level", "Partnership", "--area", PARTNERSHIP, "--format", "pdf"]
    args += ["--out", str(tmp_path), "--warehouse", str(demo_warehouse)]
    assert cli_main(args, stream=stream) == 0, stream.getvalue()
    files = list(tmp_path.iterdir())
    assert [p.name for p in files] == ["banbury-north-partnership-data-pack-2023-24.pdf"]
    assert len(pypdf.PdfReader(files[0]).pages) <= MAX_PAGES


def test_cli_without_chromium_is_one_plain_line(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(packs.pdf, "chromium_installed", lambda: False)
    stream = io.StringIO()
    args = ["--level", "Locality", "--area", "Banbury", "--format", "pdf"]
    args += ["--out", str(tmp_path), "--warehouse", str(demo_warehouse)]
    assert cli_main(args, stream=stream) == 2
    assert "error: PDF packs need the Chromium browser" in stream.getvalue()
    assert "Traceback" not in stream.getvalue()


def _page(params: dict[str, str]):
    at = open_page("data_pack.py", params)
    assert_no_exception(at)
    return at


PARAMS = {"level": "Partnership", "partnership": PARTNERSHIP, "year": str(YEAR)}


def test_page_makes_the_pdf_on_click(chromium, app_warehouse):
    at = _page(PARAMS)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download PDF" not in labels  # made only when asked: it takes seconds
    at.button(key="make-pack-pdf").click().run(timeout=120)
    assert_no_exception(at)
    buttons = {d.proto.label: d for d in at.get("download_button")}
    assert "Download PDF" in buttons


def test_page_without_chromium_says_so_in_one_line(app_warehouse, monkeypatch):
    monkeypatch.setattr(packs.pdf, "chromium_installed", lambda: False)
    at = _page(PARAMS)
    captions = [c.value for c in at.caption]
    assert any("Chromium browser is not installed" in c for c in captions)
    assert not at.get("button") or all(b.key != "make-pack-pdf" for b in at.button)
