"""Notebook 02's exercises (constant and constant_with_warmup)."""

from __future__ import annotations

from typing import Any

from lrlib import lr_curve

from ..exercises import RIGHT, WRONG, Feedback, check_number, check_prediction, is_number, not_yet


def first_lrs(prediction: Any, measured: Any) -> Feedback:
    """Exercise 1 (predict): the lr of the 1st and of the 100th optimizer step (s = 0 and s = 99), W = 100, peak 1e-3.

    ``prediction`` is (lr_first_step, lr_100th_step); ``measured`` the same two lrs from the run.

    >>> first_lrs((0.0, 9.9e-4), (0.0, 9.9e-4)).solved, first_lrs((0.0, 1e-3), (0.0, 9.9e-4)).solved
    (True, False)
    """
    names = ("lr_first_step", "lr_100th_step")
    if not isinstance(prediction, tuple) or any(p is ... or p is None for p in prediction):
        return not_yet(f"write your predictions into {' and '.join(names)} before you look")
    results = [check_prediction(p, m, what=n, rel_tol=1e-6) for p, m, n in zip(prediction, measured, names)]
    verdict = f"{RIGHT} Good predictions:" if all(r.solved for r in results) else WRONG
    said = "; ".join(f"{n}: you predicted {float(p):.4g}" if is_number(p) else f"{n}: you predicted {p!r}"
                     for n, p in zip(names, prediction))
    said += "; the run gives " + " and ".join(f"{float(m):.4g}" for m in measured)
    why = ("The k-th optimizer.step() runs at s = k - 1. The scheduler applies f(0) = 0/100 when it is built, so "
           "the first step runs at 0; the 100th runs at s = 99, the last warmup step, at 0.99 of the peak; the "
           "101st (s = W = 100) is the first at the full peak.")
    return Feedback(f"{verdict} {said}. {why}")


def largest_warmup(answer: Any) -> Feedback:
    """Exercise 3 (widget): the largest num_warmup_steps with which constant_with_warmup, T = 20, still reaches the peak.

    >>> largest_warmup(19).solved, largest_warmup(20).solved
    (True, False)
    """
    T = 20
    expected = max(W for W in range(T + 1) if lr_curve("constant_with_warmup", T, lr=1.0, num_warmup_steps=W).max() == 1.0)
    return check_number(answer, expected, what="largest_warmup",
                        hints=["A run of 20 steps takes the steps s = 0 to 19. At which step s does the lr "
                               "first equal the peak?",
                               "The lr reaches the peak at s = W. Which W still puts that step inside the run? "
                               "Check it on the message line: that W, then one more."],
                        why="the run's steps are s = 0 to 19 and the lr reaches the peak at s = W, so W = 19 gets "
                            "there on the very last step; with W = 20 = T the run ends at 19/20 of the peak.")


def constant_first_lr(prediction: Any, measured: Any) -> Feedback:
    """Exercise 2 (predict): the first lr of get_scheduler("constant", num_warmup_steps=100), peak 1e-3."""
    return check_prediction(prediction, measured, what="lr_first_step_constant", rel_tol=1e-6,
                            why="'constant' has no warmup, whatever num_warmup_steps says, so the very first "
                                "step already runs at the full peak.")
