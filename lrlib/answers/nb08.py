"""Notebook 08's exercises (several parameter groups)."""

from __future__ import annotations

import torch

from ..exercises import Feedback, check_number, check_prediction
from ..lookahead import trace
from ..scheduler import get_scheduler

ENCODER_LR, HEAD_LR, FLOOR = 1e-4, 1e-3, 1e-5


def _end_lrs(optimizer_lr: float) -> list[float]:
    """Each group's lr at the last step of polynomial with lr_end=FLOOR (lrlib's get_scheduler, which gives
    transformers' lrs), for groups at ENCODER_LR and HEAD_LR and ``optimizer_lr`` given to the constructor."""
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (ENCODER_LR, HEAD_LR)]
    optimizer = torch.optim.AdamW(groups, lr=optimizer_lr)
    scheduler = get_scheduler("polynomial", optimizer, num_warmup_steps=100, num_training_steps=1000,
                              scheduler_specific_kwargs={"lr_end": FLOOR})
    return trace(scheduler, 1001)[-1].tolist()


def head_floor(prediction, actual) -> Feedback:
    """Predict: the head's (lr 1e-4) last lr under polynomial with lr_end=1e-6, the encoder at 2e-5, and no
    lr= given to AdamW's constructor."""
    return check_prediction(
        prediction, actual, what="head_last_lr", rel_tol=0.01,
        why="Without lr=, optimizer.defaults['lr'] is AdamW's own default, 1e-3, which no group uses. "
            "transformers divides lr_end by it once and that ratio multiplies every group's own lr, so both "
            "groups end below the floor you asked for.")


def encoder_on_the_floor(answer) -> Feedback:
    """Widget: the optimizer lr= that puts the encoder (lr 1e-4) on the floor 1e-5, polynomial as written."""
    encoder_end_at_lr_1 = _end_lrs(1.0)[0]
    expected = encoder_end_at_lr_1 / FLOOR  # the encoder's end is proportional to 1 / lr=
    feedback = check_number(
        answer, expected, what="optimizer_lr_for_encoder", rel_tol=0.05,
        hints=["Move only the 'optimizer lr=' slider and watch where the encoder's line ends against "
               "the dashed floor.",
               "A group ends at its own lr times floor / lr=. For which lr= is that product the floor "
               "itself?"],
    )
    if not feedback.solved:
        return feedback
    encoder_end, head_end = _end_lrs(float(answer))
    return Feedback(f"✓ Right: with lr={float(answer):.0e} the encoder ends at {encoder_end:.2g}, on the "
                    f"floor, and the head at {head_end:.2g}, {head_end / encoder_end:.0f} times above it. "
                    "lr= puts one group on the floor, never both; one lambda per group does.")

