"""The SEND board as a strategic lead reaches it: from the county overview by the sidebar's
own link (clicked, not opened by address), every KPI row drawn with its words for green,
amber and red, a definition opened, and Back and Forward between the two pages."""

from __future__ import annotations

import re

from browser_helpers import AppPage

from contract import catalogue
from explorer import send_projections


def test_a_lead_reaches_the_board_from_the_menu_and_back(app: AppPage) -> None:
    app.open("county_overview")
    app.navigate(app.page.locator('[data-testid="stSidebarNav"] a', has_text="SEND board").click)
    app.page.wait_for_selector('[data-testid="stMain"] h1:has-text("SEND board")')
    app.wait_idle()
    assert app.problems() == []
    assert app.page.url.rstrip("/").endswith("/send_board")
    text = app.main_text()
    for measure in catalogue.board():
        assert measure.label in text
    # each row's ratings, in words (the headline and the rules say them in lower case)
    rated = re.findall(r"Against target:\s*(?:[a-z_]+\s+)?(Green|Amber|Red|No rating)", text)
    assert len(rated) == len(catalogue.board()), rated
    assert app.chart_count() == len(catalogue.board()) + 2  # + projection, scenario
    assert all(w > 100 and h > 60 for w, h in app.chart_sizes()), app.chart_sizes()
    # a definition, opened by keyboard as a screen-reader user would
    summary = app.main.locator("summary", has_text="is defined, and where it comes from").first
    summary.focus()
    app.page.keyboard.press("Enter")
    app.page.wait_for_selector("text=DfE children's services statistical neighbours")
    assert "Source: DfE: Education, health and care plans (SEN2)" in app.main_text()
    app.page.go_back()
    app.page.wait_for_selector('[data-testid="stMain"] h1:has-text("County overview")')
    app.wait_idle()
    app.page.go_forward()
    app.page.wait_for_selector('[data-testid="stMain"] h1:has-text("SEND board")')
    app.wait_idle()
    assert app.problems() == []
    # then the projection of new plans instead of plans maintained: kept in the address
    runs = app.runs()
    app.page.get_by_text("New EHC plans issued (calendar year)", exact=True).click()
    app.wait_for_rerun(runs)
    assert app.query_params().get("project") == "ehc_new_plans"
    assert "new EHC plans issued in 2034" in app.main_text()
    assert "Backtest." in app.main_text()
    # and the money: the top-up funding the council paid schools, in pounds
    runs = app.runs()
    app.page.get_by_text(send_projections.SERIES[send_projections.SPEND].label, exact=True).click()
    app.wait_for_rerun(runs)
    assert app.query_params().get("project") == send_projections.SPEND
    assert "of high needs top-up funding paid to schools in 2034" in app.main_text()
    assert app.problems() == []


def test_the_board_on_one_page_downloads_as_a_web_page_and_a_pdf(app: AppPage, tmp_path) -> None:
    """The lead takes the board to the meeting: the one-page web page downloads with every
    KPI in it, and the PDF is made when asked (one A4 page) and then downloads."""
    app.open("send_board")
    download = app.download(
        app.page.get_by_role("button", name="Download the board on one page (.html)")
    )
    html = tmp_path / "board.html"
    download.save_as(html)
    text = html.read_text(encoding="utf-8")
    assert text.count("<tr>") == 1 + len(catalogue.board())
    for measure in catalogue.board():
        assert measure.heading in text.replace("&#39;", "'")
    runs = app.runs()
    app.page.get_by_role("button", name="Make a PDF of the board (A4)").click()
    app.wait_for_rerun(runs)
    download = app.download(app.page.get_by_role("button", name="Download PDF"))
    pdf = tmp_path / "board.pdf"
    download.save_as(pdf)
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes())) == 1
    assert app.problems() == []
