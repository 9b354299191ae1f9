"""Count optimizer steps right: ``training_steps``, ``trainer_steps`` and ``warmup_steps``.

A schedule's ``num_training_steps`` counts *optimizer* steps, not examples, batches seen by all
processes, or micro-batches. Getting it wrong shrinks or stretches the whole schedule.

One ``StepPlan`` counts; each function speaks the language of one kind of run:

- ``training_steps(epochs=..., ...)`` -> ``num_training_steps`` (int), a loop you write;
- ``trainer_steps(per_device_train_batch_size=..., ...)`` -> ``TrainerSteps(num_training_steps,
  num_warmup_steps)``, transformers' ``Trainer``, with ``TrainingArguments``' names and defaults;
- ``warmup_steps(ratio, num_training_steps)`` -> ``num_warmup_steps`` (int), from a ratio only.

A plan is given by keyword (too many numbers to keep in order); ``warmup_steps`` combines two
numbers, ratio first, and refuses them swapped.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .validate import check_flag, check_step_count


def _positive_count(argument: str, value: Any) -> int:
    return check_step_count(argument, value, minimum=1)


def _positive_real(argument: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{argument} must be a positive number such as 3 or 1.5, got {value!r} ({type(value).__name__}).")
    if value <= 0:
        raise ValueError(f"{argument} must be > 0, got {value!r}.")
    return float(value)


@dataclass(frozen=True)
class StepPlan:
    r"""A run's step counts, each intermediate one kept: the one place ``training_steps``,
    ``trainer_steps`` and ``preview_run`` count them. Build it with ``StepPlan.for_loop`` (the
    arguments of ``training_steps``) or ``StepPlan.for_trainer`` (those of ``trainer_steps``).

    - ``batches``: batches per epoch in one process, ``len(train_loader)`` there; from ``N``
      examples over ``P`` processes in batches of ``B``, :math:`\lceil \lceil N/P \rceil / B \rceil`
      (both floored with ``drop_last``); None when ``max_steps`` sets the count without a dataset size;
    - ``updates``: optimizer steps per epoch, :math:`u = \lceil \text{batches} / A \rceil` with
      ``A`` micro-batches accumulated (the last, partial window steps too);
    - ``optimizer_steps``: the run's optimizer steps in one process, :math:`\lceil E \cdot u \rceil`
      for ``E`` epochs, or ``max_steps``;
    - ``scheduler_steps_per_optimizer_step``: 1, or ``P`` for a scheduler prepared by accelerate;
    - ``num_warmup_steps``: the Trainer's warmup (``for_trainer``), None for a loop;
    - ``num_training_steps`` (a property): ``optimizer_steps`` times the scheduler steps per
      optimizer step, what the scheduler is built with.

    >>> plan = StepPlan.for_loop(epochs=50, num_examples=1235, batch_size=32, grad_accum_steps=4)
    >>> plan
    StepPlan(batches=39, updates=10, optimizer_steps=500, scheduler_steps_per_optimizer_step=1, num_warmup_steps=None)
    >>> plan.num_training_steps
    500
    """

    batches: int | None
    updates: int | None
    optimizer_steps: int
    scheduler_steps_per_optimizer_step: int = 1
    num_warmup_steps: int | None = None

    @property
    def num_training_steps(self) -> int:
        """The scheduler steps of the run: ``optimizer_steps * scheduler_steps_per_optimizer_step``."""
        return self.optimizer_steps * self.scheduler_steps_per_optimizer_step

    @classmethod
    def for_loop(
        cls,
        *,
        epochs: int,
        num_batches: int | None = None,
        num_examples: int | None = None,
        batch_size: int | None = None,
        grad_accum_steps: int = 1,
        world_size: int = 1,
        drop_last: bool = False,
        prepared_by_accelerate: bool = False,
    ) -> StepPlan:
        """The plan of a loop you write, from the arguments of ``training_steps`` (see there)."""
        epochs = _positive_count("epochs", epochs)
        grad_accum_steps = _positive_count("grad_accum_steps", grad_accum_steps)
        world_size = _positive_count("world_size", world_size)
        drop_last = check_flag("drop_last", drop_last)
        if not isinstance(prepared_by_accelerate, (bool, np.bool_)):
            raise TypeError(
                "prepared_by_accelerate must be True (the scheduler goes through Accelerator.prepare) or False "
                f"(you step it yourself, once per optimizer step), got {prepared_by_accelerate!r} "
                f"({type(prepared_by_accelerate).__name__})."
            )
        stride = world_size if prepared_by_accelerate else 1
        if num_batches is not None and num_examples is not None:
            raise ValueError(
                "Give either num_batches (len(train_loader), batches per epoch per process) or num_examples "
                f"with batch_size, not both: num_batches={num_batches!r} and num_examples={num_examples!r} "
                "could disagree."
            )
        if num_batches is not None:
            batches = _positive_count("num_batches", num_batches)
            ignored = [("batch_size", batch_size, None), ("drop_last", drop_last, False)]
            if not prepared_by_accelerate:
                ignored.insert(1, ("world_size", world_size, 1))
            for argument, value, default in ignored:
                if value != default:
                    raise ValueError(
                        f"{argument}={value!r} has no effect with num_batches={batches}: len(train_loader) already "
                        "counts batches in one process, after batching, sharding and drop_last. Pass num_batches "
                        "alone, or num_examples with batch_size, world_size and drop_last."
                        + (" (world_size is used with num_batches only when prepared_by_accelerate=True.)"
                           if argument == "world_size" else "")
                    )
        elif num_examples is not None:
            num_examples = _positive_count("num_examples", num_examples)
            if batch_size is None:
                raise ValueError(f"num_examples={num_examples} needs batch_size (the per-device batch size).")
            batches = _batches_per_process(num_examples, _positive_count("batch_size", batch_size), world_size,
                                           drop_last, names=("batch_size", "drop_last"))
        elif batch_size is not None:
            raise ValueError(
                f"batch_size={batch_size!r} was given without num_examples: pass num_examples (the dataset size) "
                "too, or num_batches=len(train_loader) instead of both."
            )
        else:
            raise ValueError(
                "Give num_batches=len(train_loader) (batches per epoch per process), or num_examples with "
                "batch_size."
            )
        updates = -(-batches // grad_accum_steps)
        return cls(batches, updates, epochs * updates, stride)

    @classmethod
    def for_trainer(
        cls,
        *,
        num_examples: int | None = None,
        per_device_train_batch_size: int,
        num_train_epochs: float = 3,
        gradient_accumulation_steps: int = 1,
        dataloader_drop_last: bool = False,
        max_steps: int = -1,
        warmup_steps: float = 0,
        world_size: int = 1,
    ) -> StepPlan:
        """The plan transformers' ``Trainer`` makes, from the arguments of ``trainer_steps`` (see there)."""
        batch_size = _positive_count("per_device_train_batch_size", per_device_train_batch_size)
        accumulation = _positive_count("gradient_accumulation_steps", gradient_accumulation_steps)
        world_size = _positive_count("world_size", world_size)
        drop_last = check_flag("dataloader_drop_last", dataloader_drop_last)
        if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral):
            raise TypeError(f"max_steps must be a whole number (-1 for 'use epochs'), got {max_steps!r} "
                            f"({type(max_steps).__name__}).")
        if max_steps == 0 or max_steps < -1:
            raise ValueError(f"max_steps must be a positive step count, or -1 to train for num_train_epochs; "
                             f"got {max_steps}.")
        batches = updates = None
        if num_examples is not None:
            batches = _batches_per_process(_positive_count("num_examples", num_examples), batch_size, world_size,
                                           drop_last, names=("per_device_train_batch_size", "dataloader_drop_last"))
            updates = -(-batches // accumulation)
        elif max_steps == -1:
            raise ValueError("num_examples=None: give the training dataset's size (len(train_dataset)), or "
                             "max_steps > 0, which sets the step count of a dataset without a length.")
        if max_steps > 0:
            total = int(max_steps)
        else:
            total = math.ceil(_positive_real("num_train_epochs", num_train_epochs) * updates)
        return cls(batches, updates, total, 1, _trainer_warmup(warmup_steps, total))


def _batches_per_process(num_examples: int, batch_size: int, world_size: int, drop_last: bool, *,
                         names: tuple[str, str]) -> int:
    """len(train_loader) in one of ``world_size`` processes, as ``DistributedSampler`` shards; ``names``
    are the caller's for the batch size and drop_last, for the message."""
    divide = (lambda a, b: a // b) if drop_last else (lambda a, b: -(-a // b))
    per_process = divide(num_examples, world_size)
    batches = divide(per_process, batch_size)
    if batches == 0:
        raise ValueError(
            f"With {names[1]}=True, {num_examples} examples over {world_size} process(es) give {per_process} per "
            f"process: not one full batch of {batch_size} ({names[0]}). Nothing would be trained."
        )
    return batches


def _trainer_warmup(warmup_steps: Any, num_training_steps: int) -> int:
    """The Trainer's reading of ``warmup_steps``: a step count from 1 up, a ratio of the steps below 1."""
    if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, numbers.Real) or not math.isfinite(warmup_steps):
        raise TypeError(
            f"warmup_steps must be a step count (>= 1) or a ratio in [0, 1), got {warmup_steps!r} "
            f"({type(warmup_steps).__name__})."
        )
    if warmup_steps < 0:
        raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps!r}.")
    if warmup_steps < 1:
        return _warmup_from_ratio(float(warmup_steps), num_training_steps)
    if warmup_steps != int(warmup_steps):
        raise ValueError(
            f"warmup_steps={warmup_steps!r} is 1 or more, so the Trainer reads it as a step count and truncates it "
            f"to {int(warmup_steps)}: pass a whole number, or a ratio below 1."
        )
    return int(warmup_steps)


def training_steps(
    *,
    epochs: int,
    num_batches: int | None = None,
    num_examples: int | None = None,
    batch_size: int | None = None,
    grad_accum_steps: int = 1,
    world_size: int = 1,
    drop_last: bool = False,
    prepared_by_accelerate: bool = False,
) -> int:
    r"""``num_training_steps`` (an int) for a loop you write: by keyword, the loop's names, whole epochs.

    Give exactly one of

    - ``num_batches``: batches per epoch *in one process*, what ``len(train_loader)`` returns
      there (it already accounts for sharding and ``drop_last``), or
    - ``num_examples`` and ``batch_size`` (the per-device batch size). Each of the
      ``world_size`` processes then sees :math:`\lceil N / P \rceil` examples, as
      ``DistributedSampler`` gives them, and makes :math:`\lceil N_p / B \rceil` batches.
      ``drop_last=True`` floors both divisions instead (sampler and loader drop the tail).

    With gradient accumulation over ``A`` micro-batches the optimizer also steps on the final,
    partial window of an epoch, so

    .. math:: \text{steps} = E \cdot \lceil \text{batches} / A \rceil

    with ``E`` the number of epochs.

    **Who steps the scheduler decides the count.** In a plain DDP / ``torchrun`` loop every
    process steps its own scheduler once per optimizer step, so ``T`` is the count above, *per
    process*. A scheduler passed through accelerate's ``Accelerator.prepare`` is different: with
    its default ``split_batches=False``, ``AcceleratedScheduler.step()`` steps the wrapped scheduler
    ``world_size`` times per optimizer step. Say so with ``prepared_by_accelerate=True`` and the
    count is multiplied by ``world_size``, the number of processes (give it also with
    ``num_batches``, which is then ``len(train_loader)`` *after* ``prepare``, in one process).
    With ``num_examples`` the per-process count is the same under accelerate's default sharding
    (``even_batches=True``): :math:`\lceil \lceil N/B \rceil / P \rceil = \lceil \lceil N/P \rceil / B \rceil`.
    Leave it False with ``split_batches=True`` or ``step_scheduler_with_optimizer=False``: then
    accelerate steps the scheduler once per call.

    ``StepPlan.for_loop`` takes the same arguments and keeps the intermediate counts.
    The source article's script: 1235 examples, batch size 32, 50 epochs.

    >>> training_steps(epochs=50, num_examples=1235, batch_size=32)
    1950
    >>> training_steps(epochs=50, num_batches=39)   # len(train_loader) == 39
    1950
    >>> training_steps(epochs=50, num_examples=1235, batch_size=32, grad_accum_steps=4)
    500
    >>> training_steps(epochs=50, num_examples=1235, batch_size=32, world_size=2)
    1000
    >>> training_steps(epochs=50, num_examples=1235, batch_size=32, world_size=2, prepared_by_accelerate=True)
    2000
    >>> training_steps(epochs=2, num_batches=20, world_size=2, prepared_by_accelerate=True)  # len after prepare
    80
    """
    return StepPlan.for_loop(
        epochs=epochs, num_batches=num_batches, num_examples=num_examples, batch_size=batch_size,
        grad_accum_steps=grad_accum_steps, world_size=world_size, drop_last=drop_last,
        prepared_by_accelerate=prepared_by_accelerate,
    ).num_training_steps


class TrainerSteps(NamedTuple):
    """What ``trainer_steps`` returns: the two counts the ``Trainer`` gives ``get_scheduler``, in its order."""

    num_training_steps: int
    num_warmup_steps: int


def trainer_steps(
    *,
    num_examples: int | None = None,
    per_device_train_batch_size: int,
    num_train_epochs: float = 3,
    gradient_accumulation_steps: int = 1,
    dataloader_drop_last: bool = False,
    max_steps: int = -1,
    warmup_steps: float = 0,
    world_size: int = 1,
) -> TrainerSteps:
    r"""``TrainerSteps(num_training_steps, num_warmup_steps)`` as the Trainer computes them: by keyword, its names.

    The arguments are ``TrainingArguments``' of the same names, with their defaults (fractional
    epochs and ``max_steps`` included).

    As transformers 5.23 computes them (``Trainer.set_initial_training_values`` and
    ``TrainingArguments.get_warmup_steps``):

    - an epoch has :math:`u = \lceil \text{len(dataloader)} / A \rceil` optimizer steps (the last,
      partial accumulation window steps too), and :math:`T = \lceil E \cdot u \rceil` for ``E``
      epochs (a fraction such as 1.5 is allowed), unless ``max_steps > 0``, which replaces it
      (``num_examples`` may then be left out, for a dataset without a length);
    - ``len(dataloader)`` is the batches of one of ``world_size`` processes:
      :math:`\lceil N / (B P) \rceil`, floored with ``dataloader_drop_last``;
    - ``warmup_steps`` of 1 or more is a step count; below 1 it is a ratio of ``T``, rounded up:
      :math:`\lceil T \cdot r \rceil` (there is no ``warmup_ratio`` argument in 5.x).

    ``StepPlan.for_trainer`` takes the same arguments and keeps the intermediate counts.

    >>> trainer_steps(num_examples=100, per_device_train_batch_size=8, num_train_epochs=3,
    ...               gradient_accumulation_steps=4, warmup_steps=0.1)
    TrainerSteps(num_training_steps=12, num_warmup_steps=2)
    >>> trainer_steps(per_device_train_batch_size=8, max_steps=5, warmup_steps=2)
    TrainerSteps(num_training_steps=5, num_warmup_steps=2)
    >>> trainer_steps(num_examples=100, per_device_train_batch_size=8, num_train_epochs=1.5)
    TrainerSteps(num_training_steps=20, num_warmup_steps=0)
    """
    plan = StepPlan.for_trainer(
        num_examples=num_examples, per_device_train_batch_size=per_device_train_batch_size,
        num_train_epochs=num_train_epochs, gradient_accumulation_steps=gradient_accumulation_steps,
        dataloader_drop_last=dataloader_drop_last, max_steps=max_steps, warmup_steps=warmup_steps,
        world_size=world_size,
    )
    return TrainerSteps(plan.num_training_steps, plan.num_warmup_steps)


def warmup_steps(ratio: float, num_training_steps: int) -> int:
    r"""``num_warmup_steps`` (an int) from a ratio in [0, 1] and ``T``: :math:`\lceil r \cdot T \rceil`, ratio first.

    Unlike ``trainer_steps(warmup_steps=...)``, which reads 1 or more as a step count, ``ratio`` is
    always a share of the ``T`` training steps (1.0 is all of them). The two arguments may be
    given by position, ratio first, or by keyword. The result is rounded up and computed as
    transformers' Trainer computes it from a ratio (``warmup_ratio``, or in 5.x ``warmup_steps``
    below 1): ``math.ceil(T * r)``, so both agree to the step, even where floating point tips a
    whole number over.

    >>> warmup_steps(0.06, 1950)
    117
    >>> warmup_steps(0.1, 1001)      # 100.1 rounds up
    101
    >>> warmup_steps(0.07, 100)      # 100 * 0.07 == 7.000000000000001 in floating point
    8
    """
    return _warmup_from_ratio(ratio, num_training_steps)


def _warmup_from_ratio(ratio: Any, num_training_steps: Any) -> int:
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not math.isfinite(ratio):
        raise TypeError(f"ratio must be a number in [0, 1] such as 0.06, got {ratio!r} ({type(ratio).__name__}).")
    if not 0.0 <= ratio <= 1.0:
        hint = ""
        if ratio > 1 and isinstance(num_training_steps, numbers.Real) and 0 < num_training_steps < 1:
            hint = (f" The arguments look swapped: warmup_steps(ratio, num_training_steps), here "
                    f"warmup_steps({num_training_steps!r}, {ratio!r}).")
        elif ratio > 1:
            hint = " It looks like a step count: pass it as num_warmup_steps directly."
        raise ValueError(f"ratio must be in [0, 1] (a share of the training steps), got {ratio!r}.{hint}")
    num_training_steps = _positive_count("num_training_steps", num_training_steps)
    return math.ceil(num_training_steps * ratio)
