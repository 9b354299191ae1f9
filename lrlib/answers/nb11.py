"""Notebook 11's exercises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..exercises import WRONG, Feedback, check_choice, check_prediction
from ..outcomes import Outcome, lowest, summarize, train_digits

#: The peaks the experiment exercise accepts: 20 to 100 times below the notebook's 0.1.
LOW_PEAKS = (0.001, 0.005)
_PAIR = ("constant_with_warmup", "linear")


def lowest_loss(prediction: Any, outcomes: Sequence[Outcome]) -> Feedback:
    """Exercise (predict): which schedule ends with the lowest final training loss? Any schedule tied
    for the lowest (its range over the seeds overlaps the range of the lowest mean) counts."""
    names = sorted({outcome.schedule for outcome in outcomes})
    tied = lowest(outcomes)
    shown = prediction if prediction in tied else ", ".join(tied) + " (tied within the noise of 5 seeds)"
    return check_prediction(prediction, shown, what="my_prediction", choices=names,
                            why="The lowest are the schedules whose lr is small during the last steps, decayed to 0 "
                                "or to a low floor: small last steps let the weights settle instead of bouncing "
                                "between mini-batches. inverse_sqrt still runs at about a third of the peak; it "
                                "counts as tied only because one lucky seed lands low, within the noise of 5 seeds.")


def lower_peak(answer: Any, outcomes: Sequence[Outcome]) -> Feedback:
    """Exercise (experiment): ``answer = (my_peak_lr, my_lower_schedule)``. Train
    ``constant_with_warmup`` and ``linear`` at the learner's peak (5 seeds, same plan as the notebook's
    run) and compare the prediction of which ends lower with the run. Runs only once both are filled in."""
    peak, predicted = answer if isinstance(answer, tuple) and len(answer) == 2 else (answer, ...)
    if peak is ... or predicted is ...:
        return Feedback("Not yet: set my_peak_lr and my_lower_schedule, then run this cell again "
                        "(it trains 10 runs, a few seconds).")
    if not isinstance(peak, (int, float)) or isinstance(peak, bool) or not LOW_PEAKS[0] <= peak <= LOW_PEAKS[1]:
        return Feedback(f"{WRONG} my_peak_lr = {peak!r}: pick a number from {LOW_PEAKS[0]} to {LOW_PEAKS[1]}, "
                        "20 to 100 times below the notebook's peak.")
    if predicted not in _PAIR:
        return check_choice(predicted, _PAIR[0], what="my_lower_schedule", choices=_PAIR)
    runs = train_digits(_PAIR, seeds=range(5), peak_lr=float(peak))
    loss = summarize(runs, "train_loss")
    at_high = summarize(outcomes, "train_loss")
    lower = min(_PAIR, key=lambda name: loss[name][0])
    numbers = (f"Mean final training loss at peak {peak:g}: constant_with_warmup {loss[_PAIR[0]][0]:.2f}, "
               f"linear {loss[_PAIR[1]][0]:.2f}; at 0.1 they were {at_high[_PAIR[0]][0]:.2f} and "
               f"{at_high[_PAIR[1]][0]:.2f}.")
    return check_prediction(predicted, lower, what="my_lower_schedule",
                            why=numbers + " The order flips. A likely reading: at a small peak the steps are "
                                "already small, so the decay has little bouncing to remove, and what limits the loss "
                                "is how far 200 small steps get; linear's average lr is about half the peak, so it "
                                "gets less far. The decay paid off at 0.1 because 0.1 was large.")
