"""Notebook 06's exercises.

A learner's number may come as a 0-d numpy array or tensor; the shared checks take it:

>>> import numpy as np
>>> gap_to_linear(np.array(5e-5), 5e-5).solved
True
"""

from ..exercises import Feedback, check_choice, check_prediction


def gap_to_linear(prediction, actual) -> Feedback:
    """Exercise (predict): how far above linear polynomial(power=1, lr_end=1e-4) is at step 1025."""
    return check_prediction(prediction, actual, what="gap_at_1025", rel_tol=0.02,
                            why="With power=1 the decay is a straight line from the peak to lr_end instead of "
                                "to 0: it sits lr_end × p above linear. Halfway, p = 0.5, so the gap is "
                                "0.5 × 1e-4; at T it is the whole lr_end, and it stays there.")


def lr_end_above_lr(answer) -> Feedback:
    """Exercise (widget): with lr_end=1e-5, what the explorer does once the optimizer's lr is 1e-5 or below:
    "A" the same shape, scaled down with the lr, "B" refuse, "C" a "decay" that climbs up to lr_end.

    >>> lr_end_above_lr("B").solved, lr_end_above_lr("C").solved
    (True, False)
    """
    return check_choice(
        answer, "B", what="lr_at_or_below_lr_end", choices="ABC",
        hints=["transformers divides lr_end by the optimizer's lr (see The formula), and the decay goes down "
               "to that ratio. What is the ratio once the lr is at or below lr_end?",
               "Move the lr slider below 1e-5 and read the message line above the plot."],
        why="transformers divides lr_end by the optimizer's default lr, optimizer.defaults['lr'], and every group "
            "decays to that ratio. At an lr of lr_end or below the ratio is 1 or more and the formula alone would "
            "draw a climb, so transformers and lrlib refuse it. A would need a ratio that stays put when the lr "
            "moves, like min_lr_rate's.")
