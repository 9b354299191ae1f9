"""Notebook 06's exercises."""

import numpy as np

from ..exercises import Feedback, check_number, check_prediction
from ..scheduler import lr_curve

W, T, LR = 100, 1950, 1e-3


def gap_to_linear(prediction, actual) -> Feedback:
    """Exercise (predict): how far above linear polynomial(power=1, lr_end=1e-4) is at step 1025."""
    return check_prediction(prediction, actual, what="gap_at_1025", rel_tol=0.02,
                            why="With power=1 the decay is a straight line from the peak to lr_end instead of "
                                "to 0: it sits lr_end × p above linear. Halfway, p = 0.5, so the gap is "
                                "0.5 × 1e-4; at T it is the whole lr_end, and it stays there.")


def refused_below(answer) -> Feedback:
    """Exercise (widget): with lr_end=1e-5, the optimizer lr below which the explorer refuses polynomial."""
    what = "refused_from_lr"
    hints = ["Set lr_end to 1e-5 first, then move the lr slider down step by step and watch the message line "
             "above the plot.",
             "Which of the two must be larger for the lr to decay *down* to lr_end?"]
    grid = 10 ** np.arange(-6.0, 0.001, 0.05)  # the explorer's lr slider stops

    def accepted(lr: float) -> bool:
        try:
            lr_curve("polynomial", 10, lr=float(lr), num_warmup_steps=2, num_training_steps=10, lr_end=1e-5)
        except ValueError:
            return False
        return True

    lowest_ok = min(lr for lr in grid if accepted(lr))
    highest_refused = max(lr for lr in grid if lr < lowest_ok)
    is_number = isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool)
    if is_number and highest_refused * 0.99 <= answer <= lowest_ok * 1.01:
        return check_number(answer, answer, what=what,
                            why="lr_end is a learning rate, not a ratio: the decay must go down to it, so "
                                "transformers and lrlib refuse an lr_end that is not below the optimizer's default lr, optimizer.defaults['lr']. "
                                "Had it been a fraction, moving the lr would not matter.")
    return check_number(answer, highest_refused, what=what, hints=hints)
