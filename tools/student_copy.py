"""Write a copy of the collection for students: outputs cleared, exercise solutions removed.

A solution is a code cell tagged "solution" (and shown collapsed in the instructor's copy).
Everything else - prose, stubs, checks, lrlib, the set-up files - is copied as it is.

Usage: python tools/student_copy.py DEST
"""

from __future__ import annotations

import pathlib
import shutil
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
COPIED = ["lrlib", "notebooks", "docs", "binder", "pyproject.toml", "requirements.lock", "environment.yml",
          "Makefile", "README.md"]


def is_solution(cell) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def student_notebook(notebook):
    """The notebook without solution cells, outputs, execution counts or stored widget state."""
    notebook.cells = [cell for cell in notebook.cells if not is_solution(cell)]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    return notebook


def write_student_copy(dest: pathlib.Path) -> list[pathlib.Path]:
    """Copy the collection into ``dest`` (replacing it) and return the notebooks written."""
    dest = pathlib.Path(dest).resolve()
    if dest == ROOT or ROOT in dest.parents and dest.name in COPIED:
        raise SystemExit(f"refusing to write the student copy over the collection itself: {dest}")
    shutil.rmtree(dest, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, dest / name)
    written = sorted((dest / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in written:
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[-1])
    notebooks = write_student_copy(pathlib.Path(sys.argv[1]))
    print(f"student copy in {sys.argv[1]}: {len(notebooks)} notebooks, solutions removed, outputs cleared")
