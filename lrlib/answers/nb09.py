"""Notebook 09's exercises (the step-count mismatch)."""

from __future__ import annotations

from ..exercises import Feedback, check_number, check_prediction
from ..scheduler import lr_curve
from ..steps import training_steps, warmup_steps

N, BATCH, EPOCHS = 1235, 32, 50


def per_epoch_peak(prediction, actual) -> Feedback:
    """Predict: the highest lr (share of the peak) when a 1950-step plan with 100 warmup steps is stepped
    once per epoch for 50 epochs."""
    return check_prediction(
        prediction, actual, what="peak_share", abs_tol=0.02,
        why="Each epoch moves the schedule by one step, so 50 epochs use steps 0 to 49 of a plan whose "
            "warmup alone is 100 steps long: the last epoch runs at 49/100 of the peak and the decay "
            "never starts.")


def shortcut_end(answer) -> Feedback:
    """Widget: the lr share at the run's last optimizer step under the shortcut's T (batch 32,
    accumulation 1, 3 processes, no drop_last), as the widget draws it."""
    right = training_steps(epochs=EPOCHS, num_examples=N, batch_size=BATCH, grad_accum_steps=1, world_size=3)
    shortcut = training_steps(epochs=EPOCHS, num_examples=N, batch_size=BATCH)
    warmup = warmup_steps(0.05, right)
    end = float(lr_curve("cosine", right, lr=1.0, num_warmup_steps=warmup,
                         num_training_steps=max(shortcut, warmup))[-1])
    return check_number(
        answer, end, what="shortcut_end_share", abs_tol=0.05,
        hints=["Find the run's last optimizer step on the x axis (the title says how many there are) and read "
               "the shortcut's curve there, as a share of its peak.",
               "Where is that step within the shortcut's plan (compare the two counts in the title)? A cosine "
               "does not fall in a straight line: read the curve rather than the share of the plan left."],
        why=f"with 3 processes each process runs {right} optimizer steps but the shortcut plans {shortcut}: "
            f"training stops {right / shortcut:.0%} of the way into its cosine, which falls slowly at first, so "
            f"the lr is still at about {end:.0%} of the peak (more than the {1 - right / shortcut:.0%} of the "
            "plan left) instead of near 0.")
