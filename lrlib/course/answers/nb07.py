"""Notebook 07's exercises.

A learner's number may come as a 0-d numpy array or tensor; the shared checks take it:

>>> import numpy as np
>>> peak_update(np.array(4001), 4001).solved, stable_steps(np.int64(980)).solved, stable_steps(np.array(980.0)).solved
(True, True, True)
"""

from ..exercises import WRONG, Feedback, check_number, check_prediction, is_number

VASWANI_WARMUP = 4000
"""Vaswani et al.'s warmup: their lrate(n) peaks at update n = 4000."""


def peak_update(prediction, measured) -> Feedback:
    """Prediction: at which optimizer update (the first is 1) does transformers' inverse_sqrt with
    num_warmup_steps=4000 first use its peak lr? ``measured`` is the update the run found."""
    return check_prediction(prediction, measured, what="peak_update", abs_tol=0.5,
                            why="The first update runs before any scheduler.step(), at index s = 0, so update n "
                                "uses index n - 1. The peak is index 4000, so it comes at update 4001: one "
                                "update after the paper's, and the whole schedule lags the paper's by one step.")


def stable_steps(answer) -> Feedback:
    """Exercise: num_stable_steps to rebuild a WSD schedule (W=100, D=120) resumed from a stable-phase
    checkpoint at step 1000 so that the run ends at step 1200.

    >>> print(stable_steps(980.5))
    ✗ Not quite: num_stable_steps = 980.5 is not a whole number: it counts steps.
    """
    warmup, decay, end = 100, 120, 1200
    if is_number(answer) and float(answer) != int(float(answer)):
        return Feedback(f"{WRONG} num_stable_steps = {float(answer):g} is not a whole number: it counts steps.")
    return check_number(answer, end - warmup - decay, what="num_stable_steps",
                        hints=["The rebuilt scheduler resumes at step 1000 of a curve that starts at step 0, "
                               "not at the checkpoint.",
                               "The warmup, stable and decay phases together must last as long as the whole run."],
                        why="a schedule is a function of the step since the start of the run, so warmup + stable "
                            "+ decay = 100 + 980 + 120 = 1200; the checkpoint's step only says where the resumed "
                            "run picks up that curve.")
