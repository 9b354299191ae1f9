"""Check a schedule against a real run: record it the article's way, and compare two curves."""

from __future__ import annotations

import numbers
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn


def record_lrs(
    make_scheduler: Callable[[torch.optim.Optimizer], object],
    num_steps: int,
    lr: float | Sequence[float] = 1e-3,
) -> np.ndarray:
    """The source article's way to see a schedule: a fresh AdamW on ``nn.Linear(10, 2)`` (one per
    param group), the scheduler ``make_scheduler(optimizer)`` builds, both stepped ``num_steps``
    times; returns ``param_groups[i]['lr']`` as read before each step.

    ``lr`` is the optimizer's lr, or one lr per param group (the first is also
    ``optimizer.defaults['lr']``); the result has shape ``(num_steps,)`` for one lr and
    ``(num_steps, groups)`` for several. It steps a throw-away optimizer and leaves torch's global
    random state as it was; to look ahead in a run you are training, use ``lrlib.trace``.

    >>> import lrlib
    >>> record_lrs(lambda opt: lrlib.get_scheduler("linear", opt, 2, 4), 6).tolist()
    [0.0, 0.0005, 0.001, 0.0005, 0.0, 0.0]
    """
    group_lrs = [lr] if isinstance(lr, numbers.Real) else list(lr)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        groups = [{"params": nn.Linear(10, 2).parameters(), "lr": value} for value in group_lrs]
    optimizer = torch.optim.AdamW(groups, lr=group_lrs[0])
    scheduler = make_scheduler(optimizer)
    rows = []
    for _ in range(num_steps):
        rows.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    lrs = np.array(rows, dtype=np.float64).reshape(num_steps, len(group_lrs))
    return lrs[:, 0] if isinstance(lr, numbers.Real) else lrs


def max_relative_difference(a: Sequence[float], b: Sequence[float]) -> float:
    """max |a - b| / max(max |a|, max |b|): the largest gap between two curves, as a fraction of
    the higher peak of the two (0 when both are all zero).

    >>> max_relative_difference([0.0, 2.0, 1.0], [0.0, 2.0, 0.5])
    0.25
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    peak = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return float(np.max(np.abs(a - b)) / peak) if peak > 0 else 0.0
