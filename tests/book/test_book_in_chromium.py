"""The book as a reader opens it: headless Chromium over file:// and over HTTP on 127.0.0.1."""

import re
import struct

import pytest

from .conftest import ROOT

PAGES = ["index.html", "notebooks/03_linear.html", "notebooks/06_polynomial.html", "notebooks/09_step_count_mismatch.html"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
RAW_MATH = re.compile(r"\$[^$\n]+\$")
# The article's text with code, outputs and widget stills left out: what MathJax should have typeset.
PROSE = """() => {
    const article = document.querySelector("article.bd-article").cloneNode(true);
    article.querySelectorAll("pre, code, .cell_output, .widget-still, mjx-container").forEach(e => e.remove());
    return article.innerText;
}"""


@pytest.fixture(params=["file", "http"])
def root(request, book, http_root):
    return book.as_uri() + "/" if request.param == "file" else http_root


class Visit:
    """A page opened in a fresh browser context, with everything that went wrong while it loaded."""

    def __init__(self, browser, root, path, viewport=DESKTOP):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.problems = []
        local = ("file:", "data:", "blob:", "about:") if root.startswith("file:") else (root, "data:", "blob:", "about:")
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(f"console: {message.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url} {request.failure}"))
        self.page.on("request", lambda request: request.url.startswith(local) or self.problems.append(f"external: {request.url}"))
        self.page.on("response", lambda response: response.status >= 400 and self.problems.append(f"{response.status}: {response.url}"))
        self.page.goto(root + path, wait_until="load")
        if self.page.evaluate("() => document.querySelector('.math') !== null"):
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            self.page.evaluate("() => MathJax.startup.promise")
        self.page.wait_for_function("() => Array.from(document.images).every(image => image.complete)")
        self.page.evaluate("() => document.fonts.ready.then(() => true)")

    def close(self):
        self.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_a_page_loads_with_no_error_nor_any_request_elsewhere_and_its_math_typeset(browser, root, path):
    visit = Visit(browser, root, path)
    try:
        page = visit.page
        assert page.title() and page.locator("article.bd-article h1").count() == 1
        formulas = page.locator("article .math").count()
        if path != "index.html":
            assert formulas > 5, "a notebook page with no formula"
            assert page.locator("article .math mjx-container").count() == formulas, "a formula MathJax left untypeset"
            assert page.locator("article img").count() > 0, "a notebook page with no figure"
        leftover = RAW_MATH.findall(page.evaluate(PROSE))
        assert not leftover, f"raw TeX left in the text: {leftover[:5]}"
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_search_finds_warmup(browser, root):
    visit = Visit(browser, root, "search.html?q=warmup")
    try:
        results = visit.page.locator("#search-results ul.search li")
        results.first.wait_for()
        assert results.count() >= 10, "warmup is in nearly every page"
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


@pytest.mark.parametrize("path", PAGES[1:])
def test_on_a_phone_the_page_does_not_scroll_sideways(browser, http_root, path):
    visit = Visit(browser, http_root, path, viewport=PHONE)
    try:
        assert visit.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        visit.close()


def png_size(path):
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_screenshots_of_a_page_with_a_formula_and_a_figure_at_desktop_and_phone_width(browser, http_root):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        visit = Visit(browser, http_root, "notebooks/03_linear.html", viewport=viewport)
        try:
            page = visit.page
            start = page.locator("#the-formula").bounding_box()
            figure = page.locator("#the-picture img").first.bounding_box()
            assert figure["y"] > start["y"]
            shot = SCREENSHOTS / f"book-03_linear-formula-and-figure-{name}.png"
            page.screenshot(path=shot, full_page=True,
                            clip={"x": 0, "y": start["y"], "width": viewport["width"], "height": figure["y"] + figure["height"] - start["y"] + 16})
            width, height = png_size(shot)
            assert width == viewport["width"] and height > 400
        finally:
            visit.close()
    landing = Visit(browser, http_root, "index.html", viewport=PHONE)
    try:
        landing.page.screenshot(path=SCREENSHOTS / "book-index-phone.png")
    finally:
        landing.close()
