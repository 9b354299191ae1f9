"""The slide edition: what `make slides` adds to `jupyter nbconvert --to slides`.

- ``SlideStills``, an nbconvert preprocessor (slides/nbconvert_config.py names it): each live
  widget's output becomes a still read from its saved state (tools/widget_stills.py, shared with
  the book), and the saved state leaves the notebook, so a deck loads no widget JavaScript; code
  cells show their outputs only, except the live demo's (tag ``live-demo``), whose code is shown.
- ``python slides/slideedition.py build/slides NOTEBOOK ...`` writes build/slides/index.html, the
  list of the decks.

Which cells are slides is the notebooks' own slide metadata, written from slides/plan.toml by
tools/slide_plan.py.
"""

from __future__ import annotations

import html
import pathlib
import sys

import nbformat
from nbconvert.preprocessors import Preprocessor

sys.path.append(str(pathlib.Path(__file__).resolve().parents[1] / "tools"))
from widget_stills import replace_widgets_with_stills  # noqa: E402

DEMO_TAG = "live-demo"
WIDGET_NOTE = "A still of the live widget, as the notebook was last run: present it in JupyterLab (RISE) to move its controls."
WIDGET_NOTE_CONTROLS_ONLY = ("A live widget stands here, with its controls set as above: it shows its results when the "
                             "notebook runs (present it in JupyterLab with RISE).")
KEYS = ("→ or Space: next · ←: back · ↓ ↑: the slides below one · Esc: overview · "
        "F: full screen · S: speaker view · ?: every key")


class SlideStills(Preprocessor):
    """Widget outputs as stills, and code shown only on the live demo's cell."""

    def preprocess(self, nb, resources):
        replace_widgets_with_stills(nb, note=WIDGET_NOTE, note_controls_only=WIDGET_NOTE_CONTROLS_ONLY)
        for cell in nb.cells:
            if cell.cell_type == "code" and DEMO_TAG not in cell.metadata.get("tags", []):
                cell.metadata["transient"] = {"remove_source": True}
        return nb, resources


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
