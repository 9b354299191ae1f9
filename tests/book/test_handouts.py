"""The printable hand-outs `make handouts` writes, as a reader meets them: opened from disk in Chromium,
offline, and printed to PDF. make book-test runs them with the book's tests (HANDOUTS_DIR names the folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import ROOT

QUESTIONS = 12
A4 = {"format": "A4", "print_background": True}
A4_LANDSCAPE = {**A4, "landscape": True}  # as the cheat sheet's @page asks


@pytest.fixture(scope="module")
def handouts() -> Path:
    folder = (ROOT / os.environ.get("HANDOUTS_DIR", "build/handouts")).resolve()
    assert (folder / "check_yourself.html").is_file(), f"no {folder}/check_yourself.html: run make handouts first"
    return folder


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF Chromium printed (each page object is '/Type /Page')."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def open_offline(browser, path: Path):
    """A page with ``path`` loaded from disk, and every URL it asked for that is not on this disk."""
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(("file://", "data:")) else outside.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return page, outside


def test_the_printed_self_check_shows_every_question_and_no_answer_and_loads_nothing_from_outside(browser, handouts):
    page, outside = open_offline(browser, handouts / "check_yourself.html")
    text = page.inner_text("body")
    assert re.findall(r"Question (\d+)\.", text) == [str(n) for n in range(1, QUESTIONS + 1)]
    assert page.locator(".handout-answer").count() >= QUESTIONS
    assert page.locator("img").count() == 2  # the two quiz figures, from the notebook's stored outputs
    for answer_shown in ("Solution", "try first", "course.check", "Not yet", "cosine_one_cycle = "):
        assert answer_shown not in text, answer_shown
    assert page.locator("details").count() == 0 and page.locator(".jp-CodeCell .jp-InputArea").count() == 0
    assert outside == []
    pdf = page.pdf(**A4)
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) >= 2
    page.close()


def test_the_cheat_sheet_prints_on_one_a4_page_with_every_formula_typeset_and_loads_nothing_from_outside(browser, handouts):
    page, outside = open_offline(browser, handouts / "cheatsheet.html")
    source = (ROOT / "docs" / "cheatsheet.md").read_text(encoding="utf-8")
    assert page.locator("tbody tr").count() == 12
    assert page.locator("mjx-container").count() == source.count("$") // 2  # every formula of the page, typeset
    assert "\\begin{cases}" not in page.inner_text("body")
    page.emulate_media(media="print")
    assert "size: A4 landscape" in page.content()
    assert pdf_pages(page.pdf(**A4_LANDSCAPE)) == 1
    assert outside == []
    page.close()


def test_the_page_count_sees_a_second_page(browser, handouts):
    page, _ = open_offline(browser, handouts / "cheatsheet.html")
    page.evaluate("() => { const table = document.querySelector('table'); table.after(table.cloneNode(true)); }")
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(**A4_LANDSCAPE)) == 2
    page.close()
