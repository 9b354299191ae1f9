"""See the schedule a run will train with, before it runs: ``preview_run``.

Give it what you have in hand — a transformers ``Trainer``, ``TrainingArguments`` with the dataset
size, or the plan of a hand-written or accelerate loop — and it returns the number of optimizer
steps and how it was counted, the warmup, the lr of every optimizer step for every param group, and
flags for the pitfalls this collection teaches. It reads attributes only: it trains nothing, and
leaves the trainer, its optimizer and the model as they were. transformers is not imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import torch

from .lookahead import trace
from .scheduler import lr_curve
from .schedules import LR, SCHEDULES
from .steps import trainer_steps, training_steps
from .validate import check_step_count, curve_schedule_for

LAUNCHERS = ("torch", "accelerate")


@dataclass(frozen=True)
class Flag:
    """A pitfall seen in the plan: ``pitfall`` names it, ``message`` says what will happen and the fix."""

    pitfall: str
    message: str


@dataclass(frozen=True)
class RunPreview:
    """The schedule a run will train with.

    ``lrs[k, g]`` is the lr param group ``g`` uses at the run's ``k+1``-th optimizer step (in one
    process); ``num_training_steps`` is what the scheduler is built with, ``num_optimizer_steps``
    how many optimizer steps the loop takes, ``scheduler_steps_per_optimizer_step`` how far the
    scheduler moves at each (``num_processes`` for a scheduler prepared by accelerate).
    """

    name: str
    num_training_steps: int
    num_warmup_steps: int
    num_optimizer_steps: int
    scheduler_steps_per_optimizer_step: int
    derivation: tuple[str, ...]
    group_lrs: tuple[float, ...]
    lrs: np.ndarray
    flags: tuple[Flag, ...]

    def __str__(self) -> str:
        peak = self.lrs.max(axis=0)
        lines = [f"schedule {self.name!r}: num_training_steps={self.num_training_steps}, "
                 f"num_warmup_steps={self.num_warmup_steps}", *(f"  {line}" for line in self.derivation)]
        for group, lr in enumerate(self.group_lrs):
            lines.append(f"  group {group}: lr {lr:.3g}, first {self.lrs[0, group]:.3g}, peak {peak[group]:.3g}, "
                         f"last {self.lrs[-1, group]:.3g}")
        lines += [f"⚠ {flag.pitfall}: {flag.message}" for flag in self.flags] or ["no pitfall found"]
        return "\n".join(lines)

    def plot(self, ax: Any = None, *, log_y: bool = False) -> Any:
        """Every group's lr against the optimizer step, warmup shaded, peak and end marked."""
        from .plot import plot_curves

        curves = {f"group {g} (lr {lr:.3g})": self.lrs[:, g] for g, lr in enumerate(self.group_lrs)}
        return plot_curves(curves, ax=ax, log_y=log_y, num_warmup_steps=self.num_warmup_steps,
                           title=f"{self.name}: {self.num_optimizer_steps} optimizer steps, "
                                 f"warmup {self.num_warmup_steps}")


def _whole_dataset_len(dataset: Any) -> int:
    try:
        return len(dataset)
    except TypeError as error:
        raise ValueError("the training dataset has no len(): give TrainingArguments(max_steps=...) so the "
                         "number of steps is known before training.") from error


def _group_lrs(optimizer: Any, default_lr: float) -> tuple[tuple[float, ...], float]:
    """The initial lr of every param group, and the optimizer's default lr (lr_end/min_lr are relative to it)."""
    if optimizer is None:
        return (float(default_lr),), float(default_lr)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
    lrs = tuple(float(group.get("initial_lr", group["lr"])) for group in optimizer.param_groups)
    default = optimizer.defaults.get("lr")
    return lrs, float(default if default is not None else lrs[0])


def _scheduler_kwargs(kwargs: Any) -> dict[str, Any]:
    if not kwargs:
        return {}
    if isinstance(kwargs, str):
        return json.loads(kwargs)
    if not isinstance(kwargs, Mapping):
        raise TypeError(f"lr_scheduler_kwargs must be a dict or a JSON string, got {type(kwargs).__name__}.")
    return dict(kwargs)


def _absolute_floor_params(name: str) -> tuple[str, ...]:
    """The schedule's parameters that are absolute lrs, divided by optimizer.defaults['lr']."""
    return tuple(param.name for param in SCHEDULES[name].params if LR in (param.domain.low, param.domain.high))


def _climbs_back(name: str, num_training_steps: int, num_warmup_steps: int, kwargs: dict[str, Any]) -> bool:
    curve = lr_curve(name, 2 * num_training_steps + 2, num_warmup_steps=num_warmup_steps,
                     num_training_steps=num_training_steps, **kwargs)
    return bool(curve[num_training_steps + 1:].max() > curve[num_training_steps] + 1e-12)


def _flags(name, group_lrs, default_lr, kwargs, *, num_training_steps, num_warmup_steps, per_process_steps,
           prepared_processes) -> list[Flag]:
    flags = []
    schedule = SCHEDULES[name]
    inner_steps = per_process_steps * prepared_processes
    if schedule.warmup == "ignored" and num_warmup_steps > 0:
        flags.append(Flag("warmup ignored", f"{name!r} ignores num_warmup_steps={num_warmup_steps}: the run starts "
                                            "at the peak lr. Use 'constant_with_warmup' to warm up."))
    floors = [p for p in _absolute_floor_params(name) if kwargs.get(p, schedule.param(p).default) not in (None, 0)]
    others = [g for g, lr in enumerate(group_lrs) if lr != default_lr]
    for param in floors if others else ():
        value = kwargs.get(param, schedule.param(param).default)
        ends = ", ".join(f"group {g} ends at {group_lrs[g] * value / default_lr:.3g}" for g in others)
        flags.append(Flag("absolute floor", f"{param}={value:g} is an absolute lr, divided by "
                                            f"optimizer.defaults['lr']={default_lr:g}: only groups at that lr end "
                                            f"at {value:g}; {ends}. For the same floor in every group, build one "
                                            "LambdaLR with one lambda per group (two schedulers on one optimizer "
                                            "overwrite each other); for a floor that is a share of each group's "
                                            "lr, use a ratio (min_lr_rate) where the schedule takes one."))
    if prepared_processes > 1 and num_training_steps == per_process_steps:
        flags.append(Flag("counted per process", f"the scheduler is prepared by accelerate, which steps it "
                                                 f"{prepared_processes} times per optimizer step: "
                                                 f"num_training_steps={num_training_steps}, counted per process, "
                                                 f"ends the schedule {prepared_processes} times too early. Pass "
                                                 f"{per_process_steps * prepared_processes}."))
    elif schedule.training != "ignored" and inner_steps != num_training_steps:
        share = inner_steps / num_training_steps
        if inner_steps > num_training_steps:
            what = f"the schedule ends after {1 / share:.0%} of the run"
            if _climbs_back(name, num_training_steps, num_warmup_steps, kwargs):
                what += ", and past its end the lr climbs back up"
        else:
            what = f"the run stops at {share:.0%} of the schedule, before its decay ends"
        flags.append(Flag("step count mismatch", f"num_training_steps={num_training_steps}, but the loop moves the "
                                                 f"scheduler {inner_steps} times: {what}. Pass "
                                                 f"num_training_steps={inner_steps}."))
    return flags


def _preview(name, *, group_lrs, default_lr, kwargs, num_training_steps, num_warmup_steps, num_optimizer_steps,
             derivation, stride=1) -> RunPreview:
    schedule = curve_schedule_for(name)
    inner_steps = num_optimizer_steps * stride
    curve = lr_curve(schedule.name, inner_steps, lr=default_lr,
                     num_warmup_steps=None if schedule.warmup == "ignored" else num_warmup_steps,
                     num_training_steps=num_training_steps, **kwargs)[::stride]
    rows = np.stack([curve if lr == default_lr else curve / default_lr * lr for lr in group_lrs], axis=1)
    flags = _flags(schedule.name, group_lrs, default_lr, kwargs, num_training_steps=num_training_steps,
                   num_warmup_steps=num_warmup_steps, per_process_steps=num_optimizer_steps,
                   prepared_processes=stride)
    return RunPreview(schedule.name, num_training_steps, num_warmup_steps, num_optimizer_steps, stride,
                      tuple(derivation), group_lrs, rows, tuple(flags))


def _given_scheduler(scheduler: Any, group_lrs: tuple[float, ...], num_training_steps: int,
                     derivation: list[str]) -> RunPreview:
    """A Trainer given its own scheduler uses it as it is: look ahead at it (lr_scheduler_type and warmup unused)."""
    name = type(scheduler).__name__
    derivation.append(f"the Trainer steps the scheduler you gave it ({name}): lr_scheduler_type and warmup_steps "
                      "are not used; its lrs are looked ahead with lrlib.trace")
    return RunPreview(name, num_training_steps, 0, num_training_steps, 1, tuple(derivation), group_lrs,
                      trace(scheduler, num_training_steps), ())


def _trainer_plan(args: Any, num_examples: int | None, optimizer: Any, scheduler: Any) -> RunPreview:
    """What transformers' Trainer computes in ``set_initial_training_values`` and ``create_scheduler``."""
    if num_examples is None and args.max_steps <= 0:
        raise ValueError("num_examples is needed with TrainingArguments: pass the training dataset's size "
                         "(len(train_dataset)), or preview the Trainer itself.")
    batch, accumulation, processes = args.train_batch_size, args.gradient_accumulation_steps, args.world_size
    steps = trainer_steps(num_examples=num_examples, per_device_train_batch_size=batch,
                          num_train_epochs=args.num_train_epochs, gradient_accumulation_steps=accumulation,
                          dataloader_drop_last=args.dataloader_drop_last, max_steps=args.max_steps,
                          warmup_steps=args.warmup_steps, world_size=processes)
    if args.max_steps > 0:
        derivation = [f"max_steps={steps.num_training_steps} sets the step count (num_train_epochs is not used)"]
    else:
        count = dict(num_examples=num_examples, batch_size=batch, world_size=processes, drop_last=args.dataloader_drop_last)
        batches = training_steps(epochs=1, **count)
        updates = training_steps(epochs=1, grad_accum_steps=accumulation, **count)
        derivation = [
            f"{num_examples} examples / (batch {batch} x {processes} process(es)), "
            f"{'floor' if args.dataloader_drop_last else 'ceil'}: {batches} batches per epoch per process",
            f"ceil({batches} / gradient_accumulation_steps {accumulation}) = {updates} optimizer steps per epoch",
            f"ceil({args.num_train_epochs:g} epochs x {updates}) = {steps.num_training_steps} optimizer steps",
        ]
    if args.warmup_steps >= 1:
        derivation.append(f"warmup_steps={steps.num_warmup_steps} steps")
    else:
        derivation.append(f"warmup_steps={args.warmup_steps:g} < 1 is a ratio: ceil({steps.num_training_steps} x "
                          f"{args.warmup_steps:g}) = {steps.num_warmup_steps} steps")
    group_lrs, default_lr = _group_lrs(optimizer, args.learning_rate)
    if scheduler is not None:
        return _given_scheduler(scheduler, group_lrs, steps.num_training_steps, derivation[:-1])
    return _preview(args.lr_scheduler_type, group_lrs=group_lrs, default_lr=default_lr,
                    kwargs=_scheduler_kwargs(args.lr_scheduler_kwargs), num_training_steps=steps.num_training_steps,
                    num_warmup_steps=steps.num_warmup_steps, num_optimizer_steps=steps.num_training_steps,
                    derivation=derivation)


def _loop_plan(name: Any, *, lr: float | None = None, optimizer: Any = None, epochs: int, num_batches: int | None = None,
               num_examples: int | None = None, batch_size: int | None = None, grad_accum_steps: int = 1,
               world_size: int = 1, drop_last: bool = False, num_warmup_steps: int = 0,
               num_training_steps: int | None = None, launcher: str = "torch", split_batches: bool = False,
               **scheduler_specific_kwargs: Any) -> RunPreview:
    if launcher not in LAUNCHERS:
        raise ValueError(f"launcher must be one of {LAUNCHERS}: 'accelerate' when the scheduler goes through "
                         f"accelerator.prepare, 'torch' otherwise; got {launcher!r}.")
    if (lr is None) == (optimizer is None):
        raise ValueError("Give the peak lr as lr=..., or the optimizer (for several param groups), not both.")
    if not isinstance(split_batches, bool):
        raise TypeError(f"split_batches must be True or False, got {split_batches!r}.")
    world_size = check_step_count("world_size", world_size, minimum=1)
    per_process = training_steps(epochs=epochs, num_batches=num_batches, num_examples=num_examples,
                                 batch_size=batch_size, grad_accum_steps=grad_accum_steps,
                                 world_size=world_size if num_batches is None else 1, drop_last=drop_last)
    stride = world_size if launcher == "accelerate" and not split_batches else 1
    derivation = [f"{per_process} optimizer steps per process ({epochs} epochs)"]
    if stride > 1:
        derivation.append(f"accelerate steps the prepared scheduler {stride} times per optimizer step: "
                          f"{per_process * stride} scheduler steps")
    if num_training_steps is None:
        num_training_steps = per_process * stride
        derivation.append(f"num_training_steps = {num_training_steps}, the scheduler steps the loop takes")
    else:
        num_training_steps = check_step_count("num_training_steps", num_training_steps, minimum=1)
        derivation.append(f"num_training_steps = {num_training_steps}, as given")
    group_lrs, default_lr = _group_lrs(optimizer, lr if lr is not None else 0.0)
    return _preview(name, group_lrs=group_lrs, default_lr=default_lr, kwargs=scheduler_specific_kwargs,
                    num_training_steps=num_training_steps,
                    num_warmup_steps=check_step_count("num_warmup_steps", num_warmup_steps),
                    num_optimizer_steps=per_process, derivation=derivation, stride=stride)


def preview_run(source: Any, /, **plan: Any) -> RunPreview:
    """The schedule a run will train with, computed before it runs, without touching it.

    ``source`` is one of

    - a transformers ``Trainer``: its arguments, training dataset and (if you gave one) optimizer
      and scheduler;
    - ``TrainingArguments``, with ``num_examples=len(train_dataset)`` and optionally ``optimizer=``;
    - a schedule name, for a hand-written or accelerate loop: ``lr=`` (or ``optimizer=``),
      ``epochs=``, ``num_batches=len(train_loader)`` or ``num_examples=`` with ``batch_size=``,
      ``grad_accum_steps``, ``world_size``, ``drop_last``, ``num_warmup_steps``,
      ``num_training_steps`` (what you will pass; the right count when omitted),
      ``launcher='accelerate'`` when the scheduler goes through ``accelerator.prepare``
      (it then moves ``world_size`` steps per optimizer step unless ``split_batches=True``), and
      the schedule's own arguments.

    The source article's plan, 1235 examples in batches of 32 for 50 epochs, warmed up over 100:

    >>> run = preview_run("cosine", lr=1e-3, epochs=50, num_examples=1235, batch_size=32, num_warmup_steps=100)
    >>> run.num_training_steps, run.lrs.shape, run.flags
    (1950, (1950, 1), ())
    >>> preview_run("cosine", lr=1e-3, epochs=50, num_batches=39, num_training_steps=100).flags[0].pitfall
    'step count mismatch'
    """
    if hasattr(source, "args") and hasattr(source, "train_dataset"):
        if plan:
            raise TypeError(f"preview_run(trainer) takes no other arguments, got {sorted(plan)}: the Trainer holds the plan.")
        scheduler = getattr(source, "lr_scheduler", None)
        num_examples = None if source.args.max_steps > 0 else _whole_dataset_len(source.train_dataset)
        return _trainer_plan(source.args, num_examples, getattr(source, "optimizer", None), scheduler)
    if hasattr(source, "lr_scheduler_type") and hasattr(source, "per_device_train_batch_size"):
        unknown = set(plan) - {"num_examples", "optimizer"}
        if unknown:
            raise TypeError(f"preview_run(training_args, ...) takes num_examples= and optimizer=, got {sorted(unknown)}.")
        return _trainer_plan(source, plan.get("num_examples"), plan.get("optimizer"), None)
    if isinstance(source, str):
        return _loop_plan(source, **plan)
    raise TypeError(f"preview_run takes a Trainer, TrainingArguments or a schedule name, got {type(source).__name__}.")
