"""Notebook 04's exercises."""

import numpy as np

from lrlib import lr_curve

from ..exercises import Feedback, check_number, check_prediction

W, T = 100, 1950


def past_t(prediction, actual) -> Feedback:
    """Exercise (predict): where the default cosine is 650 steps past T: "A" 0, "B" below half, "C" above, "D" peak."""
    return check_prediction(prediction, actual, what="lr_past_t", choices="ABCD",
                            why="The formula has no end: past T the progress p goes above 1 and the cosine goes on. "
                                "At step 2599, the last of the 650 steps past T, p = 2499/1850 ≈ 1.35 and "
                                "½(1 + cos(1.35π)) ≈ 0.27: the lr has climbed back to about 27% of the peak. linear, by contrast, stays at 0.")


def _touches_zero_three_times_and_ends_climbing_at_half(num_cycles: float) -> bool:
    """What the explorer shows for cosine with W = 100, T = 1950 (steps 0 to T - 1)."""
    curve = lr_curve("cosine", T, lr=1.0, num_warmup_steps=W, num_training_steps=T, num_cycles=num_cycles)
    decay = curve[W:]
    inner = decay[1:-1]
    zeros = int(np.sum((inner <= decay[:-2]) & (inner < decay[2:]) & (inner < 0.01)))
    return zeros == 3 and abs(curve[-1] - 0.5) < 0.01 and curve[-1] > curve[-2]


def three_zeros(answer) -> Feedback:
    """Exercise (widget): the num_cycles (a slider stop, 0.25 to 5) whose decay touches 0 three times, then ends
    the run climbing, at half the peak.

    >>> three_zeros(2.75).solved, three_zeros(3.25).solved, three_zeros(1.75).solved
    (True, False, False)
    """
    expected, = [c for c in np.arange(0.25, 5.01, 0.25) if _touches_zero_three_times_and_ends_climbing_at_half(c)]
    return check_number(answer, float(expected), what="three_zeros_cycles",
                        hints=["After the warmup the multiplier is ½(1 + cos(2π c·p)), with p going from 0 to 1. "
                               "For which values of c·p is it 0, and for which is it back at the peak?",
                               "It is 0 at c·p = 0.5, 1.5 and 2.5, so three zeros take c past 2.5; then the lr "
                               "climbs back towards the peak at c·p = 3. Where on that climb is it at half the peak?"],
                        why="½(1 + cos(2π c·p)) is 0 at c·p = 0.5, 1.5 and 2.5, then climbs through half the peak "
                            "at c·p = 2.75: num_cycles = 2.75. (3.25 also ends at half the peak, but falling, after "
                            "one more return to the peak.)")


def body_floor(prediction, actual) -> Feedback:
    """Exercise (predict): the body's lr at step T with min_lr=1e-5, body lr 1e-4, constructor lr 1e-3."""
    return check_prediction(prediction, actual, what="body_final_lr", rel_tol=0.01,
                            why="transformers divides min_lr by optimizer.defaults['lr']: r = 1e-5 / 1e-3 = 0.01, "
                                "and every group ends at r times its own lr, so the body ends at 0.01 × 1e-4.")
