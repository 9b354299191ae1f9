"""Notebook 10's exercises."""

import math

import numpy as np

from lrlib import lr_curve, training_steps, warmup_steps

from ..exercises import Feedback, check_choice, check_number, check_prediction

PLAN = dict(epochs=3, num_examples=120_000, batch_size=16, grad_accum_steps=4, world_size=2)
"""The worked example's plan: 3 epochs of 120,000 examples, 2 GPUs x 16, accumulation over 4."""
WARMUP_RATIO = 0.06
FLOOR = {"min_lr_rate": 0.1}
"""cosine_warmup_with_min_lr's floor in Exercise 3 (any valid floor gives the same warmup)."""


def ends_at_zero(prediction, measured) -> Feedback:
    """Prediction: how many of the ten step-driven schedules are at lr exactly 0 at step T (the article's run)."""
    return check_prediction(prediction, measured, what="ends_at_zero", abs_tol=0.5,
                            why="linear, cosine, cosine_with_restarts and warmup_stable_decay end at 0. "
                                "polynomial stops at its lr_end of 1e-7, the two min_lr cosines at their floor, "
                                "inverse_sqrt has no end, and the two constants never decay. None trains its last "
                                "step (1949) at exactly 0: there even linear is at 1/1850 of the peak.")


def more_gpus(answer) -> Feedback:
    """Widget: the accumulation that keeps the worked example's examples per optimizer step (and so its
    num_training_steps) on 4 GPUs with the same per-device batch.

    >>> more_gpus(2).solved, more_gpus(np.array(2)).solved
    (True, True)
    """
    per_step = PLAN["world_size"] * PLAN["batch_size"] * PLAN["grad_accum_steps"]
    expected = per_step // (4 * PLAN["batch_size"])
    steps = training_steps(**PLAN)
    assert training_steps(**{**PLAN, "world_size": 4, "grad_accum_steps": expected}) == steps
    halved = training_steps(**{**PLAN, "world_size": 4})
    # where the 2-GPU schedule (linear, 6 % warmup) would still be when a 4-GPU run left at accumulation 4 ends
    left = lr_curve("linear", halved + 1, lr=1.0, num_warmup_steps=warmup_steps(WARMUP_RATIO, steps),
                    num_training_steps=steps)[halved]
    return check_number(answer, expected, what="accumulation_on_four_gpus",
                        hints=[f"How many examples does one optimizer step see now: 2 GPUs x {PLAN['batch_size']} x "
                               f"{PLAN['grad_accum_steps']}? Keep that number on 4 GPUs.",
                               f"4 GPUs x {PLAN['batch_size']} per device: how many micro-batches must one optimizer "
                               f"step accumulate to see {per_step} examples?"],
                        why=f"4 x {PLAN['batch_size']} x {expected} = {per_step} examples per optimizer step, as "
                            f"before, so num_training_steps stays {steps}: the count follows the examples per "
                            f"optimizer step. Left at {PLAN['grad_accum_steps']}, it would halve to {halved}, and a "
                            f"scheduler still given {steps} would end the run at {left:.0%} of its peak lr "
                            "(linear, 6 % warmup).")


#: Hints per wrong choice: each questions the premise of the choice made, then points to the curve's start.
_EARLY_PEAK_HINTS = {
    "A": ["Does a schedule ever see the warmup ratio? The form turns it into one whole num_warmup_steps, "
          "and the explorer passes that number to every schedule.",
          "Where does the curve start at step 0, and at which step does (s+1)/W reach 1?"],
    "B": ["Where does the curve start at step 0: near 0, or at the floor (10% of the peak)?",
          "At which step does (s+1)/W reach 1, and at which does s/W?"],
    "C": ["Where does the curve start at step 0, and at which step does (s+1)/W reach 1?"],
}


def early_peak(answer) -> Feedback:
    """Widget: why cosine_warmup_with_min_lr peaks a step before num_warmup_steps (worked example's plan):
    "A" one warmup step fewer, "B" the floor lifts the warmup, "C" a warmup multiplier (s + 1) / W.
    The choice is read off its curve: where it starts (tests/claims/test_claims_10.py checks where it peaks).

    >>> early_peak("C").solved
    True
    """
    steps = training_steps(**PLAN)
    warmup = warmup_steps(WARMUP_RATIO, steps)
    curve = lr_curve("cosine_warmup_with_min_lr", steps, lr=1.0, num_warmup_steps=warmup,
                     num_training_steps=steps, **FLOOR)
    starts = float(curve[0])
    expected = ("C" if math.isclose(starts, 1 / warmup) else "B" if math.isclose(starts, FLOOR["min_lr_rate"])
                else "A")
    return check_choice(answer, expected, what="early_peak_reason", choices="ABC",
                        hints=_EARLY_PEAK_HINTS.get(answer, _EARLY_PEAK_HINTS["C"]),
                        why="it counts one step ahead: its warmup multiplier (s + 1) / W reaches 1 at step W - 1 "
                            "and starts at 1/W rather than 0, and its decay runs one step ahead too. The form "
                            "gives every schedule the same whole number of warmup steps, and the floor acts only "
                            "in the decay: the curve starts near 0.")
