"""Notebook 13's questions: the self-check across the collection.

Every expected answer is computed here, from lrlib's closed forms and step counts or from a small
run of transformers itself, so it stays right if a schedule or a count ever changes. The curves the
notebook plots for its first two questions come from ``lrlib.course.quiz_curve``, which does not name
the schedule that drew each.
transformers is imported only when an answer is checked, so the untouched stubs cost nothing.
"""

from __future__ import annotations

import numpy as np
import torch

from lrlib import lr_curve, trace, trainer_steps, training_steps

from ..exercises import QUIZ_CURVES, Feedback, check_choice, check_number, not_yet, quiz_curve, unanswered
from . import restart_steps

# Questions 1 and 2: the curves the notebook plots come from lrlib.course.quiz_curve (panels "A" to "D",
# 100 warmup steps of 1000; and the "mystery" curve, drawn 200 steps past its num_training_steps).
CURVE_STEPS, CURVE_WARMUP = 1000, 100
MYSTERY_CHOICES = ("linear", "cosine", "polynomial", "inverse_sqrt")

LETTERS = ("A", "B", "C", "D")


def num_cycles_curve(answer) -> Feedback:
    """Which candidate is get_scheduler("cosine", W=100, T=1000, num_cycles=1.0)?"""
    asked = lr_curve("cosine", CURVE_STEPS, lr=1.0, num_warmup_steps=CURVE_WARMUP, num_training_steps=CURVE_STEPS,
                     num_cycles=1.0)
    expected = next(letter for letter in LETTERS if np.allclose(quiz_curve(letter), asked))
    return check_choice(answer, expected, what="cosine_one_cycle", choices=LETTERS,
                        hints=["For cosine, num_cycles counts whole cosine waves over the decay, not decays. "
                               "What does one whole wave of a cosine do?",
                               "At step T the cosine's argument is 2π × num_cycles. Which curve is back at the "
                               "peak at the last step?"],
                        why="for cosine, num_cycles=1.0 is one full wave: down to 0 halfway through the decay "
                            "and back up to the peak at step T. Only odd multiples of 0.5 end at 0.")


def mystery_schedule(answer) -> Feedback:
    """Which schedule made the mystery curve?"""
    return check_choice(answer, QUIZ_CURVES["mystery"][0], what="mystery", choices=MYSTERY_CHOICES,
                        hints=["Look at the end first: after step 1000 the curve stays flat at (almost) 0. "
                               "Which of the four never reaches 0, and which climbs back up past the end?",
                               "Now the shape of the decay: does it leave the peak slowly (a flat top) or "
                               "steeply, and is it a straight line?"],
                        why="it falls steeply right after the warmup and flattens towards the end: a power curve "
                            "(power=2 here), which then stays at lr_end. cosine leaves the peak slowly and "
                            "climbs back past T, linear is straight, inverse_sqrt never gets near 0.")


RESTARTS = {"num_warmup_steps": 100, "num_training_steps": 1000, "num_cycles": 3}


def last_restart(answer) -> Feedback:
    """The last step at which cosine_with_restarts jumps back to the peak."""
    curve = lr_curve("cosine_with_restarts", RESTARTS["num_training_steps"], lr=1.0, **RESTARTS)
    jumps = [step for step in restart_steps(curve) if step > RESTARTS["num_warmup_steps"]]
    return check_number(answer, jumps[-1], what="last_restart_step",
                        hints=["The restarts share the decay phase only: from the end of the warmup to "
                               "num_training_steps. How many steps is that?",
                               "Each cycle is (T − W) / num_cycles steps long; the last restart starts the last "
                               "cycle, counted from the end of the warmup."],
                        why="the 900 decay steps make 3 cycles of 300; they start at steps 100, 400 and 700, so "
                            "the lr jumps back to the peak at 400 and, last, at 700.")


FIRST_STEP_CALLS = (("linear", 100), ("linear", 0), ("constant", 100))  # (name, num_warmup_steps), lr 1e-3, T 1000
FIRST_STEP_OPTIONS = {"A": (0.0, 0.0, 0.0), "B": (0.0, 1e-3, 0.0), "C": (0.0, 1e-3, 1e-3), "D": (1e-5, 1e-3, 1e-3)}


def _first_lr(name: str, num_warmup_steps: int) -> float:
    """The lr of the first optimizer step under transformers' own scheduler (optimizer lr 1e-3, T 1000)."""
    import transformers

    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=num_warmup_steps,
                                           num_training_steps=1000)
    return float(trace(scheduler, 1)[0, 0])


def first_step(answer) -> Feedback:
    """The first optimizer step's lr under linear (W=100), linear (W=0) and constant (W=100)."""
    if unanswered(answer):
        return not_yet(f"set first_steps to one of {', '.join(map(repr, LETTERS))}")
    firsts = tuple(_first_lr(name, warmup) for name, warmup in FIRST_STEP_CALLS)
    expected = next(letter for letter, option in FIRST_STEP_OPTIONS.items() if np.allclose(option, firsts))
    return check_choice(answer, expected, what="first_steps", choices=LETTERS,
                        hints=["A scheduler applies its multiplier f(0) as soon as it is created, before the "
                               "first optimizer step. During a warmup, f(s) = s / W: what is it at s = 0?",
                               "Does constant have a warmup phase at all, whatever you pass it?"],
                        why="(a) f(0) = 0 / W = 0, so the first step leaves the weights where they are; (b) with "
                            "num_warmup_steps=0 there is no warmup and the decay starts at the peak; (c) "
                            "transformers' constant drops num_warmup_steps without a word and starts at the "
                            "peak too (constant_with_warmup is the one that warms up).")


FLOOR = {"group_lrs": (2e-5, 1e-4), "lr": 1e-4, "min_lr_rate": 0.1, "num_warmup_steps": 100,
         "num_training_steps": 1000}


def body_floor(answer) -> Feedback:
    """The body's lr at step T under cosine_with_min_lr(min_lr_rate=0.1), constructor lr = the head's."""
    if unanswered(answer):
        return not_yet("set body_final_lr to your answer (a number)")
    import transformers

    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in FLOOR["group_lrs"]]
    optimizer = torch.optim.AdamW(groups, lr=FLOOR["lr"])
    scheduler = transformers.get_scheduler(
        "cosine_with_min_lr", optimizer, num_warmup_steps=FLOOR["num_warmup_steps"],
        num_training_steps=FLOOR["num_training_steps"], scheduler_specific_kwargs={"min_lr_rate": FLOOR["min_lr_rate"]})
    expected = trace(scheduler, FLOOR["num_training_steps"] + 1)[FLOOR["num_training_steps"], 0]
    return check_number(answer, expected, what="body_final_lr", rel_tol=1e-6,
                        hints=["min_lr_rate is a fraction, not a learning rate. A fraction of which lr: the "
                               "constructor's lr=, or something else?",
                               "The one ratio multiplies every group's own starting lr."],
                        why="min_lr_rate is used as it is, as the ratio r, and every group ends at r times its own "
                            "lr: the body at 0.1 × 2e-5 = 2e-6, the head at 1e-5. Only min_lr, a learning rate, "
                            "is divided by optimizer.defaults['lr'].")


LOOP = {"num_examples": 2000, "batch_size": 24, "epochs": 5, "grad_accum_steps": 4}


def loop_steps(answer) -> Feedback:
    """Optimizer steps of a 5-epoch loop: 2000 examples, batches of 24 with drop_last, accumulation over 4."""
    expected = training_steps(epochs=LOOP["epochs"], num_examples=LOOP["num_examples"],
                              batch_size=LOOP["batch_size"], grad_accum_steps=LOOP["grad_accum_steps"],
                              drop_last=True)
    return check_number(answer, expected, what="optimizer_steps",
                        hints=["Start with len(loader): with drop_last=True only full batches of 24 count.",
                               "The \"or i + 1 == len(loader)\" makes the last, shorter accumulation window of each "
                               "epoch step too: round the windows per epoch up."],
                        why="drop_last leaves 83 full batches an epoch; windows of 4 make 20 full ones plus a "
                            "last window of 3 batches that also steps, so 21 optimizer steps an epoch, 105 in 5.")


TRAINER = {"num_examples": 1000, "per_device_train_batch_size": 16, "gradient_accumulation_steps": 4,
           "num_train_epochs": 3, "warmup_steps": 0.1}


def trainer_warmup(answer) -> Feedback:
    """The num_warmup_steps the Trainer passes to get_scheduler for the TRAINER plan."""
    expected = trainer_steps(**TRAINER).num_warmup_steps
    return check_number(answer, expected, what="trainer_warmup_steps",
                        hints=["warmup_steps=0.1 is below 1, so it is a ratio of the Trainer's step count T. "
                               "Find T first: batches per epoch, then optimizer steps per epoch.",
                               "An epoch makes ⌈batches / gradient_accumulation_steps⌉ optimizer steps; the Trainer "
                               "rounds ratio × T up."],
                        why="63 batches an epoch make ⌈63/4⌉ = 16 optimizer steps, so T = 48; a ratio below 1 "
                            "is rounded up, ⌈4.8⌉ = 5 warmup steps.")


ACCELERATE = {"num_processes": 4, "batches_per_process": 16, "epochs": 3}


def prepared_count(answer) -> Feedback:
    """The num_training_steps a scheduler prepared by accelerate on 4 processes needs so that its 48 optimizer
    steps run at the lrs of a one-process loop of 48 steps given 48 (linear, no warmup)."""
    processes, epochs = ACCELERATE["num_processes"], ACCELERATE["epochs"]
    optimizer_steps = epochs * ACCELERATE["batches_per_process"]
    expected = training_steps(epochs=epochs, num_batches=ACCELERATE["batches_per_process"], world_size=processes,
                              prepared_by_accelerate=True)
    return check_number(answer, expected, what="prepared_num_training_steps",
                        hints=["How many times does accelerate step a prepared scheduler at each optimizer step?",
                               "The schedule must be used up exactly when the run ends: count the scheduler's "
                               "steps over the whole run, not the optimizer's."],
                        why=f"in every process, accelerate steps the prepared scheduler num_processes = {processes} "
                            f"times at every optimizer step, so the {optimizer_steps} optimizer steps are {expected} scheduler steps, and optimizer step k "
                            f"runs at the lr of step {processes}(k − 1) of {expected}, the same fraction of the way "
                            f"down as step k − 1 of {optimizer_steps}. Given {optimizer_steps}, the schedule would "
                            f"be used up after {optimizer_steps // processes} optimizer steps and the other "
                            f"{optimizer_steps - optimizer_steps // processes} would run at lr 0.")


def buggy_line(answer) -> Feedback:
    """The line of the accumulation loop that breaks the schedule."""
    return check_choice(answer, 9, what="bug_line", choices=range(1, 10),
                        hints=["The step count on line 1 is right for this loop. Which line runs more often than "
                               "optimizer.step()?",
                               "Look at the indentation of each .step() call."],
                        why="line 9 sits outside the \"if\", so the scheduler steps on every batch, ACCUM times per "
                            "optimizer step: the schedule ends after 1/ACCUM of the run. Indent it under the "
                            "\"if\", next to optimizer.step().")


RESUME = {"lr": 1e-3, "num_warmup_steps": 100, "num_training_steps": 1000, "saved_at": 600, "more_steps": 50}


def _resumed_lr() -> tuple[float, float]:
    """(lr after RESUME["more_steps"] steps of the question-10 resume, lr the uninterrupted run has there)."""
    import transformers

    def build(optimizer):
        return transformers.get_scheduler("cosine", optimizer, num_warmup_steps=RESUME["num_warmup_steps"],
                                          num_training_steps=RESUME["num_training_steps"])

    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=RESUME["lr"])
    scheduler = build(optimizer)
    for _ in range(RESUME["saved_at"]):
        optimizer.step()
        scheduler.step()
    saved = optimizer.state_dict()  # model and optimizer only: the scheduler's state is not saved
    for _ in range(RESUME["more_steps"]):
        optimizer.step()
        scheduler.step()
    planned = optimizer.param_groups[0]["lr"]
    resumed = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=RESUME["lr"])
    resumed.load_state_dict(saved)
    scheduler = build(resumed)  # as in the listing: rebuilt after the optimizer's state is loaded
    for _ in range(RESUME["more_steps"]):
        resumed.step()
        scheduler.step()
    return resumed.param_groups[0]["lr"], planned


def resume_without_scheduler(answer) -> Feedback:
    """optimizer.param_groups[0]["lr"] after 50 scheduler.step() calls of a resume that rebuilt the scheduler
    but loaded no scheduler state."""
    if unanswered(answer):
        return not_yet("set lr_after_resume to your answer (a number)")
    expected, planned = _resumed_lr()
    return check_number(answer, expected, what="lr_after_resume", rel_tol=1e-6,
                        hints=["The checkpoint holds the model and the optimizer. Where does a scheduler keep the "
                               "number of steps it has taken, and was that saved?",
                               "The rebuilt scheduler counts from step 0 again. Where is step 50 of a 100-step "
                               "warmup?"],
                        why="the new scheduler starts at step 0, so the trained model goes through the warmup "
                            f"again: 50 steps later the lr is at 50/100 of the peak, {expected * 1e4:.1f}e-4, "
                            f"where the uninterrupted run is at {planned * 1e4:.1f}e-4 and falling. Save and load "
                            "scheduler.state_dict() too.")


WSD = {"lr": 1e-3, "num_warmup_steps": 100, "num_training_steps": 2000, "num_decay_steps": 400}
WSD_STEPS = (1000, 1800, 2500)
WSD_OPTIONS = {"A": (1e-3, 1e-3, 0.0), "B": (1e-3, 5e-4, 0.0), "C": (1e-3, 5e-4, 8.5e-4),
               "D": (5.4e-4, 2.7e-5, 1.6e-4)}


def wsd_phases(answer) -> Feedback:
    """The lr of warmup_stable_decay (W=100, T=2000, 400 decay steps) at steps 1000, 1800 and 2500."""
    curve = lr_curve("warmup_stable_decay", max(WSD_STEPS) + 1, **WSD)
    at_steps = tuple(curve[step] for step in WSD_STEPS)
    expected = next(letter for letter, option in WSD_OPTIONS.items()
                    if np.allclose(option, at_steps, rtol=1e-9, atol=1e-12))
    return check_choice(answer, expected, what="wsd_lrs", choices=LETTERS,
                        hints=["With num_training_steps given, the stable phase lasts T − W − D steps. At which "
                               "step does the decay start?",
                               "Step 1800 is how far into the 400 decay steps? And what does WSD return once its "
                               "three phases are over: does its cosine go on, as plain cosine does?"],
                        why="the decay takes the last 400 steps, 1600 to 2000: at 1000 the lr is still at the "
                            "peak, at 1800 it is halfway down its half-cosine, 5e-4, and past the end WSD stays at "
                            "min_lr_ratio (0) instead of climbing back. D is plain cosine with the same W and T.")


PLATEAU = {"lr": 1e-3, "factor": 0.5, "patience": 2}
VAL_LOSSES = (1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.95)


def plateau_lr(answer) -> Feedback:
    """The lr after reduce_lr_on_plateau (factor 0.5, patience 2) has been stepped with VAL_LOSSES."""
    if unanswered(answer):
        return not_yet("set lr_after_plateau to your answer (a number)")
    import transformers

    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=PLATEAU["lr"])
    scheduler = transformers.get_scheduler("reduce_lr_on_plateau", optimizer, scheduler_specific_kwargs={
        "factor": PLATEAU["factor"], "patience": PLATEAU["patience"]})
    for val_loss in VAL_LOSSES:
        scheduler.step(val_loss)
    return check_number(answer, optimizer.param_groups[0]["lr"], what="lr_after_plateau", rel_tol=1e-6,
                        hints=["An epoch is bad when its loss does not beat the best so far, here 0.9, even if "
                               "it beats the epoch before. The cut comes with the (patience + 1)-th bad epoch in "
                               "a row.",
                               "After a cut the count of bad epochs starts again from 0. Count from the epoch "
                               "after 0.9: how many times does the count pass 2?"],
                        why="0.95, 0.92 and 0.91 are three bad epochs in a row (none beats 0.9), so the fifth "
                            "step halves the lr to 5e-4 and the count restarts; 0.93, 0.94 and 0.95 are three "
                            "more, and the lr halves again. The losses decide, not a step count: the call needs "
                            "no num_training_steps.")
