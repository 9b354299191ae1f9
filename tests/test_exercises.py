"""Every exercise's anatomy, and the learner's copy (notebooks/): the untouched stub gets "Not yet", and
a prediction's run stays hidden until the learner commits. Solutions are collapsed markdown, so Run All
never runs them. The instructor's copy (each solution in place of its stub) runs, and its every check
says ✓, in tests/test_colab.py: one run of each notebook on the simulated Colab checks both."""

import copy
import pathlib
import sys

import nbformat
import pytest
from instructor_support import PREDICT_FIRST, shown, text

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import instructor_copy  # noqa: E402

from lrlib.course import exercises  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
READ = {path: nbformat.read(path, as_version=4) for path in NOTEBOOKS}
WITH_EXERCISES = [path for path in NOTEBOOKS if any("exercise" in instructor_copy.tags(c) for c in READ[path].cells)]
KINDS = {"predict", "compute", "experiment", "widget", "quiz"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_has_a_kind_a_stub_a_collapsed_solution_and_a_check(path):
    notebook = READ[path]
    for stub, solution, checks in instructor_copy.exercises(notebook):
        stub_cell, solution_cell = notebook.cells[stub], notebook.cells[solution]
        assert stub_cell.cell_type == "code" and "..." in stub_cell.source, f"cell {stub}: a stub holds `...`"
        assert len(KINDS & set(instructor_copy.tags(stub_cell))) == 1, f"cell {stub}: tag one kind of {KINDS}"
        assert solution_cell.cell_type == "markdown", f"cell {solution}: a solution is markdown, never run"
        assert solution_cell.source.lstrip().startswith("<details>"), f"cell {solution}: collapsed in <details>"
        assert instructor_copy.solution_code(solution_cell).strip()
        assert all(notebook.cells[i].cell_type == "code" for i in checks)
    for index, cell in enumerate(notebook.cells):
        if {"solution", "hint"} & set(instructor_copy.tags(cell)):
            assert cell.cell_type == "markdown", f"{path.name} cell {index}: hints and solutions are markdown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_learner_copy_shows_not_yet_at_every_check_and_no_tick(path):
    notebook = READ[path]
    for _, _, checks in instructor_copy.exercises(notebook):
        for index in checks:
            said = text(notebook.cells[index])
            assert said.startswith("Not yet:"), f"{path.name} cell {index} shows {said[:80]!r}"
    checks = [i for i, c in enumerate(notebook.cells) if "check" in instructor_copy.tags(c)]
    ticks = [i for i in checks if "✓" in text(notebook.cells[i])]
    assert not ticks, f"{path.name}: check cells {ticks} show a ✓ in the learner's copy"


WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_live_widget_is_followed_by_a_question_about_it_with_a_check(path):
    """A live widget is a cell whose stored output is a widget; the next exercise asks something the
    learner finds out with it (kind `widget`, or `experiment` when the widget runs the experiment)."""
    cells = READ[path].cells
    widgets = [i for i, c in enumerate(cells) if c.cell_type == "code"
               and any(WIDGET in o.get("data", {}) for o in c.get("outputs", []))]
    stubs = [i for i, c in enumerate(cells) if "exercise" in instructor_copy.tags(c)]
    for widget in widgets:
        following = [i for i in stubs if i > widget]
        assert following and {"widget", "experiment"} & set(instructor_copy.tags(cells[following[0]])), (
            f"{path.name}: the widget in cell {widget} needs a widget (or experiment) exercise right after it")


def test_the_collection_has_exercises_of_every_kind_and_a_prediction_in_each_of_01_to_10():
    kinds: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for path in WITH_EXERCISES:
        for stub, _, _ in instructor_copy.exercises(READ[path]):
            for kind in KINDS & set(instructor_copy.tags(READ[path].cells[stub])):
                kinds[kind].append(path.name[:2])
    assert len(kinds["experiment"]) >= 3, kinds["experiment"]
    assert {f"{n:02d}" for n in range(1, 11)} <= set(kinds["predict"]), sorted(set(kinds["predict"]))


PREDICTIONS = [(path, stub, checks) for path in WITH_EXERCISES
               for stub, _, checks in instructor_copy.exercises(READ[path])
               if "predict" in instructor_copy.tags(READ[path].cells[stub])]


@pytest.mark.parametrize("path,stub,checks", PREDICTIONS, ids=[f"{p.stem}-cell{s}" for p, s, _ in PREDICTIONS])
def test_a_prediction_s_run_is_gated_until_the_learner_commits(path, stub, checks):
    """Between a predict exercise's stub and its check stand only the collapsed solution and reveal
    cells; each reveal cell asks `course.predicted(<the stub's variable>)` and, in the learner's copy,
    shows "Predict first" and nothing else: no figure, number or sentence from the run."""
    cells = READ[path].cells
    variable = cells[stub].source.split("=")[0].strip()
    between = range(stub + 1, checks[0])
    reveals = [i for i in between if "reveal" in instructor_copy.tags(cells[i])]
    assert reveals, f"{path.name}: the predict exercise at cell {stub} has no reveal cell before its check"
    for index in between:
        cell = cells[index]
        kind = set(instructor_copy.tags(cell)) & {"solution", "reveal"}
        assert kind, f"{path.name} cell {index}: only the solution and reveal cells stand between stub and check"
        if "reveal" in kind:
            assert f"course.predicted({variable}" in cell.source, f"{path.name} cell {index}: gate on {variable}"
            assert shown(cell).startswith(PREDICT_FIRST) and "[image]" not in shown(cell), (
                f"{path.name} cell {index} shows {shown(cell)[:120]!r} before the prediction")
            assert shown(cell).replace("\n", " ").strip() == exercises.PREDICT_FIRST


@pytest.mark.parametrize("path,stub,checks", PREDICTIONS, ids=[f"{p.stem}-cell{s}" for p, s, _ in PREDICTIONS])
def test_what_a_prediction_s_run_shows_is_said_collapsed_or_under_a_new_heading(path, stub, checks):
    """The learner scrolls to the check to run it: prose right below it is on screen before they have
    committed. So the first markdown after a prediction's check is a collapsed "What the run shows"
    (<details>), or a new section's heading."""
    cells = READ[path].cells
    after = next((i for i in range(checks[-1] + 1, len(cells)) if cells[i].cell_type == "markdown"), None)
    if after is None:
        return
    text = cells[after].source.lstrip()
    assert text.startswith("<details>") or text.startswith("#"), (
        f"{path.name} cell {after}: the prose right after the check of the prediction at cell {stub} is on screen "
        f"before the learner commits; collapse it in <details> or start a new section: {text[:80]!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_cell_that_waits_for_a_prediction_but_is_not_its_reveal_keeps_its_source_folded(path):
    """Such a cell asserts and prints what the run shows, so its source states the answer: in JupyterLab it
    stays folded (``jupyter.source_hidden``, one click to open), like a solution."""
    for index, cell in enumerate(READ[path].cells):
        if cell.cell_type == "code" and "course.predicted(" in cell.source and "reveal" not in instructor_copy.tags(cell):
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (
                f"{path.name} cell {index} waits for a prediction and states its findings: fold its source "
                "(cell metadata jupyter.source_hidden = true)")


def _cell(kind, source, *tags):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata={"tags": list(tags)})


SOLUTION = "<details>\n<summary><b>Solution</b></summary>\n\n```python\nanswer = 42\n```\n\nBecause.\n</details>"


def test_the_instructors_copy_puts_each_solution_in_place_of_its_stub():
    notebook = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "**Exercise 1.** Why?"), _cell("code", "answer = ...", "exercise", "compute"),
        _cell("markdown", SOLUTION, "solution"), _cell("code", 'course.check("03.x", answer)', "check")])
    notebook.cells[3].outputs = [nbformat.v4.new_output("stream", text="Not yet: set answer")]
    solved = instructor_copy.solved(copy.deepcopy(notebook))
    assert [c.source for c in solved.cells] == ["**Exercise 1.** Why?", "answer = 42", SOLUTION,
                                                 'course.check("03.x", answer)']
    assert solved.cells[3].outputs == []


@pytest.mark.parametrize("cells,problem", [
    ([("code", "a = ...", "exercise"), ("code", "check(a)", "check")], "needs one solution cell"),
    ([("code", "a = ...", "exercise"), ("code", "check(a)", "check"), ("markdown", SOLUTION, "solution")],
     "needs one solution cell, then at least one check"),
    ([("code", "a = ...", "exercise"), ("markdown", SOLUTION, "solution")], "at least one check cell"),
])
def test_an_exercise_missing_its_solution_or_check_or_out_of_order_is_refused(cells, problem):
    notebook = nbformat.v4.new_notebook(cells=[_cell(kind, source, tag) for kind, source, tag in cells])
    with pytest.raises(ValueError, match=problem):
        instructor_copy.exercises(notebook)


def test_a_solution_must_hold_exactly_one_python_block():
    with pytest.raises(ValueError, match="exactly one ```python block, this one has 2"):
        instructor_copy.solution_code(_cell("markdown", "```python\na\n```\n```python\nb\n```", "solution"))


def test_make_instructor_writes_the_whole_collection_solved(tmp_path):
    written = instructor_copy.write_instructor_copy(tmp_path / "instructor", execute=False)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    assert (tmp_path / "instructor" / "lrlib" / "course" / "exercises.py").exists()
    for path in written:
        copied = nbformat.read(path, as_version=4)
        for stub, solution, _ in instructor_copy.exercises(copied):
            assert copied.cells[stub].source == instructor_copy.solution_code(copied.cells[solution])
