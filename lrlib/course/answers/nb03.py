"""Notebook 03's exercises (linear)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lrlib import lr_curve

from ..exercises import Feedback, check_number, check_prediction

CANDIDATE_WARMUP, CANDIDATE_TRAINING, CANDIDATE_STEPS = 400, 1200, 1600
_s = np.arange(CANDIDATE_STEPS, dtype=np.float64)
_ramp = _s / CANDIDATE_WARMUP
CANDIDATES: dict[str, np.ndarray] = {
    "A": np.minimum(_ramp, np.clip((CANDIDATE_TRAINING - _s) / CANDIDATE_TRAINING, 0.0, None)),
    "B": np.where(_s < CANDIDATE_WARMUP, _ramp,
                  np.clip((CANDIDATE_TRAINING + CANDIDATE_WARMUP - _s) / CANDIDATE_TRAINING, 0.0, None)),
    "C": lr_curve("linear", CANDIDATE_STEPS, lr=1.0, num_warmup_steps=CANDIDATE_WARMUP,
                  num_training_steps=CANDIDATE_TRAINING),
    "D": np.where(_s < CANDIDATE_WARMUP, _ramp,
                  np.clip((CANDIDATE_TRAINING - _s) / (CANDIDATE_TRAINING - CANDIDATE_WARMUP), 0.1, None)),
}
"""The multipliers drawn as candidates A-D in notebook 03 (W = 400, T = 1200, 1600 steps drawn)."""


def which_curve(prediction: Any, measured: Any) -> Feedback:
    """Exercise 1 (predict): which of the candidate curves A-D is transformers' linear with W = 400, T = 1200.

    ``measured`` is the multiplier per step recorded from transformers over the candidates' 1600 steps.
    """
    measured = np.asarray(measured, dtype=np.float64)
    actual = next(label for label, curve in CANDIDATES.items() if np.allclose(curve, measured, rtol=1e-9, atol=1e-12))
    return check_prediction(prediction, actual, what="my_curve", choices=list(CANDIDATES),
                            why="linear reaches the full peak exactly at W = 400, then falls on one straight "
                                "line to 0 at T = 1200, and stays at 0 for every step after T. A never reaches "
                                "the peak: its decay starts at step 0, so it tops out near 0.75 of the peak at "
                                "step 300. B is still above 0 at T (it decays for T steps after the warmup); D "
                                "stops at a floor of 0.1.")


def warmup_for_one_percent(answer: Any) -> Feedback:
    """Exercise 2 (widget): the num_warmup_steps that makes the last step of linear (T = 1950) run at 1% of the peak."""
    T = 1950
    finals = {W: float(lr_curve("linear", T, lr=1.0, num_warmup_steps=W, num_training_steps=T)[-1]) for W in range(T)}
    expected = next(W for W, final in finals.items() if abs(final - 0.01) < 1e-12)
    return check_number(answer, expected, what="warmup_for_one_percent",
                        hints=["The last step, s = T - 1, is one step before the end of a decay T - W steps "
                               "long. Which fraction of the peak does the formula give it?",
                               "That step runs at 1/(T - W) of the peak. Solve 1/(T - W) = 1% for W, then set it "
                               "on the slider and read the final lr."],
                        why="the last step runs at 1/(T - W) of the peak, so 1% needs T - W = 100 steps of decay: "
                            "W = 1850. Only the length of the decay sets the lr the run ends on.")
