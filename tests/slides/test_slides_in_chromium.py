"""Each deck as the room sees it: opened over file:// in headless Chromium and stepped through to its end."""

import re

import pytest

from .conftest import DECKS, ROOT, slides_of

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TEX = re.compile(r"\$[^$\n]+\$|\$\$")
LOCAL = ("file:", "data:", "blob:", "about:")
TALLER = 8  # px a slide may exceed the slide area by (rounding, a descender) before it needs scrolling
# What the current slide shows: its formulas (MathJax 2 keeps each one's TeX in a script beside it), the
# ones it drew, its pictures, and whether each has loaded.
CURRENT_SLIDE = """() => {
    const slide = Reveal.getCurrentSlide();
    return {
        tex: slide.querySelectorAll('script[type^="math/tex"]').length,
        typeset: slide.querySelectorAll(".MathJax_CHTML").length,
        errors: slide.querySelectorAll(".MathJax_Error, .mjx-merror").length,
        images: Array.from(slide.querySelectorAll("img")).map(image => image.complete && image.naturalWidth > 0),
        indices: Reveal.getIndices(),
        height: slide.scrollHeight,
    };
}"""


def shows(notebook, cells, kind):
    """Whether any of these cells shows a formula ("tex") or a stored picture ("image")."""
    if kind == "tex":
        return any(notebook.cells[i].cell_type == "markdown" and TEX.search(notebook.cells[i].source) for i in cells)
    return any("image/png" in output.get("data", {}) for i in cells for output in notebook.cells[i].get("outputs", []))


class Deck:
    """A deck opened in a fresh browser context, every request outside file:// refused and recorded."""

    def __init__(self, browser, path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.problems = []
        self.context.route("**/*", self._local_only)
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(f"console: {message.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda request: request.url.startswith(LOCAL) and self.problems.append(
            f"failed: {request.url} {request.failure}"))
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        self.page.wait_for_function("() => window.MathJax && MathJax.isReady === true")
        self.page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")

    def _local_only(self, route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            self.problems.append(f"request outside file://: {route.request.url}")
            route.abort()

    def current(self):
        self.page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")
        self.page.wait_for_function("() => Array.from(Reveal.getCurrentSlide().querySelectorAll('img')).every(i => i.complete)")
        return self.page.evaluate(CURRENT_SLIDE)

    def next_slide(self):
        """Reveal's next step until another slide is current (a fragment is a step too); False at the end."""
        position = "() => JSON.stringify([Reveal.getIndices().h, Reveal.getIndices().v])"
        start = self.page.evaluate(position)
        while not self.page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            step = self.page.evaluate("() => JSON.stringify(Reveal.getIndices())")
            self.page.evaluate("() => Reveal.next()")
            self.page.wait_for_function("step => JSON.stringify(Reveal.getIndices()) !== step", arg=step)
            if self.page.evaluate(position) != start:
                return True
        return False

    def close(self):
        self.context.close()


@pytest.mark.parametrize("name", DECKS)
def test_a_deck_steps_through_every_slide_with_its_formulas_typeset_its_figures_shown_and_nothing_to_scroll(browser, slides_dir, notebooks, name):
    notebook = notebooks[name]
    planned = slides_of(notebook)
    deck = Deck(browser, slides_dir / f"{name}.slides.html")
    try:
        assert deck.page.evaluate("() => Reveal.getTotalSlides()") == len(planned)
        area = deck.page.evaluate("() => Reveal.getConfig().height")
        shot, too_tall = None, []
        for number, cells in enumerate(planned, start=1):
            if number > 1:
                assert deck.next_slide(), f"{name}: the deck ended after {number - 1} of {len(planned)} slides"
            slide = deck.current()
            where = f"{name}, slide {number} (cells {cells})"
            if shows(notebook, cells, "tex"):
                assert slide["tex"] > 0, f"{where}: TeX in the notebook, no formula on the slide"
            assert slide["typeset"] == slide["tex"] and not slide["errors"], f"{where}: a formula MathJax left untypeset"
            if shows(notebook, cells, "image"):
                assert slide["images"], f"{where}: a figure in the notebook, none on the slide"
            assert all(slide["images"]), f"{where}: a picture that did not load"
            if slide["height"] > area + TALLER:
                too_tall.append(f"{where}: {slide['height']} px tall, the slide area {area} px")
            if shot is None and slide["images"] and slide["tex"]:
                shot = number
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                deck.page.screenshot(path=SCREENSHOTS / f"slides-{name}.png")
        assert not deck.next_slide(), f"{name}: more slides than the metadata asks for"
        if shot is None:  # no slide with both: the last one, the recap
            deck.page.screenshot(path=SCREENSHOTS / f"slides-{name}.png")
        assert not deck.problems, "\n".join(deck.problems)
        assert not too_tall, "slides that scroll:\n" + "\n".join(too_tall)
    finally:
        deck.close()
