"""What a run of the instructor's copy (every stub replaced by its solution) must show, and what a cell
shows: shared by the exercise tests and the simulated Colab, which runs the instructor's copy."""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import instructor_copy  # noqa: E402

PREDICT_FIRST = "Predict first:"


def text(cell) -> str:
    """A code cell's printed text and plain-text results."""
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def shown(cell) -> str:
    """Everything a cell shows: its markdown, or its outputs' text (an image counts as "[image]")."""
    if cell.cell_type == "markdown":
        return cell.source
    return "".join("[image]" if "image/png" in o.get("data", {})
                   else o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def answer_numbers(output: str, known: str) -> set[str]:
    """The numbers of a run's output with three or more significant digits that neither the question
    nor the code so far states (the run's inputs): what would give the answer away if it were on
    screen before the check."""
    numbers = set(re.findall(r"(?<![\w.])\d+\.\d+|\d{3,}(?![\w.])", output))
    return {n for n in numbers if len(n.replace(".", "").lstrip("0")) >= 3 and n not in known}


def assert_every_check_ticks(name: str, learner, solved_run) -> None:
    """In the run of the instructor's copy every check says ✓ and every reveal shows its run; and no
    number of that run appears anywhere in the learner's copy before the prediction's check."""
    for number, (stub, _, checks) in enumerate(instructor_copy.exercises(solved_run), start=1):
        for index in checks:
            said = text(solved_run.cells[index])
            assert said.startswith("✓"), f"{name} exercise {number}, cell {index}: {said[:300]!r}"
        for index in range(stub + 1, checks[0]):
            if "reveal" not in instructor_copy.tags(solved_run.cells[index]):
                continue
            run = shown(solved_run.cells[index])
            assert run.strip() and PREDICT_FIRST not in run, f"{name} cell {index}: the reveal shows its run"
            known = learner.cells[stub - 1].source + "".join(
                c.source for c in learner.cells[:index + 1] if c.cell_type == "code")
            for number_shown in answer_numbers(run, known):
                early = [i for i in range(stub) if number_shown in shown(learner.cells[i])]
                assert not early, (f"{name}: {number_shown}, shown by the reveal in cell {index}, is on "
                                   f"screen before the prediction, in cells {early}")
