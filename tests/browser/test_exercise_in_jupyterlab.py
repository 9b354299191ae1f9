"""An exercise as a learner meets it in JupyterLab: after Run All the check says "Not yet", the
solution is collapsed until one click opens it, and typing that solution into the stub and running
the notebook again turns the check into a ✓. A prediction's run stays hidden ("Predict first") until
the learner has written a prediction; then the same cell shows the run and the check compares."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from .test_explore_in_jupyterlab import NOTEBOOK, assert_no_traceback, open_and_run_all, run_all_cells

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import instructor_copy  # noqa: E402

ONE_LINE_KINDS = {"compute", "quiz", "predict"}


def first_simple_exercise():
    """(notebook, stub, solution, check) of the first exercise whose check follows right after its
    solution (nothing else to run in between)."""
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for stub, solution, checks in instructor_copy.exercises(notebook):
            kinds = ONE_LINE_KINDS & set(instructor_copy.tags(notebook.cells[stub]))
            if kinds and checks[0] == solution + 1:
                return path, notebook, stub, solution, checks[0]
    return None


def first_gated_prediction():
    """(notebook, stub, solution, reveal, check) of the first predict exercise with a reveal cell."""
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for stub, solution, checks in instructor_copy.exercises(notebook):
            reveals = [i for i in range(stub + 1, checks[0]) if "reveal" in instructor_copy.tags(notebook.cells[i])]
            if "predict" in instructor_copy.tags(notebook.cells[stub]) and reveals:
                return path, notebook, stub, solution, reveals[-1], checks[0]
    raise AssertionError("no predict exercise has a reveal cell")


def type_into(page, index: int, code: str) -> None:
    editor = cell(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)
    page.keyboard.press("Escape")


def wait_for_output(page, index: int, pattern: str) -> None:
    """Wait until cell ``index`` shows an output whose text matches ``pattern`` (a JS regex)."""
    page.wait_for_function(
        """([selector, index, pattern]) => {
          const cell = document.querySelectorAll(selector)[index];
          const out = cell && cell.querySelector('.jp-OutputArea-output');
          return out && new RegExp(pattern).test(out.innerText.trim());
        }""", arg=[f"{NOTEBOOK} .jp-Cell", index, pattern], timeout=120_000)


def cell(page, index: int):
    return page.locator(f"{NOTEBOOK} .jp-Cell").nth(index)


def output_text(page, index: int) -> str:
    return cell(page, index).locator(".jp-OutputArea-output").inner_text().strip()


def test_a_learner_sees_not_yet_opens_the_solution_with_one_click_and_gets_a_tick(page, lab, screenshots):
    found = first_simple_exercise()
    if found is None:
        pytest.skip("no notebook has an exercise whose check follows its solution yet")
    path, notebook, stub, solution, check = found
    shutil.copy(path, lab.root / path.name)
    open_and_run_all(page, lab, path.name)
    assert_no_traceback(page)
    assert output_text(page, check).startswith("Not yet:")

    code = instructor_copy.solution_code(notebook.cells[solution])
    solution_cell = cell(page, solution)
    solution_cell.scroll_into_view_if_needed()
    hidden_code = solution_cell.locator("details pre")
    try:  # JupyterLab renders a markdown cell once it is scrolled into view, later on a busy machine
        hidden_code.first.wait_for(state="attached", timeout=120_000)
    except Exception:
        pass  # the assertion below says what the cell shows instead
    assert hidden_code.count() == 1, f"the solution cell shows {solution_cell.inner_text()!r}"
    assert not hidden_code.is_visible(), "the solution is on show before the click"
    solution_cell.locator("details summary").click()
    assert hidden_code.is_visible()
    assert hidden_code.inner_text().strip() == code.strip()
    page.screenshot(path=screenshots / f"exercise_{path.stem}_solution_open.png")

    type_into(page, stub, code)
    run_all_cells(page)
    try:
        page.wait_for_function(
        """([selector, index]) => {
          const cell = document.querySelectorAll(selector)[index];
          const out = cell && cell.querySelector('.jp-OutputArea-output');
          return out && /^✓/.test(out.innerText.trim());
        }""", arg=[f"{NOTEBOOK} .jp-Cell", check], timeout=300_000)  # a bound, not a pace
    except Exception:
        page.screenshot(path=screenshots / f"exercise_{path.stem}_failed.png")
        raise AssertionError(f"the check says {output_text(page, check)!r}; the stub cell shows "
                             f"{cell(page, stub).inner_text()!r}") from None
    assert output_text(page, check).startswith("✓")
    page.screenshot(path=screenshots / f"exercise_{path.stem}_solved.png")


def test_a_prediction_s_run_stays_hidden_until_the_learner_commits_then_shows_and_is_checked(page, lab, screenshots):
    path, notebook, stub, solution, reveal, check = first_gated_prediction()
    shutil.copy(path, lab.root / f"predict_{path.name}")
    open_and_run_all(page, lab, f"predict_{path.name}")
    assert_no_traceback(page)
    hidden = output_text(page, reveal)
    assert hidden.startswith("Predict first:"), hidden
    assert cell(page, reveal).locator(".jp-OutputArea-output img").count() == 0, "no figure before the prediction"
    assert output_text(page, check).startswith("Not yet:")
    cell(page, reveal).scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"predict_{path.stem}_before.png")

    type_into(page, stub, instructor_copy.solution_code(notebook.cells[solution]))
    cell(page, stub).locator(".jp-InputArea-prompt").click()  # select the stub, then run it and each cell after it
    for _ in range(stub, check + 1):
        page.keyboard.press("Shift+Enter")
    wait_for_output(page, check, "^✓ Good prediction: you predicted")
    shown = output_text(page, reveal)
    assert shown and "Predict first" not in shown, shown
    cell(page, check).scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"predict_{path.stem}_after.png")
