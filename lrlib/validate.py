"""Argument checks for every schedule, with messages that name the argument and the fix.

transformers accepts many wrong inputs silently (a float step count, a warmup longer than
training, ``lr_end`` above the lr); here each one is a ``ValueError`` or ``TypeError``.
``resolve`` turns what a caller gave into the exact keyword arguments of a closed form, in one
generic pass over the registry's declarations (``lrlib.registry``): each argument against its
domain, then the alternatives (exactly one of min_lr/min_lr_rate, ...), then the relations
between arguments, then the computed defaults. No check here knows a schedule by name.
"""

from __future__ import annotations

import difflib
import inspect
import math
import numbers
import os
import sys
import warnings
from typing import Any, Iterable, Mapping

import numpy as np

from .domains import LR, Domain, whole
from .registry import (
    COMMON_RELATIONS, CURVE_NAMES, LR_PARAM, NUM_TRAINING_STEPS, NUM_WARMUP_STEPS, SCHEDULE_NAMES, SCHEDULES, Param,
    Schedule,
)


class ScheduleWarning(UserWarning):
    """A schedule that runs, but not as its author probably meant. ``pitfall`` names the kind, as
    ``lrlib.preview_run`` names its flags."""

    def __init__(self, message: str = "", pitfall: str = "") -> None:
        super().__init__(message)
        self.pitfall = pitfall


def schedule_for(name: Any) -> Schedule:
    """The registry entry for ``name`` (a string or transformers' ``SchedulerType``)."""
    name = getattr(name, "value", name)
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'cosine', got {name!r} ({type(name).__name__}).")
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


# ---------------------------------------------------------------- one value against its domain


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _shown(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _example(argument: str, examples: Iterable[Any]) -> str:
    first = next(iter(examples), None)
    return "" if first is None else f" For example {argument}={first!r}."


def check_value(argument: str, domain: Domain, value: Any, *, lr: float | None = None, fix: str = "",
                examples: Iterable[Any] = ()) -> Any:
    """``value`` as a plain Python value of ``domain``, or a TypeError/ValueError that names
    ``argument``, says what is allowed, and ends with ``fix`` (or an example).

    numpy scalars count as their Python kind. A bool is refused where a number is expected.

    >>> check_value("power", Domain("real", low=0.0, low_open=True), np.float32(2.0))
    2.0
    >>> check_value("num_cycles", whole(1), True)
    Traceback (most recent call last):
    ...
    TypeError: num_cycles must be a whole number, got True (bool): a bool where a count is expected is probably a mistake. Pass an int.
    """
    given, advice = value, f" {fix}" if fix else _example(argument, examples)
    if domain.kind == "flag":
        if not _is_bool(value):
            raise TypeError(f"{argument} must be True or False, got {_shown(value)}.")
        return bool(value)
    if domain.kind == "choice":
        if not isinstance(value, str) and all(isinstance(c, str) for c in domain.choices):
            raise TypeError(f"{argument} must be {domain.text()}, got {_shown(value)}.")
        if value not in domain.choices:
            close = difflib.get_close_matches(str(value), [str(c) for c in domain.choices], n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{argument}={value!r} is not {domain.text()}.{hint}")
        return str(value) if isinstance(value, str) else value
    if domain.kind == "whole":
        if _is_bool(value):
            raise TypeError(f"{argument} must be a whole number, got {_shown(value)}: a bool where a count is "
                            f"expected is probably a mistake. Pass an int.{_example(argument, examples)}")
        if not isinstance(value, numbers.Integral):
            rounding = ""
            if isinstance(value, numbers.Real) and math.isfinite(value):
                rounding = f" Round it yourself, e.g. math.ceil({value!r}) == {math.ceil(value)}."
            raise TypeError(f"{argument} must be a whole number, got {_shown(value)}.{rounding}")
        value = int(value)
    else:
        if _is_bool(value):
            raise TypeError(f"{argument} must be a number, got {_shown(value)}: a bool is not a number here."
                            f"{_example(argument, examples)}")
        if not isinstance(value, numbers.Real):
            raise TypeError(f"{argument} must be a number, got {_shown(value)}.{_example(argument, examples)}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{argument} must be a finite number {domain.text(lr)}, got {given!r}.{advice}")
    if LR in (domain.low, domain.high) and lr is None:
        raise ValueError(
            f"{argument} is measured against optimizer.defaults['lr'], which is None here (Adafactor with "
            "relative_step=True sets its own lr). Create the optimizer with an lr, or leave "
            f"{argument} out.")
    if not domain.contains(value, lr):
        words = domain.text(lr).removeprefix("a whole number ")
        where = " Here lr is the optimizer's default lr, optimizer.defaults['lr']." if LR in (domain.low, domain.high) else ""
        raise ValueError(f"{argument} must be {words}, got {given!r}.{where}{advice}")
    return value


def check_param(param: Param, value: Any, lr: float | None = None) -> Any:
    """``check_value`` with what ``param`` declares."""
    return check_value(param.name, param.domain, value, lr=lr, fix=param.fix, examples=param.examples)


def check_whole_number(argument: str, value: Any, *, minimum: int, hint: str = "") -> int:
    """``value`` as an int >= ``minimum``, or a TypeError/ValueError naming ``argument``."""
    return check_value(argument, whole(minimum), value, fix=hint)


def check_step_count(argument: str, value: Any, *, minimum: int = 0) -> int:
    """A number of steps: a whole number >= ``minimum``."""
    return check_value(argument, whole(minimum), value)


def check_lr(argument: str, value: Any) -> float:
    """A finite, positive learning rate as a float."""
    return check_value(argument, LR_PARAM.domain, value, examples=LR_PARAM.examples)


def check_flag(argument: str, value: Any) -> bool:
    """True or False (numpy's bools too)."""
    return check_value(argument, Domain("flag"), value)


def check_kwargs(argument: str, value: Any) -> dict[str, Any]:
    """A schedule's own arguments as a dict: None (none), or any mapping (a dict, ``MappingProxyType``,
    a config object that is a ``Mapping``), with string keys. Anything else is a TypeError naming
    ``argument``, where ``dict(value)`` would say "dictionary update sequence" or quietly pair up
    the characters of strings.

    >>> check_kwargs("scheduler_specific_kwargs", None)
    {}
    >>> check_kwargs("scheduler_specific_kwargs", [("num_cycles", 2)])
    Traceback (most recent call last):
    ...
    TypeError: scheduler_specific_kwargs must be a mapping such as {'num_cycles': 2} (a dict of the schedule's own arguments), got [('num_cycles', 2)] (list). Write it as a dict: {'num_cycles': 2}.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        fix = ""
        if isinstance(value, (list, tuple)) and value and all(isinstance(i, tuple) and len(i) == 2 for i in value):
            fix = f" Write it as a dict: {dict(value)!r}."
        elif isinstance(value, str):
            fix = " A JSON string is parsed only by TrainingArguments when it is created; pass a dict."
        raise TypeError(f"{argument} must be a mapping such as {{'num_cycles': 2}} (a dict of the schedule's own "
                        f"arguments), got {_shown(value)}.{fix}")
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"{argument} must have argument names (strings) as keys, got the key {_shown(key)}.")
    return dict(value)


def schedule_kwargs(scheduler_specific_kwargs: Any, flat: Mapping[str, Any]) -> dict[str, Any]:
    """A schedule's own arguments, given as ``scheduler_specific_kwargs=`` (a mapping, as
    ``get_scheduler`` takes them, so a call can be pasted), as flat keywords, or both; an
    argument given both ways is a TypeError.

    >>> schedule_kwargs({"num_cycles": 2}, {"num_cycles": 3})
    Traceback (most recent call last):
    ...
    TypeError: num_cycles is given twice, as num_cycles=3 and in scheduler_specific_kwargs={'num_cycles': 2}. Give it once.
    """
    given = check_kwargs("scheduler_specific_kwargs", scheduler_specific_kwargs)
    twice = sorted(set(given) & set(flat))
    if twice:
        name = twice[0]
        raise TypeError(f"{name} is given twice, as {name}={flat[name]!r} and in scheduler_specific_kwargs={given!r}. "
                        "Give it once.")
    return {**given, **flat}


# ---------------------------------------------------------------- warnings that point at the caller


def user_stacklevel(*modules: Any) -> int:
    """The ``stacklevel`` that points a warning at the user's line: past every frame in lrlib
    and in the packages of ``modules`` (torch, accelerate, ...), which call lrlib's hooks."""
    packages = [os.path.dirname(os.path.abspath(__file__))]
    packages += [os.path.dirname(os.path.abspath(module.__file__)) for module in modules]
    frame, level = sys._getframe(1), 1
    while frame is not None and any(os.path.abspath(frame.f_code.co_filename).startswith(p + os.sep)
                                    for p in packages):
        frame, level = frame.f_back, level + 1
    return level


def warn_if_warmup_ignored(schedule: Schedule, num_warmup_steps: Any) -> None:
    """Warn (``ScheduleWarning``) when a schedule without warmup is given a warmup length."""
    if num_warmup_steps is not None and check_step_count("num_warmup_steps", num_warmup_steps):
        warnings.warn(
            ScheduleWarning(f"{schedule.name!r} ignores num_warmup_steps={num_warmup_steps}: it does not warm up. "
                            "Use 'constant_with_warmup' for a warmup followed by a constant lr.", "warmup ignored"),
            stacklevel=user_stacklevel(),
        )


def _warn_if_run_ends_in_warmup(schedule: Schedule, num_warmup_steps: Any, num_training_steps: int) -> None:
    """A schedule that ignores num_training_steps cannot refuse a run shorter than its warmup: warn."""
    if isinstance(num_warmup_steps, int) and 0 < num_training_steps <= num_warmup_steps:
        warnings.warn(
            ScheduleWarning(
                f"the run ends during warmup: its num_training_steps={num_training_steps} steps are all warmup "
                f"steps (num_warmup_steps={num_warmup_steps}), so the lr never reaches its peak. "
                f"{schedule.name!r} does not use num_training_steps, so nothing else stops this: shorten the "
                "warmup (a few percent of the run is usual).",
                "ends during warmup"),
            stacklevel=user_stacklevel(),
        )


# ---------------------------------------------------------------- the generic pass


def _check_kwargs_known(schedule: Schedule, kwargs: dict[str, Any]) -> None:
    known = [p.name for p in schedule.params]
    for key in kwargs:
        if key not in known:
            allowed = f"It accepts: {', '.join(known)}." if known else "It takes no scheduler_specific_kwargs."
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{schedule.name!r} got an unknown argument {key!r}.{hint} {allowed}")
    for param in schedule.params:
        if param.required and param.name not in kwargs:
            example = param.examples[0] if param.examples else 1
            raise ValueError(
                f"{schedule.name!r} requires {param.name!r} ({param.doc}); pass it in "
                f"scheduler_specific_kwargs, e.g. {{{param.name!r}: {example!r}}}."
            )


def _step_counts(schedule: Schedule, num_warmup_steps: Any, num_training_steps: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for param, given, use in ((NUM_WARMUP_STEPS, num_warmup_steps, schedule.warmup),
                              (NUM_TRAINING_STEPS, num_training_steps, schedule.training)):
        if use == "ignored":
            if param is NUM_WARMUP_STEPS:
                warn_if_warmup_ignored(schedule, given)
            elif given is not None:
                # Unused, but a float or a bool here is a mistake in the caller's count all the same.
                given = check_param(param, given)
                if schedule.warmup != "ignored":
                    _warn_if_run_ends_in_warmup(schedule, values.get(NUM_WARMUP_STEPS.name), given)
            continue
        if given is None and use == "required":
            raise ValueError(f"{schedule.name!r} requires {param.name} ({param.doc}).{' ' + param.fix if param.fix else ''}")
        values[param.name] = None if given is None else check_param(param, given)
    return values


def _check_alternatives(schedule: Schedule, values: dict[str, Any]) -> None:
    for group in schedule.alternatives:
        given = [name for name in group.names if values.get(name) is not None]
        if (group.exactly and len(given) != 1) or not given:
            docs = {p.name: p.doc for p in (*schedule.params, NUM_TRAINING_STEPS, NUM_WARMUP_STEPS)}
            names = " or ".join(f"{name} ({docs[name]})" for name in group.names)
            how = "exactly" if group.exactly else "at least"
            state = "neither was" if not given else f"{' and '.join(given)} were"
            raise ValueError(f"{schedule.name!r} needs {how} one of {names}; {state} given. {group.fix}")


def _check_relations(schedule: Schedule, values: dict[str, Any]) -> None:
    relations = [(r, "") for r in COMMON_RELATIONS] + [(r, f"For {schedule.name!r}, ") for r in schedule.relations]
    for relation, prefix in relations:
        names = (*relation.left, relation.right)
        if any(values.get(name) is None for name in names) or relation.holds(values):
            continue
        if len(relation.left) == 1:
            left = f"{relation.left[0]}={values[relation.left[0]]}"
        else:
            parts = [str(values[name]) for name in relation.left]
            left = (f"{' + '.join(relation.left)} = {' + '.join(parts)} = "
                    f"{sum(values[name] for name in relation.left)}")
        verb = {"<": "is not smaller than", "<=": "is larger than", "==": "is not equal to"}[relation.op]
        raise ValueError(f"{prefix}{left} {verb} {relation.right}={values[relation.right]}. {relation.fix}")


def _fill_computed(schedule: Schedule, values: dict[str, Any]) -> None:
    for param in schedule.params:
        if param.computed is None or values.get(param.name) is not None:
            continue
        missing = [name for name in param.computed.needs if values.get(name) is None]
        if missing:
            raise ValueError(f"{schedule.name!r} computes {param.name} from {', '.join(missing)}: pass "
                             f"{' and '.join(missing)}, or {param.name} itself.")
        values[param.name] = param.computed.function(values)


def check_arguments(name: Any, *, lr: float | None, num_warmup_steps: Any = None, num_training_steps: Any = None,
                    scheduler_specific_kwargs: Mapping[str, Any] | None = None) -> tuple[Schedule, dict[str, Any]]:
    """Check a schedule's arguments against the registry, as ``get_scheduler`` does: each against
    its domain, then the alternatives, then the relations between them. Returns the schedule and
    each argument by its declared name, as a plain Python value (None: left out).

    ``lr`` is the reference learning rate that absolute arguments (``lr_end``, ``min_lr``) are
    measured against: ``optimizer.defaults['lr']``, as in transformers (None: there is none).

    >>> check_arguments("cosine", lr=1e-3, num_warmup_steps=10, num_training_steps=np.int64(100))[1]
    {'num_warmup_steps': 10, 'num_training_steps': 100, 'num_cycles': 0.5}
    """
    schedule = curve_schedule_for(name)
    kwargs = check_kwargs("scheduler_specific_kwargs", scheduler_specific_kwargs)
    _check_kwargs_known(schedule, kwargs)
    values = _step_counts(schedule, num_warmup_steps, num_training_steps)
    for param in schedule.params:
        given = kwargs.get(param.name, param.default)
        values[param.name] = None if given is None else check_param(param, given, lr)
    _check_alternatives(schedule, values)
    _check_relations(schedule, values)
    return schedule, values


def resolve(name: Any, *, lr: float | None, num_warmup_steps: Any = None, num_training_steps: Any = None,
            scheduler_specific_kwargs: Mapping[str, Any] | None = None) -> tuple[Schedule, dict[str, Any]]:
    """Check every argument (``check_arguments``) and return the schedule with the keywords its
    closed form takes: computed defaults filled in, absolute arguments turned into ratios of ``lr``.

    >>> schedule, kwargs = resolve("polynomial", lr=1e-3, num_warmup_steps=10, num_training_steps=100)
    >>> sorted(kwargs.items())
    [('lr_end', 1e-07), ('lr_init', 0.001), ('num_training_steps', 100), ('num_warmup_steps', 10), ('power', 1.0)]
    """
    schedule, values = check_arguments(name, lr=lr, num_warmup_steps=num_warmup_steps,
                                       num_training_steps=num_training_steps,
                                       scheduler_specific_kwargs=scheduler_specific_kwargs)
    _fill_computed(schedule, values)
    for param in schedule.params:
        if param.rate_of_lr and values.get(param.name) is not None:
            values[param.rate_of_lr] = values[param.name] / lr
    if schedule.lr_argument:
        values[schedule.lr_argument] = lr
    takes = inspect.signature(schedule.function).parameters
    return schedule, {key: value for key, value in values.items() if key in takes and value is not None}
