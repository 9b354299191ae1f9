"""Count optimizer steps right: ``training_steps`` (num_training_steps) and ``warmup_steps``.

A schedule's ``num_training_steps`` counts *optimizer* steps, not examples, batches seen by all
processes, or micro-batches. Getting it wrong shrinks or stretches the whole schedule.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, NamedTuple

import numpy as np

from .validate import check_flag, check_step_count


def _positive_count(argument: str, value: Any) -> int:
    return check_step_count(argument, value, minimum=1)


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
    r"""The number of optimizer steps of a run: the ``num_training_steps`` a schedule needs.

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
    prepared_by_accelerate = bool(prepared_by_accelerate)

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
        batch_size = _positive_count("batch_size", batch_size)
        divide = (lambda a, b: a // b) if drop_last else (lambda a, b: -(-a // b))
        per_process = divide(num_examples, world_size)
        batches = divide(per_process, batch_size)
        if batches == 0:
            raise ValueError(
                f"With drop_last=True, {num_examples} examples over {world_size} process(es) give "
                f"{per_process} per process: not one full batch of {batch_size}. Nothing would be trained."
            )
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
    per_process = epochs * -(-batches // grad_accum_steps)
    return per_process * world_size if prepared_by_accelerate else per_process


class TrainerSteps(NamedTuple):
    """The two step counts transformers' ``Trainer`` gives its scheduler."""

    num_training_steps: int
    num_warmup_steps: int


def trainer_steps(
    *,
    num_examples: int | None,
    per_device_train_batch_size: int,
    num_train_epochs: float = 3,
    gradient_accumulation_steps: int = 1,
    dataloader_drop_last: bool = False,
    max_steps: int = -1,
    warmup_steps: float = 0,
    world_size: int = 1,
) -> TrainerSteps:
    r"""The ``num_training_steps`` and ``num_warmup_steps`` that transformers' ``Trainer`` passes to
    ``get_scheduler``, from the ``TrainingArguments`` of the same names.

    As transformers 5.23 computes them (``Trainer.set_initial_training_values`` and
    ``TrainingArguments.get_warmup_steps``):

    - an epoch has :math:`u = \lceil \text{len(dataloader)} / A \rceil` optimizer steps (the last,
      partial accumulation window steps too), and :math:`T = \lceil E \cdot u \rceil` for ``E``
      epochs (a fraction such as 1.5 is allowed), unless ``max_steps > 0``, which replaces it
      (``num_examples`` may then be None, for a dataset without a length);
    - ``len(dataloader)`` is the batches of one of ``world_size`` processes:
      :math:`\lceil N / (B P) \rceil`, floored with ``dataloader_drop_last``;
    - ``warmup_steps`` of 1 or more is a step count; below 1 it is a ratio of ``T``, rounded up:
      :math:`\lceil T \cdot r \rceil` (there is no ``warmup_ratio`` argument in 5.x).

    >>> trainer_steps(num_examples=100, per_device_train_batch_size=8, num_train_epochs=3,
    ...               gradient_accumulation_steps=4, warmup_steps=0.1)
    TrainerSteps(num_training_steps=12, num_warmup_steps=2)
    >>> trainer_steps(num_examples=100, per_device_train_batch_size=8, max_steps=5, warmup_steps=2)
    TrainerSteps(num_training_steps=5, num_warmup_steps=2)
    >>> trainer_steps(num_examples=100, per_device_train_batch_size=8, num_train_epochs=1.5)
    TrainerSteps(num_training_steps=20, num_warmup_steps=0)
    """
    dataloader_drop_last = check_flag("dataloader_drop_last", dataloader_drop_last)
    if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral):
        raise TypeError(f"max_steps must be a whole number (-1 for 'use epochs'), got {max_steps!r} ({type(max_steps).__name__}).")
    if max_steps == 0 or max_steps < -1:
        raise ValueError(f"max_steps must be a positive step count, or -1 to train for num_train_epochs; got {max_steps}.")
    if max_steps > 0 and num_examples is None:
        total = int(max_steps)
    else:
        per_epoch = training_steps(epochs=1, num_examples=num_examples, batch_size=per_device_train_batch_size,
                                   grad_accum_steps=gradient_accumulation_steps, world_size=world_size,
                                   drop_last=dataloader_drop_last)
        total = int(max_steps) if max_steps > 0 else math.ceil(_positive_real("num_train_epochs", num_train_epochs) * per_epoch)
    if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, numbers.Real) or not math.isfinite(warmup_steps):
        raise TypeError(
            f"warmup_steps must be a step count (>= 1) or a ratio in [0, 1), got {warmup_steps!r} "
            f"({type(warmup_steps).__name__})."
        )
    if warmup_steps < 0:
        raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps!r}.")
    if warmup_steps < 1:
        return TrainerSteps(total, _warmup_from_ratio(float(warmup_steps), total))
    if warmup_steps != int(warmup_steps):
        raise ValueError(
            f"warmup_steps={warmup_steps!r} is 1 or more, so the Trainer reads it as a step count and truncates it "
            f"to {int(warmup_steps)}: pass a whole number, or a ratio below 1."
        )
    return TrainerSteps(total, int(warmup_steps))


def _positive_real(argument: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{argument} must be a positive number such as 3 or 1.5, got {value!r} ({type(value).__name__}).")
    if value <= 0:
        raise ValueError(f"{argument} must be > 0, got {value!r}.")
    return float(value)


def warmup_steps(ratio: float, num_training_steps: int) -> int:
    r"""The warmup length for a warmup ratio: :math:`\lceil r \cdot T \rceil`.

    ``ratio`` ``r`` is the share of the ``T`` training steps spent warming up; the result is
    rounded up and computed as transformers' Trainer computes it from a ratio (``warmup_ratio``,
    or in 5.x ``warmup_steps`` below 1): ``math.ceil(T * r)``, so both agree to the step, even
    where floating point tips a whole number over.

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
        hint = " It looks like a step count: pass it as num_warmup_steps directly." if ratio > 1 else ""
        raise ValueError(f"ratio must be in [0, 1] (a share of the training steps), got {ratio!r}.{hint}")
    num_training_steps = _positive_count("num_training_steps", num_training_steps)
    return math.ceil(num_training_steps * ratio)
