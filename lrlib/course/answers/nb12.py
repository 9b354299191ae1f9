"""Notebook 12's exercises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..exercises import Feedback, check_prediction, not_yet


def trainer_plan(answer: Any, run: tuple[int, int]) -> Feedback:
    """Exercise (predict): ``answer = (T, W)`` for 100 examples, batches of 8, 3 epochs, accumulation
    over 4 batches, ``warmup_steps=0.1``; ``run`` is (optimizer steps, first step at the peak lr) of
    the real ``Trainer`` run."""
    if not (isinstance(answer, tuple) and len(answer) == 2) or any(part is ... for part in answer):
        return not_yet("set predicted_num_steps and predicted_warmup_steps to your predictions (whole numbers)")
    return check_prediction(tuple(answer), tuple(run), what="(predicted_num_steps, predicted_warmup_steps)",
                            why="ceil(100 / 8) = 13 batches an epoch; windows of 4 give ceil(13 / 4) = 4 optimizer "
                                "steps an epoch, the last window holding a single batch; 3 epochs make T = 12. "
                                "A warmup_steps below 1 is a ratio, rounded up: ceil(12 × 0.1) = 2.")


def steps_at_zero(answer: Any, lrs: Sequence[float]) -> Feedback:
    """Exercise (predict): of the 40 optimizer steps of one process, how many run at lr 0 when the
    prepared scheduler (2 processes) gets the per-process count 40? ``lrs`` is that run's lrs."""
    return check_prediction(answer, sum(lr == 0 for lr in lrs), what="predicted_steps_at_zero", abs_tol=0,
                            why="The prepared scheduler steps the linear schedule twice per optimizer step, so it "
                                "reaches the end of its 40 steps after 20 optimizer steps and stays at 0: half of "
                                "training learns nothing.")


def resume_schedule(answer: Any, band: str) -> Feedback:
    """Exercise (predict): a run planned for 12 steps (linear) is resumed after step 6 with twice the epochs;
    the 18 resumed steps train with "A" the saved schedule continued, "B" a new 24-step schedule from its
    start, or "C" the 24-step schedule picked up at step 6 (after one step at the saved lr, its lrs from
    step 7 on). ``band`` is the candidate closest to the real resumed run.

    >>> resume_schedule("C", "C")
    ✓ Good prediction: you predicted 'C'; the run gives 'C'. train() builds the scheduler for the new
    arguments (24 steps), then loads the saved scheduler state into it: the step (6) and the base lr
    come back, the schedule's length does not (a LambdaLR saves none of its lambda's arguments). Only
    the first resumed step trains at the saved lr; then the lr jumps to the 24-step schedule.
    >>> resume_schedule("A", "C")  # doctest: +ELLIPSIS
    ✗ Not quite: you predicted 'A'; the run gives 'C'. ...
    """
    return check_prediction(answer, band, what="resumed_schedule", choices="ABC",
                            why="train() builds the scheduler for the new arguments (24 steps), then loads the saved "
                                "scheduler state into it: the step (6) and the base lr come back, the schedule's "
                                "length does not (a LambdaLR saves none of its lambda's arguments). Only the first resumed step trains at "
                                "the saved lr; then the lr jumps to the 24-step schedule.")
