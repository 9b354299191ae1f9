"""`make student` writes a copy whose exercises fail until solved; the solutions make them pass."""

import copy
import pathlib
import sys

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student_copy  # noqa: E402

SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_EXERCISES = [p for p in SOURCES if any(student_copy.is_solution(c) for c in nbformat.read(p, as_version=4).cells)]
EXERCISE_ERRORS = {"ExerciseNotSolved", "NotImplementedError", "AssertionError"}


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    dest = tmp_path_factory.mktemp("course") / "student"
    student_copy.write_student_copy(dest)
    return dest


def test_every_notebook_is_copied_valid_without_outputs_or_solutions(copied):
    assert [p.name for p in sorted((copied / "notebooks").glob("*.ipynb"))] == [p.name for p in SOURCES]
    for source in SOURCES:
        original = nbformat.read(source, as_version=4)
        student = nbformat.read(copied / "notebooks" / source.name, as_version=4)
        nbformat.validate(student)
        kept = [c.source for c in original.cells if not student_copy.is_solution(c)]
        assert [c.source for c in student.cells] == kept
        assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    assert (copied / "lrlib" / "schedules.py").exists() and (copied / "Makefile").exists()


def test_every_exercise_has_a_stub_and_a_hidden_solution():
    assert WITH_EXERCISES, "no notebook has exercises"
    for source in WITH_EXERCISES:
        cells = nbformat.read(source, as_version=4).cells
        for index, cell in enumerate(cells):
            if student_copy.is_solution(cell):
                assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, f"{source.name} cell {index}"
                assert any("exercise" in c.metadata.get("tags", []) for c in cells[:index]), f"{source.name} cell {index}"


def _errors_after_running(notebook, folder):
    """Run ``notebook`` (all cells, errors allowed) and map cell index -> error name."""
    NotebookClient(notebook, timeout=300, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
    return {
        index: output.ename
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    }


def _with_solutions_put_back(student, original):
    """The student's notebook with the original's solution cells inserted where they were."""
    solutions = iter(c for c in original.cells if student_copy.is_solution(c))
    theirs = iter(student.cells)
    restored = copy.deepcopy(student)
    restored.cells = [copy.deepcopy(next(solutions)) if student_copy.is_solution(c) else next(theirs) for c in original.cells]
    return restored


@pytest.mark.parametrize("source", WITH_EXERCISES, ids=[p.stem for p in WITH_EXERCISES])
def test_student_checks_fail_helpfully_until_solved_and_pass_with_the_solutions_put_back(copied, source):
    original = nbformat.read(source, as_version=4)
    folder = copied / "notebooks"
    student = nbformat.read(folder / source.name, as_version=4)
    errors = _errors_after_running(copy.deepcopy(student), folder)
    assert errors, f"{source.name}: no check failed without the solutions"
    assert set(errors.values()) <= EXERCISE_ERRORS, f"{source.name}: unexpected errors {errors}"

    kept = [i for i, c in enumerate(original.cells) if not student_copy.is_solution(c)]
    solutions = [i for i, c in enumerate(original.cells) if student_copy.is_solution(c)]
    failing = [kept[i] for i in errors]
    for solution, following in zip(solutions, solutions[1:] + [len(original.cells)]):
        assert any(solution < f < following for f in failing), (
            f"{source.name}: no check after the solution in cell {solution} fails without it"
        )

    assert _errors_after_running(_with_solutions_put_back(student, original), folder) == {}
