"""Notebook 01's exercises.

The experiment check trains the notebook's small Transformer (``train_sorting``) with the learner's
value, two seeds at a few seconds each, and only once the stub is filled in; it says what is training
while it runs, and keeps the runs, so checking the same value again is instant. A run "trains" when
both seeds end below ``TRAINED_BELOW`` held-out loss: runs without warmup stall above 1 at this peak
rate (Experiment 2).
"""

from __future__ import annotations

from ..exercises import Feedback, check_prediction, is_number, not_yet, right, unanswered, wrong

PEAK_LR = 3e-2
RUN_STEPS = 200
SEEDS = (0, 1)
TRAINED_BELOW = 0.7
STEP = 10  # warmup lengths go in steps of 10, as the widget's slider does
_finished: dict[tuple[int, float], list[float]] = {}  # (warmup, beta2) -> held-out loss of each seed


def _progress(message: str | None) -> None:
    """In a notebook, show what is training; the check's answer replaces it. Elsewhere, nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import clear_output
    except ImportError:  # pragma: no cover (IPython comes with the course's packages)
        return
    if get_ipython() is None:
        return
    clear_output(wait=True)  # the next output (more progress, or the answer) replaces what is shown
    if message:
        print(message, flush=True)


def _final_losses(num_warmup_steps: int, beta2: float = 0.999) -> list[float]:
    key = (num_warmup_steps, beta2)
    if key not in _finished:
        from ..experiments import train_sorting

        losses = []
        for seed in SEEDS:
            _progress(f"training seed {seed} of {SEEDS[-1]} with {num_warmup_steps} warmup steps, a few seconds ...")
            losses.append(train_sorting(peak_lr=PEAK_LR, num_warmup_steps=num_warmup_steps, seed=seed,
                                        num_training_steps=RUN_STEPS, beta2=beta2).final_loss)
        _progress(None)
        _finished[key] = losses
    return _finished[key]


def _trains(losses: list[float]) -> bool:
    return max(losses) < TRAINED_BELOW


def _shown(losses: list[float]) -> str:
    return ", ".join(f"seed {seed} ends at {loss:.3f}" for seed, loss in zip(SEEDS, losses))


def radam_first_step(prediction, radam_step, adam_step) -> Feedback:
    """Exercise (predict): RAdam's first step on the parameter whose gradient is -40, against Adam's
    +0.01: "A" much smaller, "B" about the same, "C" much larger."""
    ratio = float(radam_step) / float(adam_step)
    actual = "A" if ratio < 0.5 else "C" if ratio > 2 else "B"
    return check_prediction(
        prediction, actual, what="radam_first_step", choices="ABC",
        why=(f"RAdam moved that parameter by {float(radam_step):+.2f}, {ratio:.0f} times Adam's step. At step 1, "
             "v_1 holds one squared gradient: ρ_1 = 1, below 5, so RAdam steps by -lr × m_hat_1, and m_hat_1 is "
             "the gradient itself. No division by the gradient's size: a large gradient gives a large step, "
             "nothing like a warmup's small one."))


def _shortest(answer, what: str, beta2: float, hints: list[str], why: str) -> Feedback:
    """Right when ``answer`` (a multiple of STEP) trains both seeds and STEP and 2 * STEP steps less do not, on
    this CPU (the second catches most answers of a halving search, which can stop on a later edge)."""
    if unanswered(answer):
        return not_yet(f"set {what} to a number of warmup steps (0 to {RUN_STEPS}, in steps of {STEP})",
                       then="run this cell again; it trains two seeds with it, a few seconds each")
    if not is_number(answer) or int(answer) != answer or not 0 <= answer <= RUN_STEPS:
        return wrong(what, f"{what} = {answer!r} is not a whole number of steps from 0 to {RUN_STEPS}.", hints)
    if int(answer) % STEP:
        return wrong(what, f"{what} = {answer!r}: scan in steps of {STEP} (0, {STEP}, {2 * STEP}, ...); between two "
                            "such lengths the end losses jump around.", hints)
    length = int(answer)
    losses = _final_losses(length, beta2)
    if not _trains(losses):
        return wrong(what, f"with {length} warmup steps {_shown(losses)}: not both below {TRAINED_BELOW}, so this "
                            "warmup is too short.", hints)
    shorter = _final_losses(length - STEP, beta2) if length else None
    if shorter is not None and _trains(shorter):
        return wrong(what, f"with {length} warmup steps {_shown(losses)}: it trains, but {STEP} steps less "
                            "trains too.", hints)
    # a halving search can stop on a later edge (a length that trains above one that does not): two below
    two_below = _final_losses(length - 2 * STEP, beta2) if length >= 2 * STEP else None
    if two_below is not None and _trains(two_below):
        return wrong(what, f"with {length} warmup steps {_shown(losses)}, and {STEP} steps less does not train, but "
                            f"{2 * STEP} steps less trains: near the edge the end loss jumps around, so count up "
                            "from 0.", hints)
    tried = f"; with {length - STEP}, {_shown(shorter)}" if shorter is not None else ""
    return right(what, f"with {length} warmup steps {_shown(losses)}, both below {TRAINED_BELOW}{tried}. {why}")


def shortest_warmup(answer) -> Feedback:
    """Exercise (experiment): the shortest warmup, in steps of 10, with which the post-LN Transformer
    trains at peak lr 3e-2 (seeds 0 and 1 below 0.7 held-out loss). Right: the length trains and 10
    and 20 steps less do not, on the learner's own CPU."""
    return _shortest(
        answer, "shortest_warmup", 0.999,
        hints=["Scan upwards from 0 in steps of 10 with the widget above, and read both seeds at each length.",
               "No warmup stalls and 100 steps train: the edge is somewhere in between. Both seeds must be below "
               f"{TRAINED_BELOW}: a length that is enough for one seed may not be for the other.",
               "Near the edge a longer warmup does not always end lower: trust the first length, counting up "
               f"from 0, at which both seeds are below {TRAINED_BELOW}, not the trend of a halving search."],
        why=("A warmup of a few dozen steps, a small part of the 200-step run, gets the post-LN model off its "
             "plateau: the damage is done in the first steps, where Adam's updates are the largest and the least "
             "informed (Experiment 1). Longer warmups end lower still (100 steps in Experiment 2), but not "
             "steadily: near the edge, a few more steps can end a little higher, which is why you scanned in "
             "steps of 10 and read both seeds."))


def shortest_warmup_at_0_9(answer) -> Feedback:
    """Exercise (experiment): the same search as ``shortest_warmup``, with Adam at beta2 = 0.9, where Ma &
    Yarats' rule asks for 2 / (1 - 0.9) = 20 warmup steps."""
    return _shortest(
        answer, "shortest_at_0_9", 0.9,
        hints=["Start at 0 and go up in steps of 10; the check trains each length you give it at beta2 = 0.9.",
               "The rule asks for 2 / (1 - beta2) steps: work out that number at 0.9, and try below it too.",
               "Your answer is the first length, counting up from 0, at which both seeds end below "
               f"{TRAINED_BELOW}."],
        why=("The rule asks for 2 / (1 - 0.9) = 20 steps. From beta2 = 0.999 to 0.9 the warmup this model needs "
             "shrank a few times over (from the few dozen steps of Exercise 1), the rule's a hundredfold (2000 to "
             "20): the rule follows how long Adam remembers past gradients, not how much warmup the model needs."))
