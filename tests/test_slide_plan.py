"""Which cells are slides: slides/plan.toml, written into notebooks 01-12 by tools/slide_plan.py.

What the room sees, read from the notebooks' own metadata: every deck has slides and one live demo,
no navigation, set-up, exercise, hint, solution or check cell is shown, and nothing that answers a
prediction is shown before the question, nor on its slide. The decks themselves are tested in
Chromium by tests/slides/ (make slides-test).
"""

import importlib.metadata
import json
import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import normalize_notebooks  # noqa: E402
import slide_plan  # noqa: E402
from slide_plan import DEMO_TAG, Deck, PlanError, planned, slides_of  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DECKS = [path for path in NOTEBOOKS if 1 <= int(path.name[:2]) <= 12]
READ = {path: nbformat.read(path, as_version=4) for path in NOTEBOOKS}
NEVER_SHOWN = {"nav-header", "nav-footer", "colab-setup", "exercise", "hint", "solution", "check"}


def tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def slide_of(notebook) -> dict[int, int]:
    """Each shown cell's slide number."""
    return {cell: number for number, cells in enumerate(slides_of(notebook)) for cell in cells}


def test_the_plan_has_a_deck_for_each_of_notebooks_01_to_12_and_no_other():
    assert [deck.notebook for deck in slide_plan.read_plan()] == [path.stem for path in DECKS]


@pytest.mark.parametrize("path", DECKS, ids=lambda path: path.stem)
def test_a_deck_opens_on_its_title_and_has_slides_enough_for_its_ideas(path):
    slides = slides_of(READ[path])
    assert slides[0] == [0], "the first slide is the notebook's title cell alone"
    assert len(slides) >= 5


@pytest.mark.parametrize("path", DECKS, ids=lambda path: path.stem)
def test_a_deck_has_exactly_one_live_demo_on_a_slide_of_its_own_heading(path):
    notebook = READ[path]
    demos = [index for index, cell in enumerate(notebook.cells) if DEMO_TAG in tags(cell)]
    assert len(demos) == 1, f"tag one cell {DEMO_TAG} (slides/plan.toml's demo)"
    demo = notebook.cells[demos[0]]
    assert demo.cell_type == "code" and demo.outputs, "the demo is a code cell with a stored output to show"
    slide = next(cells for cells in slides_of(notebook) if demos[0] in cells)
    assert notebook.cells[slide[0]].cell_type == "markdown", "the demo's slide opens with the prose that introduces it"


@pytest.mark.parametrize("path", DECKS, ids=lambda path: path.stem)
def test_navigation_set_up_exercise_hint_solution_and_check_cells_are_never_shown(path):
    notebook = READ[path]
    for index, cell in enumerate(notebook.cells):
        if tags(cell) & NEVER_SHOWN:
            assert cell.metadata.get("slideshow", {}).get("slide_type") == "skip", f"cell {index} ({tags(cell)}) is on a slide"


@pytest.mark.parametrize("path", DECKS, ids=lambda path: path.stem)
def test_what_answers_a_prediction_comes_after_its_question_and_never_on_its_slide(path):
    notebook, cells = READ[path], READ[path].cells
    shown = slide_of(notebook)
    for stub, cell in enumerate(cells):
        if not {"exercise", "predict"} <= tags(cell):
            continue
        question = max(i for i in range(stub) if cells[i].cell_type == "markdown")
        check = next(i for i in range(stub, len(cells)) if "check" in tags(cells[i]))
        after = next((i for i in range(check + 1, len(cells)) if cells[i].cell_type == "markdown"), None)
        explanation = [] if after is None or cells[after].source.startswith("#") else [after]  # a heading starts another section
        answers = [i for i in range(stub, check + 1) if tags(cells[i]) & {"reveal", "solution"}] + explanation
        for answer in [i for i in answers if i in shown]:
            assert question in shown, f"cell {answer} answers the prediction of cell {question}, which no slide asks"
            assert shown[answer] > shown[question], f"cell {answer} answers cell {question}'s prediction on its slide or before"


def test_the_notebooks_hold_the_plan_and_normalizing_keeps_it():
    for deck in slide_plan.read_plan():
        path = ROOT / "notebooks" / f"{deck.notebook}.ipynb"
        current = path.read_text(encoding="utf-8")
        assert normalize_notebooks.text(planned(READ[path], deck)) == current, f"run python tools/slide_plan.py ({path.name})"
        assert normalize_notebooks.text(normalize_notebooks.normalized(READ[path], path.stem)) == current


def made_up_notebook():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# 99 · made up"), nbformat.v4.new_markdown_cell("## Try it"),
                      nbformat.v4.new_code_cell("explore(1)"), nbformat.v4.new_markdown_cell("## Recap: try it again")]
    return notebook


def test_the_plan_becomes_slide_types_with_every_other_cell_skipped_and_the_demo_tagged():
    deck = Deck("99_made_up", (("slide", "# 99"), ("slide", "## Try it"), ("-", "explore(")), "explore(")
    notebook = planned(made_up_notebook(), deck)
    assert [cell.metadata.slideshow.slide_type for cell in notebook.cells] == ["slide", "slide", "-", "skip"]
    assert [cell.metadata.get("tags", []) for cell in notebook.cells] == [[], [], [DEMO_TAG], []]
    assert slides_of(notebook) == [[0], [1, 2]]


@pytest.mark.parametrize("entries, demo, message", [
    ((("slide", "ry it"),), "explore(", "'ry it' is in cells [1, 3]; name one cell by a piece of text only it contains"),
    ((("slide", "## Recap"), ("slide", "# 99")), "# 99", "'# 99' (cell 0) is listed after cell 3: list the cells in the notebook's order"),
    ((("slide", "# 99"),), "explore(", "the demo 'explore(' is not on a slide: list its cell too"),
])
def test_a_plan_that_does_not_fit_its_notebook_says_which_entry_and_how_to_fix_it(entries, demo, message):
    with pytest.raises(PlanError, match="deck 99_made_up: " + message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")):
        planned(made_up_notebook(), Deck("99_made_up", entries, demo))


def test_a_plan_entry_with_an_unknown_kind_names_the_kinds(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[decks.99_made_up]\ndemo = "explore("\ncells = [["title", "# 99"]]\n')
    with pytest.raises(PlanError, match=r"deck 99_made_up: \['title', '# 99'\] should be \[kind, text\] with kind one of"):
        slide_plan.read_plan(plan)


def test_jupyterlab_rise_the_live_slideshow_is_installed_at_the_locked_version():
    pins = dict(line.split("==") for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line)
    assert importlib.metadata.version("jupyterlab-rise") == pins["jupyterlab-rise"]
    extension = pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-rise" / "package.json"
    assert json.loads(extension.read_text())["version"] == pins["jupyterlab-rise"], "JupyterLab would not find RISE"


# What slides/slideedition.py changes in a cell for the decks (the notebooks keep their cells as they are).
sys.path.insert(0, str(ROOT / "slides"))
import slideedition  # noqa: E402


def test_a_reveal_is_open_on_a_slide_and_texttt_with_underscores_becomes_mathtt():
    shown = slideedition.for_a_slide("<details>\n<summary><b>What the run shows</b></summary>\n\n"
                                     r"$\texttt{max\_steps}$ and $\texttt{lr}$")
    assert shown.startswith("<details open>\n<summary><b>What the run shows</b></summary>")
    assert r"$\mathtt{max\_steps}$ and $\texttt{lr}$" in shown
    solution = "<details>\n<summary><b>Solution</b> (try first)</summary>\n\nx\n</details>"
    assert slideedition.for_a_slide(solution) == solution


def test_a_closing_sentence_that_introduces_code_off_the_deck_is_dropped_and_nothing_else():
    text = "## The formula\n\nThe symbols are as in [notebook 03](03_linear.ipynb). In numpy, checked against lrlib:"
    assert slideedition.for_a_slide(text, introduces_hidden_code=True) == "## The formula\n\nThe symbols are as in [notebook 03](03_linear.ipynb)."
    assert slideedition.for_a_slide(text) == text
    alone = "A warmup sets the lr to 0 before your loop runs:"
    assert slideedition.for_a_slide(alone, introduces_hidden_code=True) == "A warmup sets the lr to 0 before your loop runs."


def test_a_demo_shows_its_first_lines_of_code_and_says_how_many_more_the_notebook_holds():
    assert slideedition.first_lines("lrlib.explore(name='cosine')") == "lrlib.explore(name='cosine')"
    shown = slideedition.first_lines("import a\n\nb = 1\nc = 2\nd = 3").splitlines()
    assert shown == ["import a", "b = 1", "# … 3 more lines: run the cell in the notebook"]


def test_widget_notes_send_the_demo_to_the_notebook_and_the_index_promises_no_speaker_view():
    for note in (slideedition.WIDGET_NOTE, slideedition.WIDGET_NOTE_CONTROLS_ONLY):
        assert "RISE" not in note and "notebook itself" in note
    assert "speaker" not in slideedition.index_page([("01_why_warmup.slides.html", "01 · Why warm up?")])
