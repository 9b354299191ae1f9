"""Argument checks for every schedule, with messages that name the argument and the fix.

transformers accepts many wrong inputs silently (a float step count, a warmup longer than
training, ``lr_end`` above the lr); here each one is a ``ValueError`` or ``TypeError``.
``resolve`` turns what a caller gave into the exact keyword arguments of a closed form.
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
import sys
import warnings
from typing import Any

from .schedules import CURVE_NAMES, SCHEDULE_NAMES, SCHEDULES, Schedule


class ScheduleWarning(UserWarning):
    """A schedule that runs, but not as its author probably meant."""


def schedule_for(name: Any) -> Schedule:
    """The registry entry for ``name`` (a string or transformers' ``SchedulerType``)."""
    name = getattr(name, "value", name)
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'cosine', got {name!r} ({type(name).__name__})")
    if name not in SCHEDULES:
        close = difflib.get_close_matches(name, SCHEDULE_NAMES, n=1, cutoff=0.4)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"name={name!r} is not a schedule. {hint}Valid names: {', '.join(SCHEDULE_NAMES)}.")
    return SCHEDULES[name]


def curve_schedule_for(name: Any) -> Schedule:
    """Like ``schedule_for``, refusing the metric-driven schedules, which have no curve."""
    schedule = schedule_for(name)
    if not schedule.has_curve:
        raise ValueError(
            f"{schedule.name!r} has no curve: its lr depends on a metric you pass to step(), not on the "
            f"step count. Schedules with a curve: {', '.join(CURVE_NAMES)}."
        )
    return schedule


def check_whole_number(argument: str, value: Any, *, minimum: int, hint: str = "") -> int:
    """``value`` as an int >= ``minimum``, or a TypeError/ValueError naming ``argument``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be a whole number, got {value!r} ({type(value).__name__}).{hint}")
    if value < minimum:
        raise ValueError(f"{argument} must be >= {minimum}, got {value}.")
    return int(value)


def check_step_count(argument: str, value: Any, *, minimum: int = 0) -> int:
    """A number of steps: a whole number >= ``minimum``."""
    return check_whole_number(
        argument, value, minimum=minimum, hint=" Round it yourself, e.g. math.ceil(0.06 * num_training_steps)."
    )


def check_lr(argument: str, value: Any) -> float:
    """A finite, positive learning rate as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a number such as 1e-3, got {value!r} ({type(value).__name__}).")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{argument} must be a finite number > 0, got {value!r}.")
    return float(value)


def _check_real(argument: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{argument} must be a finite number, got {value!r} ({type(value).__name__}).")
    return float(value)


def _check_fraction(argument: str, value: Any) -> float:
    value = _check_real(argument, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{argument} must be in [0, 1], got {value!r}.")
    return value


def _check_positive(argument: str, value: Any) -> float:
    if _check_real(argument, value) <= 0:
        raise ValueError(f"{argument} must be > 0, got {value!r}.")
    return float(value)


def _check_kwargs_known(schedule: Schedule, kwargs: dict[str, Any]) -> None:
    known = [p.name for p in schedule.params]
    for key in kwargs:
        if key not in known:
            if known:
                allowed = f"It accepts: {', '.join(known)}."
            else:
                allowed = "It takes no scheduler_specific_kwargs."
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{schedule.name!r} got an unknown argument {key!r}.{hint} {allowed}")
    for param in schedule.params:
        if param.required and param.name not in kwargs:
            raise ValueError(
                f"{schedule.name!r} requires {param.name!r} ({param.doc}); pass it in "
                f"scheduler_specific_kwargs, e.g. {{'{param.name}': 100}}."
            )


def warn_if_warmup_ignored(schedule: Schedule, num_warmup_steps: Any) -> None:
    """Warn (``ScheduleWarning``) when a schedule without warmup is given a warmup length."""
    if num_warmup_steps:
        check_step_count("num_warmup_steps", num_warmup_steps)
        warnings.warn(
            f"{schedule.name!r} ignores num_warmup_steps={num_warmup_steps}: it does not warm up. "
            "Use 'constant_with_warmup' for a warmup followed by a constant lr.",
            ScheduleWarning,
            stacklevel=_first_frame_outside_lrlib(),
        )


def _first_frame_outside_lrlib() -> int:
    """The ``stacklevel`` that points a warning at the user's line, not at lrlib's."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _check_step_counts(schedule: Schedule, num_warmup_steps: Any, num_training_steps: Any) -> tuple[int | None, int | None]:
    if schedule.warmup == "ignored":
        warn_if_warmup_ignored(schedule, num_warmup_steps)
        warmup = None
    elif num_warmup_steps is None:
        raise ValueError(f"{schedule.name!r} requires num_warmup_steps (use 0 for no warmup).")
    else:
        warmup = check_step_count("num_warmup_steps", num_warmup_steps)

    if schedule.training == "ignored":
        return warmup, None
    if num_training_steps is None:
        if schedule.training == "required":
            raise ValueError(
                f"{schedule.name!r} requires num_training_steps: the number of optimizer steps of the whole "
                "run (lrlib.training_steps computes it)."
            )
        return warmup, None
    training = check_step_count("num_training_steps", num_training_steps, minimum=1)
    if warmup is not None and warmup > training:
        raise ValueError(
            f"num_warmup_steps={warmup} is larger than num_training_steps={training}: the schedule would "
            "end before warmup does. Lower num_warmup_steps (a few percent of training is usual)."
        )
    return warmup, training


def _resolve_min_lr(kwargs: dict[str, Any], lr: float) -> float:
    min_lr, min_lr_rate = kwargs.pop("min_lr", None), kwargs.pop("min_lr_rate", None)
    if (min_lr is None) == (min_lr_rate is None):
        given = "both were" if min_lr is not None else "neither was"
        raise ValueError(
            f"Give exactly one of min_lr (an absolute lr) or min_lr_rate (a fraction of the lr); {given} "
            "given. Example: scheduler_specific_kwargs={'min_lr_rate': 0.1}."
        )
    if min_lr_rate is not None:
        return _check_fraction("min_lr_rate", min_lr_rate)
    min_lr = _check_real("min_lr", min_lr)
    if not 0.0 <= min_lr <= lr:
        raise ValueError(
            f"min_lr={min_lr!r} must be in [0, lr={lr!r}] (the optimizer's default lr). "
            "For a floor relative to each group's lr, pass min_lr_rate instead."
        )
    return min_lr / lr


def _resolve_specific(schedule: Schedule, kwargs: dict[str, Any], lr: float, warmup: int | None, training: int | None) -> dict[str, Any]:
    name = schedule.name
    if "num_cycles" in kwargs:
        if name == "cosine_with_restarts":
            kwargs["num_cycles"] = check_whole_number("num_cycles", kwargs["num_cycles"], minimum=1)
        else:
            kwargs["num_cycles"] = _check_positive("num_cycles", kwargs["num_cycles"])
    if "power" in kwargs:
        kwargs["power"] = _check_positive("power", kwargs["power"])
    if name == "polynomial":
        lr_end = _check_real("lr_end", kwargs.get("lr_end", schedule.param("lr_end").default))
        if not 0.0 <= lr_end < lr:
            raise ValueError(
                f"lr_end={lr_end!r} must be >= 0 and smaller than lr={lr!r} (the optimizer's default lr): "
                "lr_end is an absolute learning rate, not a ratio."
            )
        if warmup == training:
            raise ValueError(
                f"'polynomial' needs num_training_steps > num_warmup_steps (both are {training}): its decay "
                "phase would have zero length."
            )
        kwargs.update(lr_end=lr_end, lr_init=lr)
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        kwargs["min_lr_rate"] = _resolve_min_lr(kwargs, lr)
    if kwargs.get("warmup_lr_rate") is not None:
        kwargs["warmup_lr_rate"] = _check_fraction("warmup_lr_rate", kwargs["warmup_lr_rate"])
    if name == "inverse_sqrt":
        timescale = kwargs.get("timescale")
        kwargs["timescale"] = (warmup or 10_000) if timescale is None else check_whole_number("timescale", timescale, minimum=1)
    if name == "warmup_stable_decay":
        _resolve_wsd(kwargs, warmup, training)
    return kwargs


def _resolve_wsd(kwargs: dict[str, Any], warmup: int, training: int | None) -> None:
    for shape in ("warmup_type", "decay_type"):
        if shape in kwargs and kwargs[shape] not in SCHEDULES["warmup_stable_decay"].param(shape).choices:
            raise ValueError(f"{shape}={kwargs[shape]!r} is not a WSD shape; use 'linear', 'cosine' or '1-sqrt'.")
    if "min_lr_ratio" in kwargs:
        kwargs["min_lr_ratio"] = _check_fraction("min_lr_ratio", kwargs["min_lr_ratio"])
    decay = kwargs["num_decay_steps"] = check_step_count("num_decay_steps", kwargs["num_decay_steps"])
    stable = kwargs.get("num_stable_steps")
    if stable is None:
        if training is None:
            raise ValueError(
                "'warmup_stable_decay' needs num_training_steps, or num_stable_steps in scheduler_specific_kwargs."
            )
        if warmup + decay > training:
            raise ValueError(
                f"num_warmup_steps + num_decay_steps = {warmup} + {decay} = {warmup + decay} is longer than "
                f"num_training_steps={training}. Shorten the warmup or the decay."
            )
        kwargs["num_stable_steps"] = training - warmup - decay
        return
    stable = kwargs["num_stable_steps"] = check_step_count("num_stable_steps", stable)
    if training is not None and warmup + stable + decay != training:
        raise ValueError(
            f"num_warmup_steps + num_stable_steps + num_decay_steps = {warmup + stable + decay}, but "
            f"num_training_steps={training}. Give only one of num_stable_steps and num_training_steps, "
            "or make them agree."
        )


def resolve(name: Any, *, lr: float, num_warmup_steps: Any = None, num_training_steps: Any = None,
            scheduler_specific_kwargs: dict[str, Any] | None = None) -> tuple[Schedule, dict[str, Any]]:
    """Check every argument and return the schedule with the keywords its closed form takes.

    ``lr`` is the reference learning rate that absolute arguments (``lr_end``, ``min_lr``) are
    measured against: ``optimizer.defaults['lr']``, as in transformers.

    >>> schedule, kwargs = resolve("polynomial", lr=1e-3, num_warmup_steps=10, num_training_steps=100)
    >>> sorted(kwargs.items())
    [('lr_end', 1e-07), ('lr_init', 0.001), ('num_training_steps', 100), ('num_warmup_steps', 10)]
    """
    schedule = curve_schedule_for(name)
    if scheduler_specific_kwargs is not None and not isinstance(scheduler_specific_kwargs, dict):
        raise TypeError(
            f"scheduler_specific_kwargs must be a dict such as {{'num_cycles': 2}}, got "
            f"{type(scheduler_specific_kwargs).__name__}."
        )
    kwargs = dict(scheduler_specific_kwargs or {})
    _check_kwargs_known(schedule, kwargs)
    warmup, training = _check_step_counts(schedule, num_warmup_steps, num_training_steps)
    kwargs = _resolve_specific(schedule, kwargs, lr, warmup, training)
    if warmup is not None:
        kwargs["num_warmup_steps"] = warmup
    if training is not None and schedule.training == "required":
        kwargs["num_training_steps"] = training
    return schedule, {key: value for key, value in kwargs.items() if value is not None}
