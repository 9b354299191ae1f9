"""Checks for the notebooks' exercises.

A check never raises on an unsolved exercise and never states the answer. It returns a
``Feedback`` that a notebook cell displays:

- ``✓ …`` when the answer is right, with the reason it is right;
- ``Not yet: …`` while the stub is untouched (``...``), saying what to fill in;
- ``✗ Not quite: …`` when the answer is wrong: what is off (too high, too low, not a choice),
  then the next hint. Each further wrong try shows one more hint; the last one points to the
  collapsed solution.

An answers module (``lrlib/course/answers/nbNN.py``) builds its checks from ``check_number``,
``check_choice`` and ``check_prediction``, or, for a check of its own, from ``unanswered`` and
``is_number`` and the verdicts the checks themselves return: ``not_yet``, ``right``, ``wrong`` and
``not_a_choice``. A check is only called with the real expected value, never to borrow its wording.

A prediction is gated: its reveal cell runs the experiment but shows it only once the learner has
committed (``if course.predicted(my_guess): ...``); until then it says "predict first". Once the
prediction is made, the check compares it with the run and shows the run's value.
"""

from __future__ import annotations

import importlib
import math
import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrlib import lr_curve


RIGHT, NOT_YET, WRONG = "✓", "Not yet:", "✗ Not quite:"
PREDICT_FIRST = ("Predict first: write your prediction in the exercise cell above and run it, then run this "
                 "cell again. The run is shown once you have committed to an answer.")
WIDTH = 100  # feedback is wrapped at word boundaries: JupyterLab would break long lines inside words
_wrong_tries: Counter[str] = Counter()


def _wrapped(message: str) -> str:
    return "\n".join(textwrap.fill(line, WIDTH, break_long_words=False, break_on_hyphens=False) or line
                     for line in message.split("\n"))


@dataclass(frozen=True)
class Feedback:
    """What a check says; ``solved`` is True only for a right answer."""

    message: str

    @property
    def solved(self) -> bool:
        return self.message.startswith(RIGHT)

    def __repr__(self) -> str:
        return _wrapped(self.message)

    __str__ = __repr__


def _hints(hints: str | Sequence[str]) -> tuple[str, ...]:
    return (hints,) if isinstance(hints, str) else tuple(hints)


def right(what: str, why: str = "") -> Feedback:
    """A right answer, with the reason; the next wrong try of ``what`` starts again at hint 1."""
    _wrong_tries.pop(what, None)
    return Feedback(f"{RIGHT} Right{': ' + why if why else '.'}")


def wrong(what: str, problem: str, hints: str | Sequence[str]) -> Feedback:
    """A wrong answer: the problem, then hint k of n on the k-th wrong try."""
    hints = _hints(hints)
    _wrong_tries[what] += 1
    if not hints:
        return Feedback(f"{WRONG} {problem}")
    tries = _wrong_tries[what]
    shown = hints[min(tries, len(hints)) - 1]
    more = ("Run the check again after your next try for another hint." if tries < len(hints)
            else "Still stuck? Open the solution below the exercise.")
    return Feedback(f"{WRONG} {problem}\nHint {min(tries, len(hints))} of {len(hints)}: {shown}\n{more}")


def not_yet(todo: str, then: str = "run this cell again") -> Feedback:
    """The untouched stub: what to ``todo`` first, and what to do ``then``.

    >>> not_yet("set steps to your answer (a number)")
    Not yet: set steps to your answer (a number), then run this cell again.
    """
    return Feedback(f"{NOT_YET} {todo}, then {then}.")


def not_a_choice(what: str, answer: Any, choices: Sequence[Any]) -> Feedback:
    """An answer outside ``choices``: refused without a hint, and not counted as a wrong try.

    >>> not_a_choice("my_curve", "E", "ABCD")
    ✗ Not quite: my_curve = 'E' is not one of the choices: 'A', 'B', 'C', 'D'.
    """
    return Feedback(f"{WRONG} {what} = {answer!r} is not one of the choices: {', '.join(map(repr, choices))}.")


def unanswered(answer: Any) -> bool:
    """The untouched stub: ``...`` (or ``None``)."""
    return answer is ... or answer is None


def predicted(prediction: Any, choices: Sequence[Any] | None = None) -> bool:
    """The gate of a prediction's reveal cell: True once ``prediction`` is filled in (and, with
    ``choices``, is one of them); otherwise print what to do first and return False.

    >>> predicted(...)
    Predict first: write your prediction in the exercise cell above and run it, then run this cell
    again. The run is shown once you have committed to an answer.
    False
    >>> predicted("b", choices="ABC")
    Predict first: 'b' is not one of the choices 'A', 'B', 'C'. Change your prediction, run that cell,
    then run this cell again.
    False
    >>> predicted("B", choices="ABC")
    True
    """
    if unanswered(prediction):
        print(_wrapped(PREDICT_FIRST))
        return False
    if choices is not None and prediction not in list(choices):
        print(_wrapped(f"Predict first: {prediction!r} is not one of the choices {', '.join(map(repr, choices))}. "
                       "Change your prediction, run that cell, then run this cell again."))
        return False
    return True


def _number(value: Any) -> float | None:
    """``value`` as a float if it is a number: an int or float (numpy's too), or a 0-d array or
    one-element tensor holding one; a bool is not a number."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    return float(value)


def is_number(value: Any) -> bool:
    """An int or float (numpy's too, or a 0-d array or tensor holding one), not a bool.

    >>> is_number(np.array(3.0)), is_number(True), is_number("3")
    (True, False, False)
    """
    return _number(value) is not None


def _plain(answer: Any) -> str:
    """An answer as the learner wrote it, a 0-d array or tensor as the number it holds."""
    number = _number(answer)
    return repr(answer) if number is None or not hasattr(answer, "ndim") else f"{number:g}"


def _direction(got: float, want: float) -> str:
    return "too high" if got > want else "too low"


def check_number(answer: Any, expected: float, *, what: str, hints: str | Sequence[str] = (),
                 rel_tol: float = 1e-9, abs_tol: float = 1e-15, why: str = "") -> Feedback:
    """✓ if ``answer`` equals ``expected`` within ``rel_tol``/``abs_tol``; otherwise say whether it
    is too high or too low and give the next hint. ``why`` is shown with the ✓.

    >>> check_number(..., 1900, what="steps")
    Not yet: set steps to your answer (a number), then run this cell again.
    >>> check_number(1950, 1900, what="steps", hints=["Count the batches per epoch first."])
    ✗ Not quite: steps = 1950 is too high.
    Hint 1 of 1: Count the batches per epoch first.
    Still stuck? Open the solution below the exercise.
    >>> check_number(1900, 1900, what="steps", why="50 epochs of 38 full batches.")
    ✓ Right: 50 epochs of 38 full batches.
    """
    if unanswered(answer):
        return not_yet(f"set {what} to your answer (a number)")
    if not is_number(answer):
        return wrong(what, f"{what} = {answer!r} is a {type(answer).__name__}; the answer is a number.", hints)
    if math.isclose(_number(answer), float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        return right(what, why)
    return wrong(what, f"{what} = {_plain(answer)} is {_direction(_number(answer), float(expected))}.", hints)


def check_choice(answer: Any, expected: Any, *, what: str, choices: Sequence[Any],
                 hints: str | Sequence[str] = (), why: str = "") -> Feedback:
    """✓ if ``answer`` is ``expected`` (one of ``choices``); otherwise the next hint.

    >>> check_choice("B", "C", what="my_curve", choices="ABCD", hints="Where is the lr at the last step?")
    ✗ Not quite: my_curve = 'B' is not the one.
    Hint 1 of 1: Where is the lr at the last step?
    Still stuck? Open the solution below the exercise.
    """
    choices = list(choices)
    if expected not in choices:
        raise ValueError(f"expected={expected!r} must be one of choices={choices!r}.")
    if unanswered(answer):
        return not_yet(f"set {what} to one of {', '.join(map(repr, choices))}")
    if answer not in choices:
        return not_a_choice(what, answer, choices)
    if answer == expected:
        return right(what, why)
    return wrong(what, f"{what} = {answer!r} is not the one.", hints)


def check_prediction(prediction: Any, actual: Any, *, what: str, rel_tol: float | None = None,
                     abs_tol: float | None = None, choices: Sequence[Any] | None = None, why: str = "") -> Feedback:
    """Compare a prediction made *before* a run with the run's ``actual`` value, and explain (``why``).

    A number counts as right within ``rel_tol`` or ``abs_tol`` (give one); anything else must be equal,
    and, with ``choices``, be one of them (a prediction outside them is refused without showing ``actual``).
    Unlike the other checks this one shows ``actual``: the prediction was committed first.

    >>> check_prediction(..., 0.12, what="my_guess", abs_tol=0.02)
    Not yet: write your prediction into my_guess before you look, then run this cell again.
    >>> check_prediction(0.2, 0.12, what="my_guess", abs_tol=0.02, why="The ramp is shorter than it looks.")
    ✗ Not quite: you predicted 0.2; the run gives 0.12. The ramp is shorter than it looks.
    """
    if (rel_tol is None) == (abs_tol is None) and is_number(actual):
        raise ValueError("give exactly one of rel_tol and abs_tol for a numeric prediction.")
    if unanswered(prediction):
        return not_yet(f"write your prediction into {what} before you look")
    if choices is not None and prediction not in choices:
        return not_a_choice(what, prediction, choices)
    if is_number(actual):
        if not is_number(prediction):
            return Feedback(f"{WRONG} {what} = {prediction!r} is a {type(prediction).__name__}; predict a number.")
        close = math.isclose(_number(prediction), _number(actual), rel_tol=rel_tol or 0.0, abs_tol=abs_tol or 0.0)
        shown = f"{_number(actual):.4g}"
    else:
        close = prediction == actual
        shown = repr(actual)
    verdict = f"{RIGHT} Good prediction:" if close else WRONG
    return Feedback(f"{verdict} you predicted {_plain(prediction)}; the run gives {shown}.{' ' + why if why else ''}")


def check(exercise: str, answer: Any, *run: Any) -> Feedback:
    """Check ``answer`` to ``exercise`` ("NN.name": notebook NN's exercise ``name``); a prediction
    exercise also takes the run's result(s) in ``run``. The expected answer and the hints live in
    ``lrlib.course.answers.nbNN``, out of the notebook.

    >>> check("03.nothing", 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: exercise='03.nothing' is not an exercise of notebook 03; its exercises: ...
    """
    match = re.fullmatch(r"(\d\d)\.(\w+)", exercise) if isinstance(exercise, str) else None
    if match is None:
        raise ValueError(f"exercise must be 'NN.name' (notebook number, dot, exercise name), got {exercise!r}.")
    notebook, name = match.groups()
    try:
        answers = importlib.import_module(f"{__package__}.answers.nb{notebook}")
    except ModuleNotFoundError:
        raise ValueError(f"exercise={exercise!r}: notebook {notebook} has no exercises.") from None
    checks = {key: value for key, value in vars(answers).items()
              if callable(value) and getattr(value, "__module__", None) == answers.__name__ and not key.startswith("_")}
    if name not in checks:
        raise ValueError(f"exercise={exercise!r} is not an exercise of notebook {notebook}; its exercises: "
                         f"{', '.join(sorted(checks)) or 'none'}.")
    return checks[name](answer, *run)


# Notebook 13 plots these curves for its questions 1 ("A" to "D") and 2 ("mystery") without naming the
# schedule that drew each: which one it is, is the question.
QUIZ_CURVES = {"A": ("cosine_with_restarts", {"num_cycles": 2}), "B": ("cosine", {"num_cycles": 0.5}),
               "C": ("cosine", {"num_cycles": 1.5}), "D": ("cosine", {"num_cycles": 1.0}),
               "mystery": ("polynomial", {"power": 2.0})}


def quiz_curve(label: str, num_steps: int = 1000) -> np.ndarray:
    """The lr multiplier of quiz curve ``label`` (``QUIZ_CURVES``) over ``num_steps`` steps: 100 warmup
    steps, ``num_training_steps=1000``.

    >>> quiz_curve("B")[[0, 100, 550]].round(2).tolist()
    [0.0, 1.0, 0.5]
    """
    name, kwargs = QUIZ_CURVES[label]
    return lr_curve(name, num_steps, lr=1.0, num_warmup_steps=100, num_training_steps=1000, **kwargs)
