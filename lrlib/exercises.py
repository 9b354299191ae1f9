"""Checks for the notebooks' exercises: they say what is wrong, not just that something is."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .scheduler import lr_curve


class ExerciseNotSolved(AssertionError):
    """An exercise's answer is missing or wrong; the message says where and how."""


def _call(candidate: Callable[..., Any], *args: Any) -> Any:
    try:
        return candidate(*args)
    except NotImplementedError as stub:
        raise ExerciseNotSolved(f"Not solved yet: {stub or 'replace the ... with your code'}.") from None


def check_schedule(candidate: Callable[[int], float], name: str, num_steps: int, **arguments: Any) -> str:
    """Compare ``candidate(step) -> multiplier`` with lrlib's closed form of ``name`` at every step
    ``0 .. num_steps-1`` (``arguments`` as for ``lr_curve``); raise ``ExerciseNotSolved`` at the
    first step that differs by more than 1e-9 relative.

    >>> check_schedule(lambda s: min(1.0, s / 10), "constant_with_warmup", 30, num_warmup_steps=10)
    "✓ your function matches 'constant_with_warmup' at all 30 steps."
    """
    if not callable(candidate):
        raise TypeError(f"candidate must be your function of the step, got {type(candidate).__name__}.")
    expected = lr_curve(name, num_steps, **arguments)
    for step, want in enumerate(expected.tolist()):
        got = _call(candidate, step)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.floating, np.integer)) or not math.isclose(
            float(got), want, rel_tol=1e-9, abs_tol=1e-12
        ):
            raise ExerciseNotSolved(
                f"At step {step} your function returns {got!r}, but {name!r} gives {want!r}. "
                f"Check the phase step {step} falls in ({_phase(step, arguments)})."
            )
    return f"✓ your function matches {name!r} at all {num_steps} steps."


def _phase(step: int, arguments: dict[str, Any]) -> str:
    warmup = arguments.get("num_warmup_steps") or 0
    training = arguments.get("num_training_steps")
    if step < warmup:
        return f"warmup: step < num_warmup_steps={warmup}"
    if training is not None and step > training:
        return f"past the end: step > num_training_steps={training}"
    return "after warmup"


def check_value(answer: Any, expected: float, *, what: str, hint: str, rel_tol: float = 1e-9) -> str:
    """Compare a numeric ``answer`` with ``expected``; the message names ``what`` and gives ``hint``.

    >>> check_value(1950, 1950, what="num_training_steps", hint="epochs * batches per epoch")
    '✓ num_training_steps = 1950 is right.'
    """
    if answer is ... or answer is None:
        raise ExerciseNotSolved(f"Not solved yet: set {what} to your answer (it is still {answer!r}).")
    if isinstance(answer, (bool, np.bool_)):
        raise ExerciseNotSolved(f"{what} = {answer!r} is a bool; the answer is a number. Hint: {hint}")
    if not isinstance(answer, (int, float, np.floating, np.integer)) or not math.isclose(
        float(answer), float(expected), rel_tol=rel_tol, abs_tol=1e-15
    ):
        raise ExerciseNotSolved(f"{what} = {answer!r} is not right. Hint: {hint}")
    return f"✓ {what} = {answer!r} is right."
