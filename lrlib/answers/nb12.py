"""Notebook 12's exercises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..exercises import Feedback, check_prediction


def trainer_plan(answer: Any, run: tuple[int, int]) -> Feedback:
    """Exercise (predict): ``answer = (T, W)`` for 100 examples, batches of 8, 3 epochs, accumulation
    over 4 batches, ``warmup_steps=0.1``; ``run`` is (optimizer steps, first step at the peak lr) of
    the real ``Trainer`` run."""
    if not (isinstance(answer, tuple) and len(answer) == 2) or any(part is ... for part in answer):
        return Feedback("Not yet: set predicted_num_steps and predicted_warmup_steps to your predictions "
                        "(whole numbers), then run this cell again.")
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
