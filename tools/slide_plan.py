"""Write slides/plan.toml into notebooks 01–12: which cells are slides, and which one is the live demo.

The plan lists, per notebook, the cells shown as slides, each named by a piece of its text. This
tool turns it into Jupyter's standard slide metadata, ``cell.metadata.slideshow.slide_type``, that
RISE (live slides in JupyterLab) and ``jupyter nbconvert --to slides`` (make slides) both read:
each listed cell gets its kind, every other cell "skip"; the demo's cell is tagged ``live-demo``
and no other cell is. The navigation cells get "skip" from tools/navigation.py, which writes them.

Usage: python tools/slide_plan.py          # write the metadata into the notebooks
       python tools/slide_plan.py --check  # list the notebooks that disagree with the plan, exit 1 if any
"""

from __future__ import annotations

import argparse
import copy
import pathlib
import sys
import tomllib
from dataclasses import dataclass

import nbformat

from normalize_notebooks import text

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PLAN = ROOT / "slides" / "plan.toml"
KINDS = ("slide", "subslide", "-", "fragment", "notes")
DEMO_TAG = "live-demo"


class PlanError(ValueError):
    """The plan does not fit its notebook: the message names the deck, the entry and the fix."""


@dataclass(frozen=True)
class Deck:
    notebook: str                    # the notebook's stem, "03_linear"
    cells: tuple[tuple[str, str], ...]  # (kind, a piece of the cell's text), in the notebook's order
    demo: str                        # a piece of the live demo's cell text


def read_plan(path: pathlib.Path = PLAN) -> list[Deck]:
    """The decks of the plan file, in its order."""
    decks = tomllib.loads(path.read_text(encoding="utf-8")).get("decks", {})
    plan = []
    for name, deck in decks.items():
        if set(deck) != {"cells", "demo"}:
            raise PlanError(f"{path.name}, deck {name}: give exactly `demo` and `cells` (found {sorted(deck)})")
        for entry in deck["cells"]:
            if len(entry) != 2 or entry[0] not in KINDS:
                raise PlanError(f"{path.name}, deck {name}: {entry!r} should be [kind, text] with kind one of {KINDS}")
        plan.append(Deck(name, tuple(map(tuple, deck["cells"])), deck["demo"]))
    return plan


def find_cell(cells: list, piece: str, deck: str) -> int:
    """The index of the one cell whose source contains ``piece``."""
    found = [index for index, cell in enumerate(cells) if piece in cell.source]
    if len(found) != 1:
        where = f"cells {found}" if found else "no cell"
        raise PlanError(f"deck {deck}: {piece!r} is in {where}; name one cell by a piece of text only it contains")
    return found[0]


def slide_types(notebook: nbformat.NotebookNode, deck: Deck) -> list[str]:
    """Each cell's slide type under the plan: its kind if listed, else "skip"."""
    types = ["skip"] * len(notebook.cells)
    previous = -1
    for kind, piece in deck.cells:
        index = find_cell(notebook.cells, piece, deck.notebook)
        if index <= previous:
            raise PlanError(f"deck {deck.notebook}: {piece!r} (cell {index}) is listed after cell {previous}: "
                            "list the cells in the notebook's order")
        types[index], previous = kind, index
    demo = find_cell(notebook.cells, deck.demo, deck.notebook)
    if types[demo] == "skip":
        raise PlanError(f"deck {deck.notebook}: the demo {deck.demo!r} is not on a slide: list its cell too")
    return types


def planned(notebook: nbformat.NotebookNode, deck: Deck) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with the plan's slide types and the demo's tag."""
    notebook = copy.deepcopy(notebook)
    demo = find_cell(notebook.cells, deck.demo, deck.notebook)
    for index, (cell, kind) in enumerate(zip(notebook.cells, slide_types(notebook, deck))):
        cell.metadata["slideshow"] = {"slide_type": kind}
        tags = [tag for tag in cell.metadata.get("tags", []) if tag != DEMO_TAG] + ([DEMO_TAG] if index == demo else [])
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    return notebook


def slides_of(notebook: nbformat.NotebookNode) -> list[list[int]]:
    """The cells each slide shows, by index, as RISE and nbconvert group them from the metadata: a
    "slide" or "subslide" cell starts a slide, "-" and "fragment" add to it; "skip" and "notes" cells
    show on none (notes go to the speaker view)."""
    slides: list[list[int]] = []
    for index, cell in enumerate(notebook.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not slides:
            slides.append([])
        slides[-1].append(index)
    return slides


def notebook_path(deck: Deck) -> pathlib.Path:
    path = NOTEBOOKS / f"{deck.notebook}.ipynb"
    if not path.is_file():
        raise PlanError(f"deck {deck.notebook}: no notebooks/{deck.notebook}.ipynb (name a deck after a notebook's file)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the notebooks that disagree with the plan")
    args = parser.parse_args(argv)
    try:
        stale = []
        for deck in read_plan():
            path = notebook_path(deck)
            current = path.read_text(encoding="utf-8")
            wanted = text(planned(nbformat.reads(current, as_version=4), deck))
            if current != wanted:
                stale.append(path.relative_to(ROOT))
                if not args.check:
                    path.write_text(wanted, encoding="utf-8")
    except PlanError as error:
        print(f"slides/plan.toml: {error}", file=sys.stderr)
        return 2
    if args.check:
        print("\n".join(f"{path} disagrees with slides/plan.toml: run python tools/slide_plan.py" for path in stale)
              or "every notebook's slides are as slides/plan.toml says")
        return 1 if stale else 0
    print("\n".join(f"wrote the slides of {path}" for path in stale) or "every notebook's slides were already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
