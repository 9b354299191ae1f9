"""Notebook 04's exercises."""

import numpy as np

from ..exercises import Feedback, check_number, check_prediction
from ..scheduler import lr_curve

W, T, LR = 100, 1950, 1e-3


def past_t(prediction, actual) -> Feedback:
    """Exercise (predict): where the default cosine is 650 steps past T: "A" 0, "B" below half, "C" above, "D" peak."""
    return check_prediction(prediction, actual, what="lr_past_t", choices="ABCD",
                            why="The formula has no end: past T the progress p goes above 1 and the cosine goes on. "
                                "At step 2599, the last of the 650 steps past T, p = 2499/1850 ≈ 1.35 and "
                                "½(1 + cos(1.35π)) ≈ 0.27: the lr has climbed back to about 27% of the peak. linear, by contrast, stays at 0.")


def half_peak_endings(answer) -> Feedback:
    """Exercise (widget): of num_cycles = 0.25, 0.5, ..., 2.0, how many end (step T-1) at half the peak."""
    settings = np.arange(0.25, 2.01, 0.25)
    finals = [lr_curve("cosine", T, lr=LR, num_warmup_steps=W, num_training_steps=T, num_cycles=c)[-1]
              for c in settings]
    expected = sum(abs(final / LR - 0.5) < 0.01 for final in finals)
    return check_number(answer, expected, what="how_many_end_at_half",
                        hints=["Set each of the eight values in turn and read 'final lr' on the message line above the plot; "
                               "half the peak shows as about 0.0005.",
                               "The curve ends at 0.5 × (1 + cos(2π · num_cycles)). For which values is that "
                               "cosine 0?"],
                        why="the end is half the peak when cos(2π c) = 0, that is for c = 0.25, 0.75, 1.25 and "
                            "1.75, the odd multiples of 0.25; odd multiples of 0.5 end at 0 and whole numbers at "
                            "the peak.")


def body_floor(prediction, actual) -> Feedback:
    """Exercise (predict): the body's lr at step T with min_lr=1e-5, body lr 1e-4, constructor lr 1e-3."""
    return check_prediction(prediction, actual, what="body_final_lr", rel_tol=0.01,
                            why="transformers divides min_lr by optimizer.defaults['lr']: r = 1e-5 / 1e-3 = 0.01, "
                                "and every group ends at r times its own lr, so the body ends at 0.01 × 1e-4.")
