"""Notebook 09's exercises (the step-count mismatch)."""

from __future__ import annotations

from lrlib import lr_curve, training_steps, warmup_steps

from ..exercises import Feedback, check_choice, check_prediction

N, BATCH, EPOCHS = 1235, 32, 50
SHORTCUT_CHOICES = {"A": 0.0, "B": 1 / 3, "C": 2 / 3, "D": 3 / 4}
"""Exercise 2's choices: the shortcut's lr at the run's last step, as a share of the peak."""


def per_epoch_peak(prediction, actual) -> Feedback:
    """Predict: the highest lr (share of the peak) when a 1950-step plan with 100 warmup steps is stepped
    once per epoch for 50 epochs."""
    return check_prediction(
        prediction, actual, what="peak_share", abs_tol=0.02,
        why="Each epoch moves the schedule by one step, so 50 epochs use steps 0 to 49 of a plan whose "
            "warmup alone is 100 steps long: the last epoch runs at 49/100 of the peak and the decay "
            "never starts.")


def shortcut_end(answer) -> Feedback:
    """Widget: where the shortcut's cosine (T in batches of the whole dataset) is at the run's last optimizer
    step with 3 processes (batch 32, accumulation 1, no drop_last), as the widget draws it: the choice
    nearest to it.

    >>> shortcut_end("D").solved, shortcut_end("C").solved
    (True, False)
    """
    right = training_steps(epochs=EPOCHS, num_examples=N, batch_size=BATCH, grad_accum_steps=1, world_size=3)
    shortcut = training_steps(epochs=EPOCHS, num_examples=N, batch_size=BATCH)
    warmup = warmup_steps(0.05, right)
    end = float(lr_curve("cosine", right, lr=1.0, num_warmup_steps=warmup,
                         num_training_steps=max(shortcut, warmup))[-1])
    expected = min(SHORTCUT_CHOICES, key=lambda letter: abs(SHORTCUT_CHOICES[letter] - end))
    return check_choice(
        answer, expected, what="shortcut_end", choices=tuple(SHORTCUT_CHOICES),
        hints=["Each of the 3 processes sees a third of the 1235 examples. How many optimizer steps does the run "
               "take, next to the shortcut's 1950: what fraction of its plan does it use?",
               "A cosine does not fall in a straight line: after a fraction p of its decay it is at "
               "(1+cos(πp))/2 of the peak. What is cos(π/3)?"],
        why=f"with 3 processes each process runs {right} optimizer steps and the shortcut plans {shortcut}: the "
            f"run stops a third of the way into the shortcut's cosine, which falls slowly at first. There "
            f"(1+cos(π/3))/2 = 3/4: the lr is still at {end:.0%} of the peak (the short warmup adds a little), "
            "more than the two thirds of the plan left, and far from 0.")
