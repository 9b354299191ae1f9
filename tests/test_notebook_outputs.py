"""What a reader sees in the committed outputs: no warnings, no errors, no machine-specific text,
and output comparison switched off only where floating-point kernel order really changes digits."""

import ast
import pathlib
import re

import nbformat
import pytest

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WARNING_TEXT = re.compile(r"\b\w*Warning\b|\bwarn(ing)?s?\.warn\b|^\s*warnings\.", re.MULTILINE)
MACHINE_TEXT = re.compile(r"/tmp/|/work/|/root/|/home/|\b20\d\d-\d\d-\d\d[ T]\d\d:\d\d")
IGNORED = "nbval-ignore-output"


def code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def output_texts(cell):
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            yield output.name, output.text
        elif output.output_type == "error":
            yield "error", f"{output.ename}: {output.evalue}"
        elif "text/plain" in output.get("data", {}):
            yield "text/plain", output.data["text/plain"]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_stored_outputs_hold_no_warning_error_or_stderr_text(path):
    """Warnings reach stdout only where the notebook catches them on purpose, to show them."""
    cells = code_cells(path)
    shows_caught_warnings = any("catch_warnings(record=True)" in cell.source for cell in cells)
    found = [(kind, text[:120]) for cell in cells for kind, text in output_texts(cell)
             if kind in ("stderr", "error") or (WARNING_TEXT.search(text) and not shows_caught_warnings)]
    assert not found, f"{path.name}: fix the cause of these outputs (or filter one named warning, with a reason): {found}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_stored_outputs_hold_no_paths_or_timestamps(path):
    found = [text[:120] for cell in code_cells(path) for _, text in output_texts(cell) if MACHINE_TEXT.search(text)]
    assert not found, f"{path.name}: outputs must not depend on the machine or the time: {found}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_every_notebook_is_stored_executed_in_order(path):
    counts = [cell.execution_count for cell in code_cells(path)]
    assert None not in counts, f"{path.name}: some code cells were never run; re-execute the notebook"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: re-execute from a fresh kernel (Restart & Run All)"


def _tree(source: str) -> ast.Module:
    """A cell's code as a syntax tree (IPython magics and shell lines left out)."""
    return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))


def _asserted_names(tree: ast.Module) -> set[str]:
    return {node.id for statement in ast.walk(tree) if isinstance(statement, ast.Assert)
            for node in ast.walk(statement) if isinstance(node, ast.Name)}


def _assigned_names(tree: ast.Module) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_uncompared_cells_assert_their_claims_or_feed_a_later_assert(path):
    """A cell whose output nbval does not compare holds an assert, or sets a name that an assert in a
    later cell reads (so what it prints is still checked, with a margin)."""
    trees = [_tree(cell.source) for cell in code_cells(path)]
    for index, cell in enumerate(code_cells(path)):
        if IGNORED not in cell.metadata.get("tags", []) or _asserted_names(trees[index]):
            continue
        later = set().union(*(_asserted_names(tree) for tree in trees[index + 1:]))
        fed = _assigned_names(trees[index]) & later
        assert fed, f"{path.name}: code cell {index} is not compared, and no assert (in it or later) reads what it sets"
