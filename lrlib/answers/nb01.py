"""Notebook 01's exercises.

The two experiment checks train the notebook's small Transformer (``train_sorting``) with the
learner's value, two seeds at a few seconds each, and only once the stub is filled in. A run
"trains" when both seeds end below ``TRAINED_BELOW`` held-out loss: runs without warmup stall above 1
at this peak rate (Experiment 2), and the solutions end well below the bar on every CPU kind we run.
"""

from __future__ import annotations

from ..exercises import NOT_YET, Feedback, check_prediction, is_number, right, unanswered, wrong

PEAK_LR = 3e-2
RUN_STEPS = 200
SEEDS = (0, 1)
TRAINED_BELOW = 0.7
SHORT_ENOUGH = 60  # a warmup this short or shorter counts as "short": no warmup stalls, 100 steps train


def _final_losses(num_warmup_steps: int, beta2: float = 0.999) -> list[float]:
    from ..experiments import train_sorting

    return [train_sorting(peak_lr=PEAK_LR, num_warmup_steps=num_warmup_steps, seed=seed,
                          num_training_steps=RUN_STEPS, beta2=beta2).final_loss for seed in SEEDS]


def _shown(losses: list[float]) -> str:
    return ", ".join(f"seed {seed} ends at {loss:.3f}" for seed, loss in zip(SEEDS, losses))


def radam_first_step(prediction, radam_step, adam_step) -> Feedback:
    """Exercise (predict): RAdam's first step on the parameter whose gradient is -40, against Adam's
    +0.01: "A" much smaller, "B" about the same, "C" much larger."""
    ratio = float(radam_step) / float(adam_step)
    actual = "A" if ratio < 0.5 else "C" if ratio > 2 else "B"
    return check_prediction(
        prediction, actual, what="radam_first_step", choices="ABC",
        why=(f"RAdam moved that parameter by {float(radam_step):+.2f}, {ratio:.0f} times Adam's step. "
             "Its first steps (while ρ_t ≤ 5, steps 1 to 5) are plain momentum steps: the rate times the "
             "bias-corrected momentum (here the gradient itself, since every step sees the same one), with no "
             "division by the gradient's size: a large gradient gives a large step, nothing like a warmup's small one."))


def shortest_warmup(answer) -> Feedback:
    """Exercise (experiment): a warmup, as short as possible, with which the post-LN Transformer
    trains at peak lr 3e-2 (seeds 0 and 1 below 0.7 held-out loss)."""
    what = "shortest_warmup"
    hints = ["No warmup stalls and 100 steps train: try half of 100, then half again, and read both seeds.",
             "The widget above trains your warmup and no warmup side by side; step the warmup by 10.",
             "Both seeds must get below 0.7: a length that is enough for one seed may not be for the other."]
    if unanswered(answer):
        return Feedback(f"{NOT_YET} set {what} to a number of warmup steps (0 to {RUN_STEPS}), then run this "
                        "cell again; it trains two seeds with it, a few seconds each.")
    if not is_number(answer) or int(answer) != answer or not 0 <= answer <= RUN_STEPS:
        return wrong(what, f"{what} = {answer!r} is not a whole number of steps from 0 to {RUN_STEPS}.", hints)
    losses = _final_losses(int(answer))
    if max(losses) >= TRAINED_BELOW:
        return wrong(what, f"with {int(answer)} warmup steps {_shown(losses)}: not both below {TRAINED_BELOW} "
                            "yet, so this warmup is too short.", hints)
    if answer > SHORT_ENOUGH:
        return wrong(what, f"with {int(answer)} warmup steps {_shown(losses)}: it trains, but much shorter "
                            "warmups train too.", hints)
    return right(what,
        f"with {int(answer)} warmup steps {_shown(losses)}, both below {TRAINED_BELOW}, while the "
        "runs without warmup stall. The damage is done in the first steps, where Adam's updates are the largest "
        "and the least informed (Experiment 1): a warmup only has to cover those to get the post-LN model "
        "off its plateau. A much longer one, 100 steps in Experiment 2, ends lower still, so the shortest "
        "warmup that trains is not the best one.")


def rule_of_thumb_beta2(answer) -> Feedback:
    """Exercise (experiment): a beta2 whose rule-of-thumb warmup, 2 / (1 - beta2) steps (Ma & Yarats),
    fits in the 200-step run and trains the Transformer at peak lr 3e-2."""
    what = "beta2"
    hints = [f"The rule's warmup must fit in the run: 2 / (1 - beta2) at most {RUN_STEPS}. "
             "What does that say about 1 - beta2?",
             "Too small a beta2 gives a warmup of only a few steps; Exercise 2 tells you roughly how many "
             "steps this model needs.",
             "The rule's warmup has two bounds: at least the length you found in Exercise 2, at most "
             f"{RUN_STEPS}. Solve 2 / (1 - beta2) = each bound for beta2 and pick a value in between."]
    if unanswered(answer):
        return Feedback(f"{NOT_YET} set {what} to a value between 0 and 1, then run this cell again; it trains "
                        "two seeds with the rule's warmup, a few seconds each.")
    if not is_number(answer) or not 0 < answer < 1:
        return wrong(what, f"{what} = {answer!r} is not a number between 0 and 1.", hints)
    warmup = round(2 / (1 - float(answer)))
    if warmup > RUN_STEPS:
        return wrong(what, f"with beta2 = {answer} the rule asks for {warmup} warmup steps, more than the "
                            f"{RUN_STEPS} steps of the run: the rate would never reach its peak.", hints)
    losses = _final_losses(warmup, beta2=float(answer))
    if max(losses) >= TRAINED_BELOW:
        return wrong(what, f"with beta2 = {answer} the rule asks for {warmup} warmup steps, and {_shown(losses)}: "
                            f"not both below {TRAINED_BELOW}.", hints)
    return right(what,
        f"with beta2 = {answer} the rule asks for {warmup} warmup steps, and {_shown(losses)}. "
        "Here the rule's warmup trains this model. But at PyTorch's beta2 = 0.999 it asks "
        "for 2000 steps, ten times this whole run, although a few dozen were enough in Exercise 2: the rule "
        "measures how long Adam's memory of past gradients is, not how much warmup a model needs, so for a "
        "short run it can overshoot by far.")
