"""Notebook 11's exercises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..exercises import WRONG, Feedback, check_prediction, is_number, not_a_choice, not_yet, unanswered
from ..outcomes import Outcome, lowest, summarize, train_digits

#: The peaks the experiment exercise accepts: 20 to 100 times below the notebook's 0.1.
LOW_PEAKS = (0.001, 0.005)
_PAIR = ("constant_with_warmup", "linear")
#: The schedule Exercise 1 leaves out: its seeds spread too widely for five of them to settle it.
LEFT_OUT = "inverse_sqrt"


def _names(prediction: Any) -> set[str] | None:
    """A prediction as a set of names: a set, list or tuple of strings, or one string; else None."""
    if isinstance(prediction, str):
        return {prediction}
    if isinstance(prediction, (set, frozenset, list, tuple)) and all(isinstance(n, str) for n in prediction):
        return set(prediction)
    return None


def not_tied(prediction: Any, outcomes: Sequence[Outcome]) -> Feedback:
    """Exercise (predict): which schedules are *not* tied with the best (lowest mean final training loss),
    every one of their runs ending above every run of the best? The others' ranges over the seeds overlap
    the best's (``lrlib.course.outcomes.lowest``). ``inverse_sqrt`` is not counted either way (``LEFT_OUT``).

    >>> runs = [Outcome(name, seed, value, 0.0, 1.0, np.zeros(1), np.zeros(1))
    ...         for name, values in {"a": [1.0, 3.0], "b": [2.5, 4.0], "c": [3.5, 5.0]}.items()
    ...         for seed, value in enumerate(values)]
    >>> not_tied({"c"}, runs).solved, not_tied(["b", "c"], runs).solved
    (True, False)
    """
    if unanswered(prediction):
        return not_yet("write your prediction into not_tied before you look")
    names = list(dict.fromkeys(outcome.schedule for outcome in outcomes))
    tied = lowest(outcomes)
    actual = [name for name in names if name not in tied and name != LEFT_OUT]
    chosen = _names(prediction)
    if chosen is None:
        return Feedback(f"{WRONG} not_tied = {prediction!r}: write a set of schedule names in quotes, such as "
                        '{"a_name", "another_name"}.')
    unknown = sorted(chosen - set(names))
    if unknown:
        return Feedback(f"{WRONG} {', '.join(map(repr, unknown))}: not a schedule of this run. The schedules: "
                        f"{', '.join(map(repr, names))}.")
    return check_prediction([name for name in names if name in chosen and name != LEFT_OUT], actual, what="not_tied",
                            why="The flat schedules keep the peak to the end, so the weights keep bouncing. "
                                "warmup_stable_decay reaches 0 too, but only after 140 steps at the peak (steps 20 "
                                "to 159): its 40 steps of decay do not catch up with schedules whose lr falls from step 20 on. Reaching "
                                "exactly 0 is not what counts: cosine_with_min_lr stops at a tenth of the peak and "
                                "is among the lowest.")


def lower_peak(answer: Any, outcomes: Sequence[Outcome]) -> Feedback:
    """Exercise (experiment): ``answer = (my_peak_lr, my_lower_schedule)``. Train
    ``constant_with_warmup`` and ``linear`` at the learner's peak (5 seeds, same plan as the notebook's
    run) and compare the prediction of which ends lower with the run. Runs only once both are filled in."""
    peak, predicted = answer if isinstance(answer, tuple) and len(answer) == 2 else (answer, ...)
    if peak is ... or predicted is ...:
        return not_yet("set my_peak_lr and my_lower_schedule",
                       then="run this cell again (it trains 10 runs, a few seconds)")
    if not is_number(peak) or not LOW_PEAKS[0] <= float(peak) <= LOW_PEAKS[1]:
        return Feedback(f"{WRONG} my_peak_lr = {peak!r}: pick a number from {LOW_PEAKS[0]} to {LOW_PEAKS[1]}, "
                        "20 to 100 times below the notebook's peak.")
    peak = float(peak)
    if predicted not in _PAIR:
        return not_a_choice("my_lower_schedule", predicted, _PAIR)
    runs = train_digits(_PAIR, seeds=range(5), peak_lr=peak)
    loss = summarize(runs, "train_loss")
    at_high = summarize(outcomes, "train_loss")
    lower = min(_PAIR, key=lambda name: loss[name][0])
    numbers = (f"Mean final training loss at peak {peak:g}: constant_with_warmup {loss[_PAIR[0]][0]:.2f}, "
               f"linear {loss[_PAIR[1]][0]:.2f}; at 0.1 they were {at_high[_PAIR[0]][0]:.2f} and "
               f"{at_high[_PAIR[1]][0]:.2f}.")
    return check_prediction(predicted, lower, what="my_lower_schedule",
                            why=numbers + " Explain the order in one sentence, then open the solution.")
