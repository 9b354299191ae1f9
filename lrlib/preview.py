"""See the schedule a run will train with, before it runs: ``preview_run``.

Give it what you have in hand — a transformers ``Trainer`` (and the checkpoint it will resume from),
``TrainingArguments`` with the dataset size, or the plan of a hand-written or accelerate loop — and
it returns the number of optimizer steps and how it was counted, the warmup, the lr of every
optimizer step for every param group, and flags for the pitfalls this collection teaches.

A ``Trainer`` is previewed by running the Trainer's own code on a stand-in, as ``train()`` runs it:
a shallow copy of the trainer (what transformers itself does to build a scheduler for DeepSpeed, in
``integrations/deepspeed.py``) whose model is a copy with one-element parameters of the same names,
shapes, dtypes and devices, and whose optimizer and scheduler are copies without the optimizer's
state. On it ``get_train_dataloader``, ``set_initial_training_values``, ``create_optimizer`` and
``create_scheduler`` run, overrides in a subclass included, and the scheduler is stepped as often
as the training loop will step it (from a checkpoint's saved state for a resumed run). The trainer,
its model, optimizer, scheduler and accelerator, and the random number generators, are left as they
were. What cannot be known before training (an eval metric, steps that fp16 skips, a batch size that
``auto_find_batch_size`` halves) is refused or flagged, never guessed.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import json
import os
import random
import types
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import torch

from .tracing import metric_driven, torch_order_warnings_silenced, trace
from .scheduler import lr_curve
from .domains import LR
from .registry import SCHEDULES
from .steps import StepPlan
from .validate import (
    ScheduleWarning, check_flag, check_kwargs, check_step_count, curve_schedule_for, resolve, schedule_kwargs,
)

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
    ``start_step`` is the optimizer step the run starts after: the checkpoint's ``global_step`` for
    a resumed run, 0 otherwise.
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
    start_step: int = 0

    def __str__(self) -> str:
        lines = [f"schedule {self.name!r}: num_training_steps={self.num_training_steps}, "
                 f"num_warmup_steps={self.num_warmup_steps}", *(f"  {line}" for line in self.derivation)]
        if len(self.lrs):
            peak = self.lrs.max(axis=0)
            for group, lr in enumerate(self.group_lrs):
                lines.append(f"  group {group}: lr {lr:.3g}, first {self.lrs[0, group]:.3g}, peak {peak[group]:.3g}, "
                             f"last {self.lrs[-1, group]:.3g}")
        else:
            lines.append("  no optimizer step")
        lines += [f"⚠ {flag.pitfall}: {flag.message}" for flag in self.flags] or ["no pitfall found"]
        return "\n".join(lines)

    def plot(self, ax: Any = None, *, log_y: bool = False) -> Any:
        """Every group's lr against the optimizer step, warmup shaded, peak and end marked."""
        from .plot import plot_curves

        curves = {f"group {g} (lr {lr:.3g})": self.lrs[:, g] for g, lr in enumerate(self.group_lrs)}
        resumed = f", resumed after step {self.start_step}" if self.start_step else ""
        return plot_curves(curves, ax=ax, log_y=log_y, num_warmup_steps=max(0, self.num_warmup_steps - self.start_step),
                           title=f"{self.name}: {self.num_optimizer_steps} optimizer steps{resumed}, "
                                 f"warmup {self.num_warmup_steps}")


# ---------------------------------------------------------------- plans: TrainingArguments, or a loop


def _group_lrs(optimizer: Any, default_lr: float) -> tuple[tuple[float, ...], float]:
    """The initial lr of every param group, and the optimizer's default lr (lr_end/min_lr are relative to it)."""
    if optimizer is None:
        return (float(default_lr),), float(default_lr)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
    lrs = tuple(float(group.get("initial_lr", group["lr"])) for group in optimizer.param_groups)
    default = optimizer.defaults.get("lr")
    return lrs, float(default if default is not None else lrs[0])


def _scheduler_kwargs(kwargs: Any, argument: str = "lr_scheduler_kwargs") -> dict[str, Any]:
    """TrainingArguments' lr_scheduler_kwargs: a mapping, or the JSON string TrainingArguments parses."""
    if isinstance(kwargs, str):
        if not kwargs.strip():
            return {}
        try:
            kwargs = json.loads(kwargs)
        except json.JSONDecodeError as error:
            raise ValueError(f"{argument}={kwargs!r} is a string but not JSON: pass a dict such as "
                             "{'num_cycles': 2}.") from error
    return check_kwargs(argument, kwargs)


def _absolute_floor_params(name: str) -> tuple[str, ...]:
    """The schedule's parameters that are absolute lrs, divided by optimizer.defaults['lr']."""
    return tuple(param.name for param in SCHEDULES[name].params if LR in (param.domain.low, param.domain.high))


def _climbs_back(name: str, num_training_steps: int, num_warmup_steps: int, kwargs: dict[str, Any]) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScheduleWarning)
        curve = lr_curve(name, 2 * num_training_steps + 2, lr=1.0, num_warmup_steps=num_warmup_steps,
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
        flags.append(Flag("absolute floor", f"{param}={value:g} is given as a learning rate, divided "
                                            f"by optimizer.defaults['lr']={default_lr:g}, and applied as a ratio "
                                            f"to every group: only groups at that lr end "
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


def _checked(name: Any, *, lr: float, num_warmup_steps: int, num_training_steps: int,
             kwargs: dict[str, Any]) -> tuple[Any, list[Flag]]:
    """lrlib's checks of a schedule call (a refusal names the argument); its warnings become flags."""
    schedule = curve_schedule_for(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScheduleWarning)
        resolve(schedule.name, lr=lr, num_warmup_steps=num_warmup_steps,
                num_training_steps=num_training_steps, scheduler_specific_kwargs=kwargs)
    flags = [Flag(w.message.pitfall, str(w.message)) for w in caught
             if isinstance(w.message, ScheduleWarning) and w.message.pitfall not in ("", "warmup ignored")]
    return schedule, flags


def _preview(name, *, group_lrs, default_lr, kwargs, num_training_steps, num_warmup_steps, num_optimizer_steps,
             derivation, stride=1) -> RunPreview:
    schedule, warned = _checked(name, lr=default_lr, num_warmup_steps=num_warmup_steps,
                                num_training_steps=num_training_steps, kwargs=kwargs)
    inner_steps = num_optimizer_steps * stride
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScheduleWarning)  # flagged below
        curve = lr_curve(schedule.name, inner_steps, lr=default_lr,
                         num_warmup_steps=None if schedule.warmup == "ignored" else num_warmup_steps,
                         num_training_steps=num_training_steps, **kwargs)[::stride]
    rows = np.stack([curve if lr == default_lr else curve / default_lr * lr for lr in group_lrs], axis=1)
    flags = _flags(schedule.name, group_lrs, default_lr, kwargs, num_training_steps=num_training_steps,
                   num_warmup_steps=num_warmup_steps, per_process_steps=num_optimizer_steps,
                   prepared_processes=stride)
    return RunPreview(schedule.name, num_training_steps, num_warmup_steps, num_optimizer_steps, stride,
                      tuple(derivation), group_lrs, rows, tuple(warned + flags))


def _arguments_plan(args: Any, num_examples: int | None, optimizer: Any) -> RunPreview:
    """What transformers' Trainer computes in ``set_initial_training_values`` and ``create_scheduler``,
    from ``TrainingArguments`` and the dataset's size alone."""
    if num_examples is None and args.max_steps <= 0:
        raise ValueError("num_examples is needed with TrainingArguments: pass the training dataset's size "
                         "(len(train_dataset)), or preview the Trainer itself.")
    batch, accumulation, processes = args.train_batch_size, args.gradient_accumulation_steps, args.world_size
    drop_last = check_flag("dataloader_drop_last", args.dataloader_drop_last)
    plan = StepPlan.for_trainer(num_examples=num_examples, per_device_train_batch_size=batch,
                                num_train_epochs=args.num_train_epochs, gradient_accumulation_steps=accumulation,
                                dataloader_drop_last=drop_last, max_steps=args.max_steps,
                                warmup_steps=args.warmup_steps, world_size=processes)
    total = plan.num_training_steps
    if args.max_steps > 0:
        derivation = [f"max_steps={total} sets the step count (num_train_epochs is not used)"]
    else:
        derivation = [_batches_line(num_examples, batch, processes, drop_last, plan.batches),
                      *_epochs_lines(plan.batches, accumulation, plan.updates, args.num_train_epochs, total)]
    derivation.append(_warmup_line(args.warmup_steps, total, plan.num_warmup_steps))
    group_lrs, default_lr = _group_lrs(optimizer, args.learning_rate)
    return _preview(args.lr_scheduler_type, group_lrs=group_lrs, default_lr=default_lr,
                    kwargs=_scheduler_kwargs(args.lr_scheduler_kwargs), num_training_steps=total,
                    num_warmup_steps=plan.num_warmup_steps, num_optimizer_steps=total, derivation=derivation)


def _batches_line(num_examples: int, batch: int, processes: int, drop_last: bool, batches: int) -> str:
    return (f"{num_examples} examples / (batch {batch} x {processes} process(es)), "
            f"{'floor' if drop_last else 'ceil'}: {batches} batches per epoch per process")


def _epochs_lines(batches: int, accumulation: int, updates: int, epochs: float, total: int) -> list[str]:
    return [f"ceil({batches} / gradient_accumulation_steps {accumulation}) = {updates} optimizer steps per epoch",
            f"ceil({epochs:g} epochs x {updates}) = {total} optimizer steps"]


def _warmup_line(warmup_steps: float, total: int, warmup: int) -> str:
    if warmup_steps >= 1:
        return f"warmup_steps={warmup} steps"
    return f"warmup_steps={warmup_steps:g} < 1 is a ratio: ceil({total} x {warmup_steps:g}) = {warmup} steps"


def _loop_plan(name: Any, *, lr: float | None = None, optimizer: Any = None, epochs: int, num_batches: int | None = None,
               num_examples: int | None = None, batch_size: int | None = None, grad_accum_steps: int = 1,
               world_size: int = 1, drop_last: bool = False, num_warmup_steps: int = 0,
               num_training_steps: int | None = None, launcher: str = "torch", split_batches: bool = False,
               scheduler_specific_kwargs: Mapping[str, Any] | None = None, **schedule_arguments: Any) -> RunPreview:
    if launcher not in LAUNCHERS:
        raise ValueError(f"launcher must be one of {LAUNCHERS}: 'accelerate' when the scheduler goes through "
                         f"accelerator.prepare, 'torch' otherwise; got {launcher!r}.")
    if (lr is None) == (optimizer is None):
        raise ValueError("Give the peak lr as lr=..., or the optimizer (for several param groups), not both.")
    split_batches = check_flag("split_batches", split_batches)
    world_size = check_step_count("world_size", world_size, minimum=1)
    prepared = launcher == "accelerate" and not split_batches
    plan = StepPlan.for_loop(epochs=epochs, num_batches=num_batches, num_examples=num_examples, batch_size=batch_size,
                             grad_accum_steps=grad_accum_steps, drop_last=drop_last, prepared_by_accelerate=prepared,
                             world_size=world_size if num_batches is None or prepared else 1)
    per_process, stride = plan.optimizer_steps, plan.scheduler_steps_per_optimizer_step
    derivation = [f"{per_process} optimizer steps per process ({epochs} epochs)"]
    if stride > 1:
        derivation.append(f"accelerate steps the prepared scheduler {stride} times per optimizer step: "
                          f"{plan.num_training_steps} scheduler steps")
    if num_training_steps is None:
        num_training_steps = plan.num_training_steps
        derivation.append(f"num_training_steps = {num_training_steps}, the scheduler steps the loop takes")
    else:
        num_training_steps = check_step_count("num_training_steps", num_training_steps, minimum=1)
        derivation.append(f"num_training_steps = {num_training_steps}, as given")
    group_lrs, default_lr = _group_lrs(optimizer, lr if lr is not None else 0.0)
    kwargs = schedule_kwargs(scheduler_specific_kwargs, schedule_arguments)
    return _preview(name, group_lrs=group_lrs, default_lr=default_lr, kwargs=kwargs,
                    num_training_steps=num_training_steps,
                    num_warmup_steps=check_step_count("num_warmup_steps", num_warmup_steps),
                    num_optimizer_steps=per_process, derivation=derivation, stride=stride)


# ---------------------------------------------------------------- a Trainer: its own code, on a stand-in


def _trainer_class(source: Any) -> type | None:
    """transformers' ``Trainer`` among the classes of ``source``, or None."""
    for klass in type(source).__mro__:
        if klass.__name__ == "Trainer" and klass.__module__ == "transformers.trainer":
            return klass
    return None


def _overrides(trainer: Any, base: type, name: str) -> str | None:
    """The class that overrides ``base.name`` for ``trainer`` (its qualified name), or None."""
    for klass in type(trainer).__mro__:
        if klass is base:
            return None
        if name in vars(klass):
            return klass.__qualname__
    return None


def _stand_in_tensor(tensor: torch.Tensor) -> torch.Tensor:
    """One element, broadcast to the shape of ``tensor``: its dtype, device, shape and requires_grad, not its memory."""
    data = torch.zeros((), dtype=tensor.dtype, device=tensor.device).expand(tensor.shape)
    if isinstance(tensor, torch.nn.Parameter):
        return torch.nn.Parameter(data, requires_grad=tensor.requires_grad)
    return data


def _unwrapped(optimizer: Any) -> Any:
    """The optimizer inside accelerate's ``AcceleratedOptimizer`` (what the Trainer holds after ``train()``)."""
    while type(optimizer).__name__ == "AcceleratedOptimizer" and isinstance(getattr(optimizer, "optimizer", None),
                                                                         torch.optim.Optimizer):
        optimizer = optimizer.optimizer
    return optimizer


_CALLED = ("get_train_dataloader", "set_initial_training_values", "create_optimizer", "create_scheduler")


def _stand_in_trainer(trainer: Any, fresh: bool) -> Any:
    """A shallow copy of ``trainer`` whose model, optimizer, scheduler, accelerator and arguments are its own.

    ``fresh``: train() builds a new optimizer and scheduler (``model_init``), so the copy has none.
    """
    stand_in = copy.copy(trainer)
    for key, value in vars(trainer).items():  # methods replaced on the instance would act on the trainer itself
        if isinstance(value, types.MethodType) and value.__self__ is trainer:
            setattr(stand_in, key, types.MethodType(value.__func__, stand_in))
        elif key in _CALLED and callable(value):
            raise ValueError(f"trainer.{key} was replaced on the instance by a function that may act on the trainer "
                             f"itself: preview_run cannot run it on a copy. Override {key} in a subclass of Trainer "
                             "instead, and preview that.")
    stand_in.args = copy.copy(trainer.args)
    accelerator = getattr(trainer, "accelerator", None)
    if accelerator is not None:
        stand_in.accelerator = copy.copy(accelerator)
        if isinstance(getattr(accelerator, "_dataloaders", None), list):
            stand_in.accelerator._dataloaders = []  # prepare() registers the loader it makes here
    optimizer = None if fresh else _unwrapped(trainer.optimizer)
    scheduler = None if fresh or getattr(trainer, "_created_lr_scheduler", False) else trainer.lr_scheduler
    # optimizer_cls_and_kwargs: create_optimizer pops 'params' from the kwargs, which may hold parameters.
    cls_and_kwargs = getattr(trainer, "optimizer_cls_and_kwargs", None)
    try:
        copied = copy.deepcopy((trainer.model, optimizer, scheduler, cls_and_kwargs),
                               _stand_in_memo(trainer, stand_in, optimizer, scheduler))
    except Exception as error:  # noqa: BLE001 - any failure to copy means: cannot preview without touching it
        raise ValueError(f"preview_run cannot copy this Trainer's model, optimizer or scheduler ({type(error).__name__}: "
                         f"{error}), and it will not build an optimizer or step a scheduler on the originals: this "
                         "Trainer cannot be previewed without changing it.") from error
    stand_in.model, stand_in.optimizer, stand_in.lr_scheduler, stand_in.optimizer_cls_and_kwargs = copied
    stand_in.model_wrapped = stand_in.model
    stand_in._created_lr_scheduler = False
    return stand_in


def _stand_in_memo(trainer: Any, stand_in: Any, optimizer: Any, scheduler: Any) -> dict[int, Any]:
    """A deepcopy memo in which each reference to the trainer, a parameter, a buffer or an optimizer's
    state resolves to its stand-in: nothing of the run is shared, and no tensor of it is copied."""
    memo: dict[int, Any] = {id(trainer): stand_in}
    for tensor in [*trainer.model.parameters(), *trainer.model.buffers()]:
        memo.setdefault(id(tensor), _stand_in_tensor(tensor))
    for held in (optimizer, _unwrapped(getattr(scheduler, "optimizer", None))):
        if isinstance(held, torch.optim.Optimizer):
            memo.setdefault(id(held.state), collections.defaultdict(dict))
            for group in held.param_groups:
                for parameter in group["params"]:
                    memo.setdefault(id(parameter), _stand_in_tensor(parameter))
    return memo


@contextlib.contextmanager
def _random_state_kept():
    """Leave Python's, numpy's and torch's (CPU) random generators as they were: accelerate draws a seed
    from torch's when it prepares a shuffled loader for several processes."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        with torch.random.fork_rng(devices=[]):
            yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def _refuse_the_dataset(trainer: Any) -> None:
    dataset = trainer.train_dataset
    if dataset is None:
        raise ValueError(
            "Trainer: training requires a train_dataset (transformers' words: train() refuses train_dataset=None "
            "in get_train_dataloader, with or without max_steps). Give the Trainer the data it will train on: "
            "Trainer(..., train_dataset=dataset), or trainer.train_dataset = dataset.")
    if isinstance(dataset, (str, bytes, os.PathLike)):
        raise TypeError(
            f"train_dataset={dataset!r} is a {type(dataset).__name__}, not a dataset: train() would batch its "
            f"characters and fail in the data collator. Load the data first, e.g. datasets.load_dataset("
            f"{os.fspath(dataset)!r}, split='train') with the columns your model's forward takes, and pass that.")
    try:
        length = len(dataset)
    except (TypeError, AttributeError):
        return
    if length == 0:
        raise ValueError("train_dataset is empty (len 0): train() refuses it (its sampler needs at least one "
                         "example). Pass the data to train on.")


def _empty_loader(trainer: Any, args: Any) -> ValueError:
    """Why the Trainer's loader has no batch, and what train() then does."""
    what = ("train() stops at step 0 without training (and only logs 'There seems not to be a single sample in your "
            "epoch_iterator')" if args.max_steps > 0 else
            "train() raises 'args.max_steps must be set to a positive value if dataloader does not have a length', "
            "which is not the cause")
    if not args.dataloader_drop_last:
        return ValueError(f"the Trainer's training loader (get_train_dataloader) has no batch, so {what}.")
    size = len(trainer.train_dataset)
    return ValueError(
        f"dataloader_drop_last=True with {size} example(s) over {args.world_size} process(es) and "
        f"per_device_train_batch_size={args.per_device_train_batch_size}: not one full batch, so the training "
        f"loader is empty and {what}. Lower per_device_train_batch_size to {max(1, size // args.world_size)} or "
        "less, or set dataloader_drop_last=False.")


def _steps_taken(start: int, max_steps: int, per_epoch: int, epochs: int, skip_data: bool) -> int:
    """The optimizer steps ``Trainer._inner_training_loop`` takes from global step ``start``: the epochs
    from ``start // per_epoch`` on, the first one skipping its trained updates, until the step count
    reaches ``max_steps`` (checked after each step, so at least one step is taken if any is left)."""
    first_epoch = start // per_epoch
    if first_epoch >= epochs:
        return 0
    available = (epochs - first_epoch) * per_epoch - (start % per_epoch if skip_data else 0)
    return min(available, max(max_steps - start, 1))


def _lrs_of(optimizer: Any) -> list[float]:
    return [float(group["lr"]) for group in _unwrapped(optimizer).param_groups]


def _stepped(optimizer: Any, scheduler: Any, count: int) -> np.ndarray:
    """The lr of every group of ``optimizer`` before each of ``count`` optimizer steps, ``scheduler``
    stepped after each, as ``Trainer._run_epoch`` does."""
    rows = np.empty((count, len(_unwrapped(optimizer).param_groups)), dtype=np.float64)
    with torch_order_warnings_silenced():  # the stand-in optimizer is never stepped
        for step in range(count):
            rows[step] = _lrs_of(optimizer)
            scheduler.step()
    return rows


def _lr_at(scheduler: Any, step: int) -> list[float] | None:
    """The lr ``scheduler`` gives at its step ``step``, from where it is now (a copy is stepped); None when
    that cannot be known (a step it has passed, a scheduler ``trace`` cannot step)."""
    if type(scheduler) is torch.optim.lr_scheduler.LambdaLR:  # LambdaLR.get_lr, without 'step' calls
        return [float(base * function(step)) for function, base in zip(scheduler.lr_lambdas, scheduler.base_lrs)]
    ahead = step - getattr(scheduler, "last_epoch", step + 1)
    try:
        return trace(scheduler, ahead + 1)[-1].tolist() if ahead >= 0 else None
    except (TypeError, ValueError):
        return None


def _checkpoint(trainer: Any, resume_from_checkpoint: Any) -> str | None:
    """The checkpoint folder train(resume_from_checkpoint=...) will read, refused where train() refuses it."""
    if resume_from_checkpoint is None or resume_from_checkpoint is False:
        return None
    if resume_from_checkpoint is True:
        from transformers.trainer_utils import get_last_checkpoint

        output_dir = trainer.args.output_dir
        found = get_last_checkpoint(output_dir) if os.path.isdir(output_dir) else None
        if found is None:
            raise ValueError(f"No valid checkpoint found in output directory ({output_dir}): with "
                             "resume_from_checkpoint=True, train() looks for the newest checkpoint-N there, and "
                             "refuses the same way. Give the checkpoint's path.")
        return found
    if not isinstance(resume_from_checkpoint, (str, os.PathLike)):
        raise TypeError(f"resume_from_checkpoint must be a checkpoint's path, or True for the newest in output_dir; "
                        f"got {resume_from_checkpoint!r} ({type(resume_from_checkpoint).__name__}).")
    path = os.fspath(resume_from_checkpoint)
    weights = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json",
               "adapter_model.safetensors", "adapter_model.bin")
    if not os.path.isdir(path) or not any(os.path.isfile(os.path.join(path, name)) for name in weights):
        raise ValueError(f"resume_from_checkpoint={path!r} is not a checkpoint folder with model weights: train() "
                         "refuses it (\"Can't find a valid checkpoint\"). Give a checkpoint-N folder the Trainer "
                         "saved, or True for the newest in output_dir.")
    if not os.path.isfile(os.path.join(path, "trainer_state.json")):
        raise ValueError(f"resume_from_checkpoint={path!r} has no trainer_state.json, which train() reads to know "
                         "where to resume: it is not a checkpoint the Trainer saved.")
    return path


def _load(path: str) -> Any:
    """A torch file saved by the Trainer; memory-mapped, so an optimizer's state is not read into memory."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except RuntimeError:  # not in torch's zip format: mmap is not possible
        return torch.load(path, map_location="cpu", weights_only=True)


def _trainer_scheduler_kwargs(args: Any) -> dict[str, Any]:
    kwargs = args.lr_scheduler_kwargs
    if isinstance(kwargs, str):
        raise TypeError(f"lr_scheduler_kwargs={kwargs!r} is a string set after TrainingArguments was created: "
                        "get_scheduler receives it as it is and fails ('argument after ** must be a mapping'). "
                        "Set a dict, such as {'num_cycles': 2}.")
    return check_kwargs("lr_scheduler_kwargs", kwargs)


def _trainer_run(trainer: Any, base: type, resume_from_checkpoint: Any) -> RunPreview:
    """``train(resume_from_checkpoint)``, as far as the learning rates go, on a stand-in of ``trainer``."""
    if getattr(trainer, "is_deepspeed_enabled", False):
        raise ValueError("This Trainer uses DeepSpeed, whose config may define the optimizer and scheduler "
                         "(deepspeed_init builds them): preview_run cannot preview it exactly.")
    _refuse_the_dataset(trainer)
    checkpoint = _checkpoint(trainer, resume_from_checkpoint)
    args, flags, derivation = trainer.args, [], []
    fresh = getattr(trainer, "model_init", None) is not None
    with _random_state_kept():
        stand_in = _stand_in_trainer(trainer, fresh)
        saved = None
        if checkpoint is not None:
            from transformers.trainer_callback import TrainerState

            saved = TrainerState.load_from_json(os.path.join(checkpoint, "trainer_state.json"))
            if saved.train_batch_size is not None and args.auto_find_batch_size:
                stand_in._train_batch_size = saved.train_batch_size
        loader = stand_in.get_train_dataloader()
        try:
            batches = len(loader)
        except TypeError:
            batches = None
        if batches == 0:
            raise _empty_loader(trainer, args)
        epochs, per_epoch, _, _, _, _, max_steps = stand_in.set_initial_training_values(stand_in.args, loader)
        derivation += _count_lines(trainer, args, batches, per_epoch, max_steps)

        builds_scheduler = stand_in.lr_scheduler is None
        stand_in.create_optimizer()
        optimizer = stand_in.optimizer
        scheduler_override = _overrides(trainer, base, "create_scheduler")
        default_scheduler = builds_scheduler and scheduler_override is None
        num_warmup_steps = args.get_warmup_steps(max_steps) if default_scheduler else 0
        if default_scheduler:  # lrlib's checks of get_scheduler's arguments, before transformers runs it
            defaults_lr = _unwrapped(optimizer).defaults.get("lr")
            kwargs = _trainer_scheduler_kwargs(args)
            schedule, warned = _checked(args.lr_scheduler_type, lr=None if defaults_lr is None else float(defaults_lr),
                                        num_warmup_steps=num_warmup_steps, num_training_steps=max_steps, kwargs=kwargs)
            flags += warned
            derivation.append(_warmup_line(args.warmup_steps, max_steps, num_warmup_steps))
        stand_in.create_scheduler(num_training_steps=max_steps)
        scheduler = stand_in.lr_scheduler
        derivation += _construction_lines(trainer, base, builds_scheduler, scheduler_override, fresh)
        _refuse_a_scheduler_without_curve(scheduler)

        start, skip_data = 0, not args.ignore_data_skip
        if checkpoint is not None:
            start = saved.global_step
            flags += _resume(checkpoint, saved, optimizer, scheduler, max_steps, derivation)
        count = _steps_taken(start, max_steps, per_epoch, epochs, skip_data)
        if checkpoint is not None:
            derivation.append(f"train() skips the {start} steps trained ({start // per_epoch} epoch(s) and "
                              f"{start % per_epoch if skip_data else 0} step(s) of data) and takes {count} more")
            if start >= max_steps:
                flags.append(Flag("nothing to resume", f"the checkpoint is at step {start} and these arguments plan "
                                                       f"{max_steps} steps: the resumed run takes {count} step(s)."))
        lrs = _stepped(optimizer, scheduler, count)

    base_lrs = getattr(scheduler, "base_lrs", None)
    group_lrs = tuple(float(lr) for lr in base_lrs) if base_lrs is not None else tuple(_lrs_of(optimizer))
    defaults_lr = _unwrapped(optimizer).defaults.get("lr")
    if default_scheduler and defaults_lr is not None:
        flags += _flags(schedule.name, group_lrs, float(defaults_lr), kwargs, num_training_steps=max_steps,
                        num_warmup_steps=num_warmup_steps, per_process_steps=max_steps, prepared_processes=1)
    flags += _trainer_flags(trainer, base, args, batches, optimizer, scheduler)
    name = getattr(args.lr_scheduler_type, "value", args.lr_scheduler_type) if default_scheduler else type(scheduler).__name__
    return RunPreview(str(name), max_steps, num_warmup_steps, count, 1, tuple(derivation), group_lrs, lrs,
                      tuple(flags), start)


def _count_lines(trainer: Any, args: Any, batches: int | None, per_epoch: int, max_steps: int) -> list[str]:
    if batches is None:
        return [f"the training dataset has no length: max_steps={max_steps} sets the step count"]
    accumulation = args.gradient_accumulation_steps
    if args.max_steps > 0:
        return [f"max_steps={max_steps} sets the step count (num_train_epochs is not used)"]
    dataset = trainer.train_dataset
    batch, processes, drop_last = args.train_batch_size, args.world_size, bool(args.dataloader_drop_last)
    expected = None
    if not isinstance(dataset, torch.utils.data.IterableDataset):
        try:
            expected = StepPlan.for_loop(epochs=1, num_examples=len(dataset), batch_size=batch, world_size=processes,
                                         drop_last=drop_last).batches
        except ValueError:
            expected = None
    if expected == batches:
        first = _batches_line(len(dataset), batch, processes, drop_last, batches)
    else:
        first = f"len(train_dataloader) = {batches} batches per epoch per process (the Trainer's get_train_dataloader)"
    return [first] + _epochs_lines(batches, accumulation, per_epoch, args.num_train_epochs, max_steps)


def _construction_lines(trainer: Any, base: type, builds_scheduler: bool, scheduler_override: str | None,
                        fresh: bool) -> list[str]:
    lines = []
    optimizer_override = _overrides(trainer, base, "create_optimizer")
    if fresh:
        lines.append("model_init: train() builds a new model, optimizer and scheduler; the optimizer is built here "
                     "on the parameters of the model the Trainer holds now")
    elif trainer.optimizer is not None and optimizer_override is None:
        lines.append("the Trainer trains with the optimizer it holds (yours, or the one an earlier train() built)")
    if optimizer_override is not None:
        lines.append(f"the optimizer is built by {optimizer_override}.create_optimizer, your override, run on a copy "
                     "of the model")
    elif getattr(trainer, "optimizer_cls_and_kwargs", None) is not None and (fresh or trainer.optimizer is None):
        lines.append("the optimizer is built from optimizer_cls_and_kwargs: its lr is the one in those kwargs, "
                     "not learning_rate")
    if not builds_scheduler:
        scheduler = trainer.lr_scheduler
        stepped = getattr(scheduler, "last_epoch", 0)
        lines.append(f"the Trainer steps the scheduler you gave it ({type(scheduler).__name__}"
                     + (f", already stepped {stepped} times" if stepped else "")
                     + "): lr_scheduler_type and warmup_steps are not used; its lrs are read by stepping a copy")
    elif scheduler_override is not None:
        lines.append(f"the scheduler is built by {scheduler_override}.create_scheduler, your override; its lrs are "
                     "read by stepping a copy")
    if builds_scheduler and not fresh and getattr(trainer, "_created_lr_scheduler", False):
        lines.append("this Trainer has trained before: the next train() replaces the scheduler it built with a new "
                     "one on the same optimizer, so the schedule starts again from its step 0, at the optimizer's "
                     "initial lr(s)")
    return lines


def _refuse_a_scheduler_without_curve(scheduler: Any) -> None:
    if scheduler is None or not callable(getattr(scheduler, "step", None)):
        raise ValueError(f"create_scheduler left the Trainer without a scheduler ({scheduler!r}): train() would fail "
                         "at its first lr_scheduler.step().")
    if metric_driven(scheduler):
        raise ValueError(f"{type(scheduler).__name__} moves the lr with the metric passed to its step(), which "
                         "the Trainer does only after an evaluation: its lrs are unknown until training measures "
                         "them, so they cannot be previewed.")
    if type(scheduler).__name__ == "LayerWiseDummyScheduler":
        raise ValueError("A layer-wise optimizer steps one scheduler per parameter in gradient hooks "
                         "(LayerWiseDummyScheduler): preview_run cannot preview it exactly.")


def _resume(checkpoint: str, saved: Any, optimizer: Any, scheduler: Any, max_steps: int,
            derivation: list[str]) -> list[Flag]:
    """Load the checkpoint's optimizer hyperparameters and scheduler state into the stand-ins, as
    ``Trainer._load_optimizer_and_scheduler`` does; flag a saved schedule that the new plan does not continue."""
    start, planned, name = saved.global_step, saved.max_steps, os.path.basename(os.path.normpath(checkpoint))
    derivation.append(f"resumed from {name}: its trainer_state.json is at step {start} of a run planned for "
                      f"{planned} steps; this plan has {max_steps}")
    optimizer_file, scheduler_file = (os.path.join(checkpoint, f) for f in ("optimizer.pt", "scheduler.pt"))
    other_format = os.path.isfile(os.path.join(checkpoint, "optimizer.bin")) or any(
        "optimizer" in entry and os.path.isdir(os.path.join(checkpoint, entry)) for entry in os.listdir(checkpoint))
    if not os.path.isfile(scheduler_file) or not (os.path.isfile(optimizer_file) or other_format):
        return [Flag("schedule restarts", f"{name} has no optimizer and scheduler state (saved with "
                                          "save_only_model=True?): train() resumes the step count at "
                                          f"{start} but builds the schedule afresh, so the lr starts again at the "
                                          f"schedule's step 0 (warmup included) and the run stops {start} steps "
                                          "before the schedule ends.")]
    if not os.path.isfile(optimizer_file):
        raise ValueError(f"{name} keeps its optimizer state in a format other than optimizer.pt (FSDP or "
                         "SageMaker): preview_run cannot preview this resume exactly.")
    fresh_base = [float(lr) for lr in getattr(scheduler, "base_lrs", _lrs_of(optimizer))]
    new_at_start = _lr_at(scheduler, start)
    state = _load(optimizer_file)
    try:  # torch's own loading, of the hyperparameters only: the stand-in has no state to receive
        _unwrapped(optimizer).load_state_dict({"state": {}, "param_groups": state["param_groups"]})
    except ValueError as error:
        raise ValueError(f"resume_from_checkpoint: the optimizer saved in {name} does not fit the one this Trainer "
                         f"builds ({error}); train() fails the same way.") from error
    flags = _state_shape_flags(state, _unwrapped(optimizer), name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's notes on saving optimizer state with the scheduler
        scheduler.load_state_dict(torch.load(scheduler_file, weights_only=True))
    derivation.append(f"the checkpoint's optimizer hyperparameters and scheduler state are loaded (base lr "
                      f"{', '.join(f'{lr:.3g}' for lr in getattr(scheduler, 'base_lrs', []))}, step "
                      f"{getattr(scheduler, 'last_epoch', start)})")
    saved_lr, kept = _lrs_of(optimizer), [float(lr) for lr in getattr(scheduler, "base_lrs", [])]
    if new_at_start is not None and len(kept) == len(fresh_base) == len(new_at_start) and all(fresh_base):
        # the new schedule's lr at the saved step, on the saved base lrs (a new learning_rate is flagged apart)
        new_at_start = [lr / fresh * saved for lr, fresh, saved in zip(new_at_start, fresh_base, kept)]
    changed = new_at_start is not None and not np.allclose(saved_lr, new_at_start, rtol=1e-9, atol=1e-15)
    if planned != max_steps or changed:
        why = (f"the checkpoint is step {start} of a run planned for {planned} optimizer steps (its "
               f"trainer_state.json), and these arguments plan {max_steps}" if planned != max_steps else
               f"these arguments plan the same {max_steps} steps, but their schedule gives lr {new_at_start[0]:.3g} "
               f"at step {start} where the checkpoint had {saved_lr[0]:.3g}: lr_scheduler_type, warmup_steps or "
               "lr_scheduler_kwargs changed")
        flags.append(Flag("resume mismatch", f"{why}. train() does not continue the saved schedule: it rebuilds "
                                             f"one for {max_steps} steps, loads the saved step {start} and lr into "
                                             f"it, and goes on from there (the lr at the first resumed step is the "
                                             f"checkpoint's {saved_lr[0]:.3g}). To finish the saved schedule, resume "
                                             "with the arguments that planned it (num_train_epochs or max_steps, "
                                             "batch size, gradient_accumulation_steps, number of processes, "
                                             "schedule); to change the plan on purpose, this preview is the curve "
                                             "you get."))
    if kept and not np.allclose(kept, fresh_base, rtol=1e-12, atol=0):
        flags.append(Flag("saved lr kept", f"these arguments give base lr(s) {', '.join(f'{lr:.3g}' for lr in fresh_base)}, "
                                           f"but the resumed run keeps the checkpoint's {', '.join(f'{lr:.3g}' for lr in kept)}: "
                                           "the optimizer and scheduler states it loads carry them. To train on with "
                                           "another lr, start a new run from the checkpoint's weights instead of "
                                           "resuming."))
    return flags


def _state_shape_flags(state: Mapping[str, Any], optimizer: Any, name: str) -> list[Flag]:
    """torch loads a saved optimizer state by position, group by group, without looking at shapes."""
    saved_ids = [index for group in state["param_groups"] for index in group["params"]]
    parameters = [parameter for group in optimizer.param_groups for parameter in group["params"]]
    for index, parameter in zip(saved_ids, parameters):
        for key, value in state["state"].get(index, {}).items():
            if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape != parameter.shape:
                return [Flag("optimizer state mismatch",
                             f"the optimizer state saved in {name} does not fit this Trainer's parameters (its "
                             f"{key!r} for parameter {index} has shape {tuple(value.shape)}, the parameter in that "
                             f"place now {tuple(parameter.shape)}): torch loads it by position, so train() fails at "
                             "its first optimizer step, or, where the shapes broadcast, trains with another "
                             "parameter's moments. Build the param groups in the order of the run that saved it.")]
    return []


def _trainer_flags(trainer: Any, base: type, args: Any, batches: int | None, optimizer: Any,
                   scheduler: Any) -> list[Flag]:
    flags = []
    ignored = _overrides(trainer, base, "create_optimizer_and_scheduler")
    if ignored is not None:
        flags.append(Flag("override not called", f"{ignored} overrides create_optimizer_and_scheduler, but train() "
                                                 "does not call it (transformers 5.23 calls create_optimizer, then "
                                                 "create_scheduler): your override does not run, and this preview "
                                                 "shows what runs instead. Override those two methods."))
    held = _unwrapped(getattr(scheduler, "optimizer", None))
    if held is not None and held is not _unwrapped(optimizer):
        flags.append(Flag("scheduler on another optimizer", f"the scheduler you gave ({type(scheduler).__name__}) "
                                                            "steps an optimizer other than the one the Trainer trains "
                                                            "with, so the lrs trained with do not follow it (shown "
                                                            "here). Build the scheduler on the optimizer you pass "
                                                            "in optimizers=(optimizer, scheduler)."))
    if batches is None:
        windows = (f"at least gradient_accumulation_steps={args.gradient_accumulation_steps} batches"
                   if args.gradient_accumulation_steps > 1 else "at least one batch")
        flags.append(Flag("length unknown", f"the training dataset has no length: the run takes the max_steps="
                                            f"{args.max_steps} steps shown only if each pass over it yields {windows} "
                                            "(with none, train() stops at step 0; with fewer, no accumulation window "
                                            "fills and it never ends). The preview cannot check this without "
                                            "reading the data."))
    if args.fp16:
        flags.append(Flag("may skip steps", "fp16 trains with a gradient scaler, which skips an optimizer step whose "
                                            "gradients overflowed, and the Trainer then skips the scheduler step too: "
                                            "each skipped step shifts the rest of the schedule one step later. The "
                                            "preview assumes none is skipped (bf16 has no scaler)."))
    if args.auto_find_batch_size:
        flags.append(Flag("batch size may change", "auto_find_batch_size halves the batch and starts again when a "
                                                   "batch does not fit in memory, with more steps per epoch: the "
                                                   f"preview is for batch {args.per_device_train_batch_size}."))
    if getattr(trainer, "is_fsdp_enabled", False) or getattr(trainer, "is_fsdp_xla_enabled", False):
        flags.append(Flag("built after wrapping", "with FSDP the Trainer builds the optimizer on the wrapped model: "
                                                  "its param groups may differ from those previewed here, on the "
                                                  "model as it is."))
    return flags


def preview_run(source: Any, /, **plan: Any) -> RunPreview:
    """The schedule a run will train with, computed before it runs, without touching it.

    ``source`` is one of

    - a transformers ``Trainer`` (or a subclass): what its next ``train()`` will train with, from its
      arguments, training dataset, model and optimizer, built by its own ``create_optimizer`` and
      ``create_scheduler`` (your overrides included), on copies; with
      ``resume_from_checkpoint=path`` (or True, the newest in ``output_dir``), what
      ``train(resume_from_checkpoint=path)`` will train with from the checkpoint's saved step,
      optimizer and scheduler state, flagging a saved schedule the new arguments do not continue;
    - ``TrainingArguments``, with ``num_examples=len(train_dataset)`` and optionally ``optimizer=``;
    - a schedule name, for a hand-written or accelerate loop: ``lr=`` (or ``optimizer=``),
      ``epochs=``, ``num_batches=len(train_loader)`` or ``num_examples=`` with ``batch_size=``,
      ``grad_accum_steps``, ``world_size``, ``drop_last``, ``num_warmup_steps``,
      ``num_training_steps`` (what you will pass; the right count when omitted),
      ``launcher='accelerate'`` when the scheduler goes through ``accelerator.prepare``
      (it then moves ``world_size`` steps per optimizer step unless ``split_batches=True``), and
      the schedule's own arguments, flat (``num_cycles=2``) or in ``scheduler_specific_kwargs=``
      as ``get_scheduler`` takes them.

    What train() would refuse, the preview refuses, with the Trainer's reason or the argument named.

    The source article's plan, 1235 examples in batches of 32 for 50 epochs, warmed up over 100:

    >>> run = preview_run("cosine", lr=1e-3, epochs=50, num_examples=1235, batch_size=32, num_warmup_steps=100)
    >>> run.num_training_steps, run.lrs.shape, run.flags
    (1950, (1950, 1), ())
    >>> preview_run("cosine", lr=1e-3, epochs=50, num_batches=39, num_training_steps=100).flags[0].pitfall
    'step count mismatch'
    """
    base = _trainer_class(source)
    if base is not None:
        unknown = set(plan) - {"resume_from_checkpoint"}
        if unknown:
            raise TypeError(f"preview_run(trainer) takes only resume_from_checkpoint=, got {sorted(unknown)}: the "
                            "Trainer holds the plan.")
        return _trainer_run(source, base, plan.get("resume_from_checkpoint"))
    if hasattr(source, "lr_scheduler_type") and hasattr(source, "per_device_train_batch_size"):
        unknown = set(plan) - {"num_examples", "optimizer"}
        if unknown:
            raise TypeError(f"preview_run(training_args, ...) takes num_examples= and optimizer=, got {sorted(unknown)}.")
        return _arguments_plan(source, plan.get("num_examples"), plan.get("optimizer"))
    if isinstance(source, str):
        return _loop_plan(source, **plan)
    if hasattr(source, "args") and hasattr(source, "train_dataset"):
        raise TypeError(f"preview_run takes a transformers Trainer (or a subclass of it); {type(source).__name__} "
                        "has args and train_dataset but is not one.")
    raise TypeError(f"preview_run takes a Trainer, TrainingArguments or a schedule name, got {type(source).__name__}.")
