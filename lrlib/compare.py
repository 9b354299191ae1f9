"""Check a schedule against a real run: record it the article's way, and compare two curves."""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from .registry import DEFAULT_LR
from .validate import check_lr, check_step_count


def _learning_rates(lr: Any) -> list[float]:
    if isinstance(lr, (numbers.Real, np.bool_)):
        return [check_lr("lr", lr)]
    if not isinstance(lr, (Sequence, np.ndarray)) or isinstance(lr, str) or len(lr) == 0:
        raise TypeError(f"lr must be a learning rate such as 1e-3, or one per param group such as (1e-3, 1e-4); "
                        f"got {lr!r} ({type(lr).__name__}).")
    return [check_lr(f"lr[{index}]", value) for index, value in enumerate(lr)]


def record_lrs(
    make_scheduler: Callable[[torch.optim.Optimizer], object],
    num_steps: int,
    lr: float | Sequence[float] = DEFAULT_LR,
) -> np.ndarray:
    """The source article's way to see a schedule: a fresh AdamW on ``nn.Linear(10, 2)`` (one per
    param group), the scheduler ``make_scheduler(optimizer)`` builds, both stepped ``num_steps``
    times; returns ``param_groups[i]['lr']`` as read before each step.

    ``lr`` is the optimizer's lr (1e-3 by default, as everywhere in lrlib), or one lr per param
    group (the first is also ``optimizer.defaults['lr']``). The shape follows the number of param
    groups: one group gives a curve, shape ``(num_steps,)``, whether ``lr`` is ``1e-3`` or
    ``[1e-3]``; several give one column per group, ``(num_steps, groups)``. It steps a throw-away
    optimizer and leaves torch's global random state as it was; to look ahead in a run you are
    training, use ``lrlib.trace``.

    >>> import lrlib
    >>> record_lrs(lambda opt: lrlib.get_scheduler("linear", opt, 2, 4), 6).tolist()
    [0.0, 0.0005, 0.001, 0.0005, 0.0, 0.0]
    >>> record_lrs(lambda opt: lrlib.get_scheduler("linear", opt, 2, 4), 6, lr=[1e-3, 1e-4]).shape
    (6, 2)
    """
    if not callable(make_scheduler):
        raise TypeError(f"make_scheduler must be a function of the optimizer that returns a scheduler, such as "
                        f"lambda opt: get_scheduler('cosine', opt, 10, 100); got {type(make_scheduler).__name__}.")
    num_steps = check_step_count("num_steps", num_steps)
    group_lrs = _learning_rates(lr)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        groups = [{"params": nn.Linear(10, 2).parameters(), "lr": value} for value in group_lrs]
    optimizer = torch.optim.AdamW(groups, lr=group_lrs[0])
    scheduler = make_scheduler(optimizer)
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"make_scheduler(optimizer) must return a scheduler (with .step()), got "
                        f"{type(scheduler).__name__}. Did you forget to return it?")
    rows = []
    for _ in range(num_steps):
        rows.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    lrs = np.array(rows, dtype=np.float64).reshape(num_steps, len(group_lrs))
    return lrs[:, 0] if len(group_lrs) == 1 else lrs


def _curve(argument: str, values: Any) -> np.ndarray:
    try:
        curve = np.asarray(values, dtype=np.float64)
        if curve.ndim == 0:
            raise TypeError
    except (TypeError, ValueError):
        raise TypeError(f"{argument} must be a curve: a sequence or an array of numbers, got "
                        f"{type(values).__name__}.") from None
    if curve.size == 0:
        raise ValueError(f"{argument} is empty: compare curves with at least one step.")
    return curve


def max_relative_difference(a: Sequence[float], b: Sequence[float]) -> float:
    """max |a - b| / max(max |a|, max |b|): the largest gap between two curves, as a fraction of
    the higher peak of the two (0 when both are all zero).

    It is nan when either curve holds a nan or an infinity, so a broken curve never passes for
    equal (``d < 1e-12`` is False for nan). The two must have the same shape.

    >>> max_relative_difference([0.0, 2.0, 1.0], [0.0, 2.0, 0.5])
    0.25
    >>> max_relative_difference([float("nan"), 1.0], [0.0, 1.0])
    nan
    """
    a, b = _curve("a", a), _curve("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape (the same steps and param groups), got {a.shape} and "
                         f"{b.shape}. Compare equal lengths, e.g. a[:n] and b[:n].")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return math.nan
    peak = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return float(np.max(np.abs(a - b)) / peak) if peak > 0 else 0.0
