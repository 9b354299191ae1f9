"""Notebook 05's exercises."""

from lrlib import lr_curve

from ..exercises import WRONG, Feedback, check_prediction, is_number, not_yet, right, unanswered, wrong
from . import restart_steps

T = 1950


def fractional_end(prediction, actual) -> Feedback:
    """Exercise (predict): with num_cycles=2.5, the lr of step T-1: "A" about 0, "B" about half, "C" about the peak."""
    return check_prediction(prediction, actual, what="last_step_with_2_5_cycles", choices="ABC",
                            why="At step T-1, c·p = 2.5 × 1849/1850 ≈ 2.4986: two whole cycles and half of the "
                                "third, so the cosine is halfway down, at about half the peak. One step later p "
                                "reaches 1 and the lr drops straight to 0: the third cycle is cut off halfway.")


def first_restart_warmup(answer) -> Feedback:
    """Exercise (widget): num_warmup_steps that puts the first restart (num_cycles=3, T=1950) at step 1000."""
    what = "warmup_for_restart_at_1000"
    hints = ["The three cycles share the T - W steps the warmup leaves, so the first restart comes at "
             "W + (T - W) / 3. Set that equal to 1000 and solve for W.",
             "W + (1950 - W) / 3 = 1000 gives 2W / 3 = 1000 - 650. Then set that warmup on the slider and "
             "check that the first jump is near step 1000."]
    if unanswered(answer):
        return not_yet(f"set {what} to your answer (a number)")
    if not is_number(answer) or float(answer) != int(answer):
        return Feedback(f"{WRONG} {what} = {answer!r} is not a whole number of steps.")
    answer = int(answer)
    if not 0 <= answer < T:
        return wrong(what, f"{what} = {answer}: a warmup of this run is 0 to {T - 1} steps long.", hints)
    curve = lr_curve("cosine_with_restarts", T, lr=1.0, num_warmup_steps=int(answer), num_training_steps=T,
                     num_cycles=3)
    jumps = [s for s in restart_steps(curve) if s > answer]
    first = jumps[0] if jumps else T
    if abs(first - 1000) <= 10:  # read off the plot: about ten steps is fine
        return right(what, f"with {answer} warmup steps the first restart comes at step {first}. Exactly: "
                           "W + (1950 - W) / 3 = 1000 gives W = 525. The warmup squeezes all three cycles into "
                           "what is left of the run.")
    side = "after" if first > 1000 else "before"
    return wrong(what, f"{what} = {answer}: the first restart comes at step {first}, {side} step 1000.", hints)
