"""Notebook 08's exercises (several parameter groups).

A learner's number may come as a 0-d numpy array or tensor; the shared checks take it:

>>> import numpy as np
>>> encoder_floor(np.array(2e-8), 2e-8).solved, encoder_floor(torch.tensor(2e-8, dtype=torch.float64), 2e-8).solved
(True, True)
"""

from __future__ import annotations

import torch

from lrlib import get_scheduler, trace

from ..exercises import Feedback, check_choice, check_prediction

ENCODER_LR, HEAD_LR, FLOOR = 1e-4, 1e-3, 1e-5


def _end_lrs(optimizer_lr: float) -> list[float]:
    """Each group's lr at the last step of polynomial with lr_end=FLOOR (lrlib's get_scheduler, which gives
    transformers' lrs), for groups at ENCODER_LR and HEAD_LR and ``optimizer_lr`` given to the constructor."""
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (ENCODER_LR, HEAD_LR)]
    optimizer = torch.optim.AdamW(groups, lr=optimizer_lr)
    scheduler = get_scheduler("polynomial", optimizer, num_warmup_steps=100, num_training_steps=1000,
                              scheduler_specific_kwargs={"lr_end": FLOOR})
    return trace(scheduler, 1001)[-1].tolist()


def encoder_floor(prediction, actual) -> Feedback:
    """Predict: the encoder's (lr 2e-5) last lr under polynomial with lr_end=1e-6, the head at 1e-4, and no
    lr= given to AdamW's constructor."""
    return check_prediction(
        prediction, actual, what="encoder_last_lr", rel_tol=0.01,
        why="Without lr=, optimizer.defaults['lr'] is AdamW's own default, 1e-3, which no group uses. "
            "transformers divides lr_end by it once (1e-6/1e-3=1e-3), and that ratio multiplies every group's "
            "own lr: the encoder ends at 2e-5×1e-3=2e-8 and the head at 1e-7, both below the floor you asked for.")


def one_lr_for_both(answer) -> Feedback:
    """Widget: can one optimizer lr= put both groups (lr 1e-4 and 1e-3) on the floor 1e-5, polynomial as written?
    "A" yes, the encoder's lr; "B" yes, one in between; "C" no.

    >>> one_lr_for_both("C").solved, one_lr_for_both("A").solved
    (True, False)
    """
    at_encoder, in_between = _end_lrs(ENCODER_LR), _end_lrs(3e-4)
    return check_choice(
        answer, "C", what="one_lr_for_both", choices="ABC",
        hints=["Each group ends at its own lr times floor / lr=. What does changing lr= do to the ratio of the "
               "two ends?",
               "Set lr= to 1e-4, then to 3e-4, and compare each group's end with the dashed floor."],
        why=f"lr= scales both ends by the same factor, so they stay {HEAD_LR / ENCODER_LR:.0f} times apart, like the "
            f"groups' lrs. With lr=1e-4 the encoder ends at {at_encoder[0]:.2g}, on the floor, and the head at "
            f"{at_encoder[1]:.2g}; with lr=3e-4 they end at {in_between[0]:.2g} and {in_between[1]:.2g}, one below "
            "and one above. lr= puts one group on the floor, never both; one lambda per group does.")
