"""Write the instructor's copy of the collection: every exercise solved, every notebook executed.

The notebooks in notebooks/ are the learner's copy. An exercise there is
  a code cell tagged "exercise" (the stub: ``...`` where the answer goes),
  a markdown cell tagged "solution" after it (collapsed ``<details>`` holding one ```python block),
  and code cells tagged "check" after that (an lrlib check, which says "Not yet:" to the stub).
The instructor's copy puts each solution's code in place of its stub and runs the notebook, so every
check shows its ✓.

Usage: python tools/instructor_copy.py DEST
"""

from __future__ import annotations

import pathlib
import re
import shutil
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
COPIED = ["lrlib", "notebooks", "docs", "binder", "pyproject.toml", "requirements.lock", "environment.yml",
          "Makefile", "README.md"]
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def solution_code(cell) -> str:
    """The code of a solution cell: its one ```python block."""
    blocks = FENCE.findall(cell.source)
    if len(blocks) != 1:
        raise ValueError(f"a solution cell holds exactly one ```python block, this one has {len(blocks)}: "
                         f"{cell.source[:80]!r}")
    return blocks[0].rstrip("\n")


def exercises(notebook) -> list[tuple[int, int, list[int]]]:
    """(stub, solution, checks) cell indices for every exercise, in order. Raises ValueError if an
    exercise lacks its solution or check, or if they come out of order."""
    found, stubs = [], [i for i, c in enumerate(notebook.cells) if "exercise" in tags(c)]
    for number, stub in enumerate(stubs):
        end = stubs[number + 1] if number + 1 < len(stubs) else len(notebook.cells)
        part = range(stub + 1, end)
        solutions = [i for i in part if "solution" in tags(notebook.cells[i])]
        checks = [i for i in part if "check" in tags(notebook.cells[i])]
        if len(solutions) != 1 or not checks or checks[0] < solutions[0]:
            raise ValueError(f"exercise at cell {stub}: needs one solution cell, then at least one check cell, "
                             f"before the next exercise (found solutions at {solutions}, checks at {checks}).")
        found.append((stub, solutions[0], checks))
    return found


def solved(notebook):
    """The notebook with each stub replaced by its solution's code, outputs cleared."""
    for stub, solution, _ in exercises(notebook):
        notebook.cells[stub].source = solution_code(notebook.cells[solution])
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    return notebook


def write_instructor_copy(dest: pathlib.Path, execute: bool = True) -> list[pathlib.Path]:
    """Copy the collection into ``dest`` (replacing it), solve every exercise, and run each notebook."""
    dest = pathlib.Path(dest).resolve()
    if dest == ROOT or ROOT in dest.parents and dest.name in COPIED:
        raise SystemExit(f"refusing to write the instructor's copy over the collection itself: {dest}")
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
        notebook = solved(nbformat.read(path, as_version=4))
        if execute:
            from nbclient import NotebookClient

            NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(notebook, path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[-1])
    notebooks = write_instructor_copy(pathlib.Path(sys.argv[1]))
    print(f"instructor's copy in {sys.argv[1]}: {len(notebooks)} notebooks, every exercise solved and run")
