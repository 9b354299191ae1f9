"""``trace``: the learning rates a live scheduler will give next, without touching the run; and
``metric_driven``, whether a scheduler's step needs a metric (then it has no future to trace).

Stepping the real optimizer and scheduler to look at a schedule changes the training it looks
at. ``trace`` steps a copy instead: a stand-in optimizer holds a copy of each param group's
hyperparameters (lr, initial_lr, betas, momentum, ...) over one tiny dummy tensor, and the
scheduler is deep-copied with its optimizer replaced by the stand-in (child schedulers of
``SequentialLR`` / ``ChainedScheduler`` included). The model's parameters and the optimizer's
state are never copied, so the cost does not grow with the model.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import numbers
import warnings
from typing import Any

import numpy as np
import torch
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from .validate import check_step_count

# torch warns when a scheduler's first step() is not preceded by a step() of the optimizer it
# patched in its __init__. The copy is stepped on a stand-in that torch never patched, so these
# two messages would describe the look-ahead, not the user's loop: they are silenced only while a
# stand-in steps (trace, preview).
_TORCH_ORDER_WARNINGS = (
    r"Detected call of `lr_scheduler\.step\(\)` before `optimizer\.step\(\)`",
    r"Seems like `optimizer\.step\(\)` has been overridden after learning rate scheduler initialization",
)


@contextlib.contextmanager
def torch_order_warnings_silenced():
    """Silence, inside the block only, torch's two warnings about stepping a scheduler on a stand-in."""
    with warnings.catch_warnings():
        for message in _TORCH_ORDER_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning)
        yield


class _StandInOptimizer(torch.optim.Optimizer):
    """An optimizer with the hyperparameters of another one and nothing to optimize."""

    def __init__(self, optimizer: torch.optim.Optimizer) -> None:
        groups = []
        for group in optimizer.param_groups:
            hyperparameters = {key: copy.deepcopy(value) for key, value in group.items() if key != "params"}
            groups.append({**hyperparameters, "params": [torch.zeros(1)]})
        super().__init__(groups, copy.deepcopy(optimizer.defaults))

    def step(self, closure: Any = None) -> None:
        """Do nothing: only the learning rates matter here."""
        return None


def metric_driven(scheduler: Any) -> bool:
    """Whether ``scheduler.step`` needs a metric (ReduceLROnPlateau, transformers' GreedyLR)."""
    if isinstance(scheduler, ReduceLROnPlateau):
        return True
    step = getattr(scheduler, "step", None)
    if not callable(step):
        return False
    parameters = inspect.signature(step).parameters.values()
    return any(
        p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        for p in parameters
    )


def _detached_copy(scheduler: LRScheduler) -> tuple[LRScheduler, _StandInOptimizer]:
    """Deep-copy ``scheduler`` onto a stand-in optimizer, sharing nothing mutable with the run."""
    optimizer = scheduler.optimizer
    stand_in = _StandInOptimizer(optimizer)
    # The memo makes every reference to the real optimizer (and, defensively, to its groups,
    # its state and its parameters) resolve to the stand-in, so no tensor of the model is copied.
    memo: dict[int, Any] = {
        id(optimizer): stand_in,
        id(optimizer.param_groups): stand_in.param_groups,
        id(optimizer.state): stand_in.state,
    }
    for real_group, fake_group in zip(optimizer.param_groups, stand_in.param_groups):
        memo[id(real_group)] = fake_group
        memo[id(real_group["params"])] = fake_group["params"]
        for parameter in real_group["params"]:
            memo[id(parameter)] = fake_group["params"][0]
    return copy.deepcopy(scheduler, memo), stand_in


def _learning_rates(optimizer: torch.optim.Optimizer) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def trace(scheduler: LRScheduler, num_steps: int) -> np.ndarray:
    """The learning rates ``scheduler`` will give at its next ``num_steps`` steps.

    Row ``k`` holds, for each param group, the lr the optimizer will use at its ``k+1``-th
    next ``optimizer.step()`` if the loop steps the scheduler once after each optimizer step:
    row 0 is what ``optimizer.param_groups[i]['lr']`` reads now. Works for any torch scheduler
    whose ``step()`` takes no metric (LambdaLR, lrlib's and transformers' schedulers,
    SequentialLR, ChainedScheduler, OneCycleLR, CosineAnnealingWarmRestarts, ...), from any
    point of training. A ``ScheduleGuard`` or an accelerate ``AcceleratedScheduler`` is traced
    through the scheduler it wraps (rows are that scheduler's steps). The scheduler, the
    optimizer and the parameters are left exactly as they were, and memory does not grow with
    the size of the model.

    >>> import lrlib
    >>> model = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    >>> scheduler = lrlib.get_scheduler("linear", optimizer, num_warmup_steps=2, num_training_steps=4)
    >>> trace(scheduler, 6)[:, 0].tolist()
    [0.0, 0.0005, 0.001, 0.0005, 0.0, 0.0]
    >>> optimizer.param_groups[0]["lr"], scheduler.last_epoch   # untouched
    (0.0, 0)
    """
    if isinstance(scheduler, numbers.Real) and hasattr(num_steps, "step"):
        raise TypeError(
            f"trace takes the scheduler first: trace(scheduler, num_steps), got trace({scheduler!r}, "
            f"{type(num_steps).__name__})."
        )
    for _ in range(3):  # a ScheduleGuard or accelerate's AcceleratedScheduler (or both): the scheduler inside
        if isinstance(scheduler, LRScheduler) or getattr(scheduler, "scheduler", None) is None:
            break
        scheduler = scheduler.scheduler
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(
            f"scheduler must be a torch.optim.lr_scheduler scheduler (an LRScheduler), got "
            f"{type(scheduler).__name__}."
        )
    num_steps = check_step_count("num_steps", num_steps)
    if metric_driven(scheduler):
        raise ValueError(
            f"{type(scheduler).__name__} cannot be traced: its lr depends on the metric you pass to "
            "step(), not on the step count, so its future is unknown until training produces it."
        )
    copied, stand_in = _detached_copy(scheduler)
    rates = np.empty((num_steps, len(stand_in.param_groups)), dtype=np.float64)
    with torch_order_warnings_silenced():
        for step in range(num_steps):
            rates[step] = _learning_rates(stand_in)
            stand_in.step()
            try:
                copied.step()
            except ValueError as error:
                raise ValueError(
                    f"{type(scheduler).__name__} cannot look {num_steps} steps ahead from here: its step() "
                    f"number {step + 1} from now raises: {error}"
                ) from error
    return rates
