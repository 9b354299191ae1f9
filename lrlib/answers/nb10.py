"""Notebook 10's exercises."""

import numpy as np

from ..exercises import Feedback, check_choice, check_number, check_prediction
from ..scheduler import lr_curve
from ..schedules import CURVE_NAMES, SCHEDULES
from ..steps import training_steps

PLAN = dict(epochs=3, num_examples=120_000, batch_size=16, grad_accum_steps=4, world_size=2)
"""The worked example's plan: 3 epochs of 120,000 examples, 2 GPUs x 16, accumulation over 4."""
EXTRA = {"cosine_with_min_lr": {"min_lr_rate": 0.1}, "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1},
         "warmup_stable_decay": {"num_decay_steps": 500}}
"""Arguments a schedule needs beyond the common ones (any valid value gives the same peak step)."""


def ends_at_zero(prediction, measured) -> Feedback:
    """Prediction: how many of the ten step-driven schedules end the article's run at lr exactly 0."""
    return check_prediction(prediction, measured, what="ends_at_zero", abs_tol=0.5,
                            why="linear, cosine, cosine_with_restarts and warmup_stable_decay end at 0. "
                                "polynomial stops at its lr_end of 1e-7, the two min_lr cosines at their floor, "
                                "inverse_sqrt has no end, and the two constants never decay.")


def more_gpus(answer) -> Feedback:
    """Widget: num_training_steps of the worked example's plan on 4 GPUs, per-device batch and accumulation
    unchanged (so twice the examples per optimizer step)."""
    more = {**PLAN, "world_size": 4}
    expected = training_steps(**more)
    before = training_steps(**PLAN)
    per_step = more["world_size"] * more["batch_size"] * more["grad_accum_steps"]
    # where the 2-GPU schedule (linear, 6 % warmup) would still be when the 4-GPU run ends
    left = lr_curve("linear", expected + 1, num_warmup_steps=int(np.ceil(0.06 * before)),
                    num_training_steps=before)[expected]
    return check_number(answer, expected, what="steps_on_four_gpus",
                        hints=["How many examples does one optimizer step see now: 4 GPUs x 16 x 4, against "
                               "2 x 16 x 4 before?",
                               "Set 'processes (GPUs)' to 4 in the form, leave the rest as it is, and read "
                               "num_training_steps above the explorer."],
                        why=f"each optimizer step now sees {per_step} examples, twice as many, so an epoch is "
                            f"{expected // more['epochs']} optimizer steps instead of {before // PLAN['epochs']}. "
                            "The count follows the examples per optimizer step. A scheduler still given "
                            f"{before} would end the run at {left:.0%} of its peak lr (linear, 6 % warmup).")


def _peak_step(name: str, num_training_steps: int, num_warmup_steps: int) -> int:
    curve = lr_curve(name, num_training_steps, lr=1e-3, num_warmup_steps=num_warmup_steps,
                     num_training_steps=num_training_steps, **EXTRA.get(name, {}))
    return int(np.argmax(curve))


def early_peak(answer) -> Feedback:
    """Exercise: of the schedules that warm up, which reaches its peak before step num_warmup_steps?
    (On the worked example's plan, as the explorer starts.)"""
    steps = training_steps(**PLAN)
    warmup = int(np.ceil(0.06 * steps))
    warming = [name for name in CURVE_NAMES if SCHEDULES[name].warmup != "ignored"]
    early = [name for name in warming if _peak_step(name, steps, warmup) < warmup]
    return check_choice(answer, early[0], what="early_peak", choices=list(CURVE_NAMES),
                        hints=["Switch the schedule list through every name and read the message line under "
                               "the sliders: 'peak lr ... at step ...'.",
                               "All but one peak at step num_warmup_steps; look for a step one lower. "
                               "Its name mentions a floor."],
                        why="cosine_warmup_with_min_lr counts one step ahead: its warmup is (s + 1) / W, so it "
                            "reaches the peak at step W - 1, and its decay runs one step ahead too.")
