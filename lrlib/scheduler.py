"""``get_scheduler``, a validated drop-in for transformers', and ``lr_curve``, its closed form."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Mapping

import numpy as np
import torch
from torch.optim.lr_scheduler import LambdaLR, ReduceLROnPlateau

from .registry import DEFAULT_LR, SCHEDULES, Schedule
from .validate import (
    check_kwargs, check_lr, check_step_count, resolve, schedule_for, schedule_kwargs, warn_if_warmup_ignored,
)

_PLATEAU_ARGUMENTS = tuple(inspect.signature(ReduceLROnPlateau).parameters)[1:]


def _plateau_scheduler(optimizer: torch.optim.Optimizer, kwargs: dict[str, Any]) -> ReduceLROnPlateau:
    unknown = sorted(set(kwargs) - set(_PLATEAU_ARGUMENTS))
    if unknown:
        raise TypeError(
            f"'reduce_lr_on_plateau' got unknown arguments {unknown}. ReduceLROnPlateau accepts: "
            f"{', '.join(_PLATEAU_ARGUMENTS)}."
        )
    return ReduceLROnPlateau(optimizer, **kwargs)


def _reference_lr(optimizer: torch.optim.Optimizer) -> float | None:
    """``optimizer.defaults['lr']``, checked; None when the optimizer has none."""
    for index, group in enumerate(optimizer.param_groups):
        if group.get("lr") is None:
            raise ValueError(
                f"optimizer.param_groups[{index}]['lr'] is None: this optimizer (e.g. transformers' Adafactor with "
                "relative_step=True) computes its own lr at every step, so a schedule has nothing to scale. "
                "Create it with an lr and relative_step=False to use a schedule, or use "
                "transformers.optimization.AdafactorSchedule to log the lr it picks."
            )
    lr = optimizer.defaults.get("lr")
    if lr is None:
        return None
    return check_lr("optimizer.defaults['lr']", lr.item() if isinstance(lr, torch.Tensor) else lr)


def get_scheduler(
    name: Any,
    optimizer: torch.optim.Optimizer,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict[str, Any] | None = None,
) -> LambdaLR | ReduceLROnPlateau:
    """transformers' ``get_scheduler``, with the same call and the same learning rates, that
    refuses bad arguments instead of training with a wrong schedule.

    Every param group's lr is ``initial_lr * f(step)`` with ``f`` the closed form of ``name`` in
    ``lrlib.schedules``, its arguments checked against ``lrlib.registry``. The lambda is a
    ``functools.partial`` of a module-level function, so ``torch.save(scheduler)`` and
    ``state_dict()``/``load_state_dict()`` resume exactly. A schedule's own arguments come in
    ``scheduler_specific_kwargs``, as in transformers; ``lr_curve``, ``plot_schedule`` and
    ``preview_run`` take the same dict (or the same arguments flat), so the arguments of this call
    can be pasted into them.

    >>> model = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    >>> scheduler = get_scheduler("linear", optimizer, num_warmup_steps=2, num_training_steps=10)
    >>> lrs = []
    >>> for _ in range(3):
    ...     lrs.append(optimizer.param_groups[0]["lr"])
    ...     optimizer.step()
    ...     scheduler.step()
    >>> lrs
    [0.0, 0.0005, 0.001]
    """
    schedule = schedule_for(name)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
    if schedule.name == "greedy":
        raise ValueError(
            "'greedy' (GreedyLR) is transformers' own metric-driven scheduler and lrlib does not reimplement "
            "it: use transformers.get_scheduler('greedy', optimizer, scheduler_specific_kwargs=...) and call "
            "scheduler.step(metric)."
        )
    if schedule.name == "reduce_lr_on_plateau":
        warn_if_warmup_ignored(schedule, num_warmup_steps)
        return _plateau_scheduler(optimizer, check_kwargs("scheduler_specific_kwargs", scheduler_specific_kwargs))
    schedule, kwargs = resolve(
        schedule.name,
        lr=_reference_lr(optimizer),
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        scheduler_specific_kwargs=scheduler_specific_kwargs,
    )
    return LambdaLR(optimizer, functools.partial(schedule.function, **kwargs))


def _arguments_text(schedule: Schedule) -> str:
    """One schedule's arguments, one per line, as ``help(get_scheduler)`` lists them."""
    lines = [f"{schedule.name}: {schedule.summary}"]
    steps = {"num_warmup_steps": schedule.warmup, "num_training_steps": schedule.training}
    lines += [f"    {name}: {use}" for name, use in steps.items() if use != "required"]
    for param in schedule.params:
        lines.append(f"    {param.name}: {param.domain.text()}, {param.default_text()} ({param.doc})")
    lines += [f"    {group.text()}" for group in schedule.alternatives]
    lines += [f"    {relation.text()}" for relation in schedule.relations]
    return "\n".join(lines)


get_scheduler.__doc__ += (
    "\n    The schedules and their scheduler_specific_kwargs (each argument's valid values, its default, "
    "and which\n    arguments stand for the same thing or must agree), from lrlib.SCHEDULES:\n\n"
    + "\n".join("    " + line for schedule in SCHEDULES.values() for line in _arguments_text(schedule).splitlines())
    + "\n"
)


def lr_curve(
    name: Any,
    num_steps: int,
    *,
    lr: float = DEFAULT_LR,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: Mapping[str, Any] | None = None,
    **schedule_arguments: Any,
) -> np.ndarray:
    """The lr at steps 0 .. num_steps-1, in closed form: ``lr * f(step)``.

    Step ``k`` is what ``optimizer.param_groups[0]['lr']`` reads before the (k+1)-th
    ``optimizer.step()`` of a run whose optimizer was made with ``lr``. ``num_steps`` may go
    past ``num_training_steps``, to see what a schedule does when training runs too long.

    ``lr`` defaults to 1e-3, as everywhere in lrlib (``lrlib.registry.DEFAULT_LR``); ``lr=1.0``
    gives the multiplier ``f`` itself. The schedule's own arguments go flat (``num_cycles=2``) or,
    as ``get_scheduler`` takes them, in ``scheduler_specific_kwargs={"num_cycles": 2}``, so a
    ``get_scheduler`` call can be pasted.

    >>> lr_curve("cosine", 5, num_warmup_steps=1, num_training_steps=3).round(6).tolist()
    [0.0, 0.001, 0.0005, 0.0, 0.0005]
    >>> lr_curve("cosine", 5, lr=1.0, num_warmup_steps=1, num_training_steps=3,
    ...          scheduler_specific_kwargs={"num_cycles": 1}).round(6).tolist()
    [0.0, 1.0, 0.0, 1.0, 0.0]
    """
    num_steps = check_step_count("num_steps", num_steps)
    lr = check_lr("lr", lr)
    schedule, kwargs = resolve(
        name,
        lr=lr,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        scheduler_specific_kwargs=schedule_kwargs(scheduler_specific_kwargs, schedule_arguments),
    )
    return lr * schedule.function(np.arange(num_steps, dtype=np.float64), **kwargs)
