"""Take out of the notebooks what changes at every run, so that a one-line edit gives a one-line diff.

`make execute` runs this after nbconvert has re-executed a notebook. What goes, and what stays:
- cell metadata: only what an author sets is kept (tags, and JupyterLab's jupyter/collapsed/scrolled/
  editable/deletable/slideshow); nbclient's per-cell timings (``execution``) and any other tool's
  noise (Colab's ids, execute-time extensions) go. nbconvert's ClearMetadataPreprocessor does it.
- notebook metadata: ``kernelspec`` and ``language_info.name`` stay (the kernel to start and the
  language to highlight); the rest of ``language_info`` (the kernel's Python version, ...) goes.
- saved widget state (``metadata.widgets``): kept for the widgets a stored output displays, and for
  the models they refer to, nothing else. A static page (nbviewer, the book issue 22 plans) needs it
  to draw the explorer's controls and curve; nbval and the browser tests do not (nbval skips widget
  outputs, the browser tests run the notebooks live). Its model ids are random at every run, so each
  is replaced by a stable one: the n-th model met (stored outputs in order, then the models each
  refers to) gets a hash of the notebook's name and n.
- the JSON is nbformat's own (indent 1, keys sorted), as JupyterLab and nbconvert write it.

Usage: python tools/normalize_notebooks.py [NOTEBOOK ...]          # rewrite them (default: every one)
       python tools/normalize_notebooks.py --check [NOTEBOOK ...]  # list those not normalized, exit 1 if any
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import pathlib
import sys

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REFERENCE = "IPY_MODEL_"
CELL_METADATA_KEPT = {"tags", "jupyter", "collapsed", "scrolled", "editable", "deletable", "slideshow"}
NOTEBOOK_METADATA_KEPT = {"kernelspec", ("language_info", "name"), "widgets"}


def normalized(notebook: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` (stored as ``name``) without what changes from run to run."""
    notebook = copy.deepcopy(notebook)
    clear = ClearMetadataPreprocessor(preserve_cell_metadata_mask=CELL_METADATA_KEPT,
                                      preserve_nb_metadata_mask=NOTEBOOK_METADATA_KEPT)
    notebook, _ = clear.preprocess(notebook, {})
    _stable_widget_state(notebook, name)
    return nbformat.from_dict(notebook)


def _references(value) -> list[str]:
    """The model ids a widget's state refers to ("IPY_MODEL_<id>"), in the order they appear."""
    if isinstance(value, str):
        return [value[len(REFERENCE):]] if value.startswith(REFERENCE) else []
    if isinstance(value, dict):
        return [ref for key in sorted(value) for ref in _references(value[key])]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


def _renamed(value, ids: dict[str, str]):
    if isinstance(value, str) and value.startswith(REFERENCE):
        return REFERENCE + ids.get(value[len(REFERENCE):], value[len(REFERENCE):])
    if isinstance(value, dict):
        return {key: _renamed(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, ids) for item in value]
    return value


def _stable_widget_state(notebook, name: str) -> None:
    views = [output["data"][WIDGET_VIEW] for cell in notebook.cells if cell.cell_type == "code"
             for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]
    saved = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    state = saved.get("state", {})
    order: list[str] = []

    def meet(model_id: str) -> None:
        if model_id in order:
            return
        order.append(model_id)
        if model_id in state:
            for reference in _references(state[model_id].get("state", {})):
                meet(reference)

    for view in views:
        meet(view["model_id"])
    ids = {old: hashlib.sha256(f"{name}:{n}".encode()).hexdigest()[:32] for n, old in enumerate(order)}
    for view in views:
        view["model_id"] = ids[view["model_id"]]
    kept = {ids[old]: _renamed(state[old], ids) for old in order if old in state}
    if kept:
        notebook.metadata["widgets"] = {WIDGET_STATE: {**saved, "state": kept}}
    else:
        notebook.metadata.pop("widgets", None)


def text(notebook: nbformat.NotebookNode) -> str:
    """The file nbformat.write writes."""
    written = nbformat.writes(notebook)
    return written if written.endswith("\n") else written + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list the notebooks that are not normalized")
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="notebook files (default: every notebooks/NN_*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)} (give paths such as notebooks/05_cosine_with_restarts.ipynb)")
    stale = []
    for path in paths:
        current = path.read_text(encoding="utf-8")
        wanted = text(normalized(nbformat.reads(current, as_version=4), path.stem))
        if current != wanted:
            stale.append(path)
            if not args.check:
                path.write_text(wanted, encoding="utf-8")
    shown = [_shown(path) for path in stale]
    if args.check:
        print("\n".join(f"{path} is not normalized: python tools/normalize_notebooks.py {path}" for path in shown)
              or f"{len(paths)} notebooks normalized")
        return 1 if stale else 0
    print("\n".join(f"normalized {path}" for path in shown) or "nothing to normalize")
    return 0


def _shown(path: pathlib.Path) -> pathlib.Path:
    """The path as a command run from the repository root would name it."""
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


if __name__ == "__main__":
    sys.exit(main())
