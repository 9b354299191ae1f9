"""The slide edition: what `make slides` adds to `jupyter nbconvert --to slides`.

- ``SlideStills``, an nbconvert preprocessor (slides/nbconvert_config.py names it): each live
  widget's output becomes a still read from its saved state (tools/widget_stills.py, shared with
  the book), and the saved state leaves the notebook, so a deck loads no widget JavaScript; code
  cells show their outputs only, except the live demo's (tag ``live-demo``), whose first lines are
  shown; a cell with a figure shows the figure without the text it printed; a reveal ("What the run
  shows") is open; ``\\texttt{a\\_b}`` becomes ``\\mathtt{a\\_b}`` (MathJax 2 draws the backslash
  otherwise); a closing sentence that introduces code no slide shows (``In numpy:``) is dropped.
- ``python slides/slideedition.py build/slides NOTEBOOK ...`` writes build/slides/index.html, the
  list of the decks.

Which cells are slides is the notebooks' own slide metadata, written from slides/plan.toml by
tools/slide_plan.py.
"""

from __future__ import annotations

import html
import pathlib
import re
import sys

import nbformat
from nbconvert.preprocessors import Preprocessor

sys.path.append(str(pathlib.Path(__file__).resolve().parents[1] / "tools"))
from widget_stills import replace_widgets_with_stills  # noqa: E402

DEMO_TAG = "live-demo"
# RISE (jupyterlab-rise 0.43.1) does not render ipywidgets (jupyterlab-contrib/rise issues 119 and 126):
# the live demo runs from the notebook itself.
WIDGET_NOTE = ("A still of the live widget, as the notebook was last run: to move its controls, run this cell "
               "in the notebook itself (JupyterLab, Binder or Colab).")
WIDGET_NOTE_CONTROLS_ONLY = ("A live widget stands here, with its controls set as above: it shows its results when the "
                             "notebook runs (run this cell in the notebook itself: JupyterLab, Binder or Colab).")
KEYS = ("→ or Space: next · ←: back · ↓ ↑: the slides below one · Esc: overview · "
        "F: full screen · ?: every key")
DEMO_LINES = 3  # the live demo's code on its slide: this many lines at most, the rest is in the notebook
# A reveal that answers a prediction is a collapsed <details> in the notebook; a deck shows it open.
REVEAL_DETAILS = re.compile(r"<details>(\s*<summary><b>What the run shows</b></summary>)")
# \_ inside \texttt{} shows its backslash under MathJax 2 (no textmacros); \mathtt{} reads \_ as _.
TEXTTT = re.compile(r"\\texttt\{([^{}]*\\_[^{}]*)\}")


class SlideStills(Preprocessor):
    """Widget outputs as stills, code shown only on the live demo's cell (its first lines), a figure
    without the text its cell printed, reveals open, and TeX MathJax 2 draws."""

    def preprocess(self, nb, resources):
        replace_widgets_with_stills(nb, note=WIDGET_NOTE, note_controls_only=WIDGET_NOTE_CONTROLS_ONLY)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                cell.source = for_a_slide(cell.source, introduces_hidden_code=introduces_hidden_code(nb.cells, index))
                continue
            if cell.cell_type != "code":
                continue
            if any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
                cell.outputs = [output for output in cell.outputs if output.output_type != "stream"]
            if DEMO_TAG in cell.metadata.get("tags", []):
                cell.source = first_lines(cell.source)
            else:
                cell.metadata["transient"] = {"remove_source": True}
        return nb, resources


def shown(cell) -> bool:
    return cell.metadata.get("slideshow", {}).get("slide_type", "skip") not in ("skip", "notes")


def introduces_hidden_code(cells, index: int) -> bool:
    """Whether cell ``index`` is on a slide and the cell after it is code that no slide shows."""
    return shown(cells[index]) and index + 1 < len(cells) and cells[index + 1].cell_type == "code" and not shown(cells[index + 1])


def for_a_slide(source: str, *, introduces_hidden_code: bool = False) -> str:
    """A markdown cell as a deck shows it: a reveal open, \\texttt{a\\_b} as \\mathtt{a\\_b}, and a
    closing sentence that introduces code (``…:``) dropped when that code is not on the deck."""
    source = REVEAL_DETAILS.sub(r"<details open>\1", source)
    source = TEXTTT.sub(r"\\mathtt{\1}", source)
    stripped = source.rstrip()
    if introduces_hidden_code and stripped.endswith(":"):
        head, _, last = stripped.rpartition("\n\n")
        sentences = re.split(r"(?<=[.!?)])\s+(?=[A-Z`])", last)
        last = " ".join(sentences[:-1]) if len(sentences) > 1 else last[:-1] + "."
        source = "\n\n".join(part for part in (head, last) if part)
    return source


def first_lines(source: str, count: int = DEMO_LINES) -> str:
    """The live demo's code as its slide shows it: its first lines, and how many more the notebook holds."""
    lines = source.rstrip().splitlines()
    if len(lines) <= count:
        return source
    kept = [line for line in lines if line.strip()][:count - 1]
    return "\n".join(kept + [f"# … {len(lines) - len(kept)} more lines: run the cell in the notebook"])


def deck_title(notebook: nbformat.NotebookNode) -> str:
    """The notebook's title, its first heading without the ``#``."""
    return notebook.cells[0].source.splitlines()[0].lstrip("# ").strip()


def index_page(decks: list[tuple[str, str]]) -> str:
    """The page that lists the decks: (file name, title) each, in order."""
    items = "\n".join(f'<li><a href="{html.escape(file)}">{html.escape(title)}</a></li>' for file, title in decks)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warmup, explained: slides</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 42em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
li {{ margin: 0.3em 0; }}
</style>
</head>
<body>
<h1>Warmup, explained: slides</h1>
<p>One deck per notebook, from the outputs stored with it. In a deck: {html.escape(KEYS)}.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python slides/slideedition.py OUTPUT_FOLDER NOTEBOOK ... (make slides runs it)", file=sys.stderr)
        return 2
    folder, notebooks = pathlib.Path(argv[0]), [pathlib.Path(name) for name in argv[1:]]
    decks = []
    for path in notebooks:
        deck = folder / f"{path.stem}.slides.html"
        if not deck.is_file():
            print(f"no {deck}: run jupyter nbconvert --to slides first (make slides does)", file=sys.stderr)
            return 1
        decks.append((deck.name, deck_title(nbformat.read(path, as_version=4))))
    (folder / "index.html").write_text(index_page(decks), encoding="utf-8")
    print(f"{folder / 'index.html'}: {len(decks)} decks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
