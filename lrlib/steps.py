"""Count optimizer steps right: ``training_steps`` (num_training_steps) and ``warmup_steps``.

A schedule's ``num_training_steps`` counts *optimizer* steps, not examples, batches seen by all
processes, or micro-batches. Getting it wrong shrinks or stretches the whole schedule.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .validate import check_step_count


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

    The source article's script: 1235 examples, batch size 32, 50 epochs.

    >>> training_steps(epochs=50, num_examples=1235, batch_size=32)
    1950
    >>> training_steps(epochs=50, num_batches=39)   # len(train_loader) == 39
    1950
    >>> training_steps(epochs=50, num_examples=1235, batch_size=32, grad_accum_steps=4)
    500
    >>> training_steps(epochs=50, num_examples=1235, batch_size=32, world_size=2)
    1000
    """
    epochs = _positive_count("epochs", epochs)
    grad_accum_steps = _positive_count("grad_accum_steps", grad_accum_steps)
    world_size = _positive_count("world_size", world_size)
    if not isinstance(drop_last, bool):
        raise TypeError(f"drop_last must be True or False, got {drop_last!r} ({type(drop_last).__name__}).")

    if num_batches is not None and num_examples is not None:
        raise ValueError(
            "Give either num_batches (len(train_loader), batches per epoch per process) or num_examples "
            f"with batch_size, not both: num_batches={num_batches!r} and num_examples={num_examples!r} "
            "could disagree."
        )
    if num_batches is not None:
        batches = _positive_count("num_batches", num_batches)
        for argument, value, default in (("batch_size", batch_size, None), ("world_size", world_size, 1),
                                         ("drop_last", drop_last, False)):
            if value != default:
                raise ValueError(
                    f"{argument}={value!r} has no effect with num_batches={batches}: len(train_loader) already "
                    "counts batches in one process, after batching, sharding and drop_last. Pass num_batches "
                    "alone, or num_examples with batch_size, world_size and drop_last."
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
    return epochs * -(-batches // grad_accum_steps)


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
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not math.isfinite(ratio):
        raise TypeError(f"ratio must be a number in [0, 1] such as 0.06, got {ratio!r} ({type(ratio).__name__}).")
    if not 0.0 <= ratio <= 1.0:
        hint = " It looks like a step count: pass it as num_warmup_steps directly." if ratio > 1 else ""
        raise ValueError(f"ratio must be in [0, 1] (a share of the training steps), got {ratio!r}.{hint}")
    num_training_steps = _positive_count("num_training_steps", num_training_steps)
    return math.ceil(num_training_steps * ratio)
