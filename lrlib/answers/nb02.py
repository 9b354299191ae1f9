"""Notebook 02's exercises (constant and constant_with_warmup)."""

from __future__ import annotations

from typing import Any

from ..exercises import NOT_YET, RIGHT, WRONG, Feedback, check_number, check_prediction
from ..scheduler import lr_curve


def first_lrs(prediction: Any, measured: Any) -> Feedback:
    """Exercise 1 (predict): the lr of the optimizer step at s = 0 and at s = W = 100, peak 1e-3.

    ``prediction`` is (lr_first_step, lr_at_step_100); ``measured`` the same two lrs from the run.
    """
    names = ("lr_first_step", "lr_at_step_100")
    if not isinstance(prediction, tuple) or any(p is ... or p is None for p in prediction):
        return Feedback(f"{NOT_YET} write your predictions into {' and '.join(names)} before you look, "
                        "then run this cell again.")
    results = [check_prediction(p, m, what=n, abs_tol=1e-12) for p, m, n in zip(prediction, measured, names)]
    verdict = f"{RIGHT} Good predictions:" if all(r.solved for r in results) else WRONG
    said = "; ".join(f"{n}: you predicted {p!r}, the run gives {float(m):.4g}"
                     for n, p, m in zip(names, prediction, measured))
    why = ("The scheduler applies f(0) = 0/100 when it is built, so the first step runs at 0; the ramp's "
           "last warmup step (s = 99) runs at 0.99 of the peak, and s = W = 100 is the first step at the full peak.")
    return Feedback(f"{verdict} {said}. {why}")


def highest_lr(answer: Any) -> Feedback:
    """Exercise 2 (widget): the highest lr of constant_with_warmup with lr 1e-3 and W = T = 20."""
    expected = float(lr_curve("constant_with_warmup", 20, lr=1e-3, num_warmup_steps=20).max())
    return check_number(answer, expected, what="highest_lr", rel_tol=1e-3,
                        hints=["Read the message line under the sliders: it names the peak lr and its step.",
                               "A run of 20 steps has steps 0 to 19. Where is the ramp s/W at its last step?"],
                        why="the last step is s = 19 = T - 1, which runs at 19/20 of the peak: with W = T "
                            "the ramp never reaches the lr you gave the optimizer.")


def constant_first_lr(prediction: Any, measured: Any) -> Feedback:
    """Exercise 3 (predict): the first lr of get_scheduler("constant", num_warmup_steps=100), peak 1e-3."""
    return check_prediction(prediction, measured, what="lr_first_step_constant", abs_tol=1e-12,
                            why="'constant' has no warmup: get_scheduler drops num_warmup_steps without a "
                                "word, so the very first step already runs at the full peak.")
