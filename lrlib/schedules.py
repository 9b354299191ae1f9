"""Closed forms of the learning-rate schedules of transformers 5.23, and their registry.

Every schedule is a pure function of the step that returns the *multiplier* LambdaLR applies to
each param group's initial lr: ``lr(step) = initial_lr * f(step)``. The functions take a scalar
or an array of steps (a scalar gives a float, an array gives an array) and repeat transformers'
arithmetic operation by operation, so that they agree with it to the last few bits.

A schedule is built from pieces glued at step boundaries, each piece on its own clock (the
idea of optax's ``join_schedules``): the warmup is written once, in ``_linear_warmup``, and
every decay counts its steps from the moment warmup ends. Because steps are whole numbers,
counting from the boundary changes no bit of the result.

The registry, ``SCHEDULES``, is data: each parameter declares its domain (an interval, a whole
number, a set of choices, a bound equal to the optimizer's lr), its computed default, and which
arguments exclude or must agree with each other. Validation (``lrlib.validate``), the explorer,
``help(lrlib.get_scheduler)``, the README table and ``docs/errors.md`` all read it; none of them
branches on a schedule's name. Adding a schedule means adding one entry.

Symbols used in the docstrings: ``s`` the step (0 before the first ``scheduler.step()``),
``t`` the step on a piece's own clock, ``W`` num_warmup_steps, ``T`` num_training_steps,
``p`` the progress through the decay phase.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

REQUIRED = object()
"""Marks a parameter with no default: the caller must give it."""


def _steps_in_multiplier_out(schedule: Callable[..., np.ndarray]) -> Callable[..., Any]:
    """Let a schedule written for float64 arrays take any step(s); scalars give a float back."""

    @functools.wraps(schedule)
    def wrapper(step, **parameters):
        steps = np.asarray(step, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            multiplier = schedule(steps, **parameters)
        return float(multiplier) if steps.ndim == 0 else multiplier

    return wrapper


def join(s: np.ndarray, boundaries: Sequence[float], pieces: Sequence[Callable[[np.ndarray], Any]]) -> np.ndarray:
    r"""Glue ``pieces`` at ``boundaries``, each piece on its own clock.

    .. math::
        f(s) = \begin{cases} g_0(s) & s < b_1 \\ g_k(s - b_k) & b_k \le s < b_{k+1} \\
               g_n(s - b_n) & s \ge b_n \end{cases}

    >>> join(np.arange(6.0), [2, 4], [lambda t: t, lambda t: 10 + t, lambda t: 20 + t]).tolist()
    [0.0, 1.0, 10.0, 11.0, 20.0, 21.0]
    """
    starts = (0, *boundaries)
    values = [np.broadcast_to(piece(s - start), s.shape) for piece, start in zip(pieces, starts)]
    return np.select([s < boundary for boundary in boundaries], values[:-1], values[-1])


def _linear_warmup(t: np.ndarray, num_warmup_steps: int) -> np.ndarray:
    """t / max(1, W): 0 at the first step, (W-1)/W at the last warmup step."""
    return t / float(max(1, num_warmup_steps))


def _decay_progress(t: np.ndarray, num_warmup_steps: int, num_training_steps: int) -> np.ndarray:
    """p = t / max(1, T - W), t counted from the end of warmup: 0 then, 1 at T, above 1 past T."""
    return t / float(max(1, num_training_steps - num_warmup_steps))


def _half_cosine(progress: np.ndarray, num_cycles: float) -> np.ndarray:
    """0.5 * (1 + cos(2*pi*c*p)): from 1 down to 0 over p in [0, 1] when c = 0.5."""
    return 0.5 * (1.0 + np.cos(math.pi * float(num_cycles) * 2.0 * progress))


def _with_floor(factor: np.ndarray, floor: float) -> np.ndarray:
    """factor * (1 - floor) + floor: rescale [0, 1] to [floor, 1]."""
    return factor * (1 - floor) + floor


def _warmup_then(s: np.ndarray, num_warmup_steps: int, decay: Callable[[np.ndarray], Any]) -> np.ndarray:
    """transformers' linear warmup over W steps, joined with ``decay`` on its own clock."""
    return join(s, [num_warmup_steps], [functools.partial(_linear_warmup, num_warmup_steps=num_warmup_steps), decay])


@_steps_in_multiplier_out
def constant(s: np.ndarray) -> np.ndarray:
    r"""No warmup: transformers' ``get_constant_schedule``.

    .. math:: f(s) = 1

    >>> constant(123)
    1.0
    """
    return np.ones_like(s)


@_steps_in_multiplier_out
def constant_with_warmup(s: np.ndarray, *, num_warmup_steps: int) -> np.ndarray:
    r"""Linear warmup, then constant.

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ 1 & s \ge W \end{cases}

    >>> constant_with_warmup([0, 5, 10, 20], num_warmup_steps=10).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    return _warmup_then(s, num_warmup_steps, lambda t: 1.0)


@_steps_in_multiplier_out
def linear(s: np.ndarray, *, num_warmup_steps: int, num_training_steps: int) -> np.ndarray:
    r"""Linear warmup, then linear decay to 0 at T, and 0 after it.

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ \max(0, (T - s) / \max(1, T - W)) & s \ge W \end{cases}

    >>> linear([0, 5, 10, 55, 100, 150], num_warmup_steps=10, num_training_steps=100).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """
    length = num_training_steps - num_warmup_steps
    return _warmup_then(s, num_warmup_steps, lambda t: np.maximum(0.0, (length - t) / float(max(1, length))))


@_steps_in_multiplier_out
def cosine(
    s: np.ndarray, *, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 0.5
) -> np.ndarray:
    r"""Linear warmup, then a cosine; with c = num_cycles = 0.5 it falls from 1 to 0 over the
    decay phase, and past T it climbs back up.

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ \tfrac12 (1 + \cos 2\pi c p) & s \ge W \end{cases}

    >>> cosine([0, 10, 55, 100, 145], num_warmup_steps=10, num_training_steps=100)
    array([0. , 1. , 0.5, 0. , 0.5])
    """
    def decay(t):
        return np.maximum(0.0, _half_cosine(_decay_progress(t, num_warmup_steps, num_training_steps), num_cycles))

    return _warmup_then(s, num_warmup_steps, decay)


@_steps_in_multiplier_out
def cosine_with_restarts(
    s: np.ndarray, *, num_warmup_steps: int, num_training_steps: int, num_cycles: int = 1
) -> np.ndarray:
    r"""Linear warmup, then c = num_cycles cosine decays, each jumping back to 1 (a hard
    restart), and 0 from T on.

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ \tfrac12 (1 + \cos(\pi\,((c p) \bmod 1))) & p < 1 \\ 0 & p \ge 1 \end{cases}

    >>> cosine_with_restarts([10, 35, 60, 85, 110], num_warmup_steps=10, num_training_steps=110,
    ...                      num_cycles=2).round(6).tolist()
    [1.0, 0.5, 1.0, 0.5, 0.0]
    """
    def decay(t):
        progress = _decay_progress(t, num_warmup_steps, num_training_steps)
        cycles = float(num_cycles) * progress
        # x - floor(x) is exactly x % 1.0 here (x >= 0), and far cheaper.
        wave = np.maximum(0.0, 0.5 * (1.0 + np.cos(math.pi * (cycles - np.floor(cycles)))))
        return np.where(progress >= 1.0, 0.0, wave)

    return _warmup_then(s, num_warmup_steps, decay)


@_steps_in_multiplier_out
def polynomial(
    s: np.ndarray,
    *,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_init: float,
    lr_end: float = 1e-7,
    power: float = 1.0,
) -> np.ndarray:
    r"""Linear warmup, then a decay of power ``power`` from the lr to ``lr_end``, and
    ``lr_end`` after T.

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ ((l_0 - l_e)(1 - p)^{k} + l_e) / l_0 & W \le s \le T \\ l_e / l_0 & s > T \end{cases}

    with k = power, l_e = lr_end, an absolute learning rate, and l_0 = lr_init, the optimizer's
    *default* lr (``optimizer.defaults['lr']``): a param group with another lr does not end at
    lr_end.

    >>> polynomial([0, 10, 55, 100], num_warmup_steps=10, num_training_steps=100,
    ...            lr_init=1.0, lr_end=0.0, power=2.0).tolist()
    [0.0, 1.0, 0.25, 0.0]
    """
    length = num_training_steps - num_warmup_steps

    def decay(t):
        falling = ((lr_init - lr_end) * (1 - t / length) ** power + lr_end) / lr_init
        return np.where(t > length, lr_end / lr_init, falling)

    return _warmup_then(s, num_warmup_steps, decay)


@_steps_in_multiplier_out
def inverse_sqrt(s: np.ndarray, *, num_warmup_steps: int, timescale: int) -> np.ndarray:
    r"""Linear warmup, then a decay that equals 1 when warmup ends and never reaches 0.

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ 1 / \sqrt{(t + \tau) / \tau} & s \ge W \end{cases}

    with t = s - W and τ = timescale.

    >>> inverse_sqrt([0, 5, 10, 40], num_warmup_steps=10, timescale=10).tolist()
    [0.0, 0.5, 1.0, 0.5]
    """
    return _warmup_then(s, num_warmup_steps, lambda t: 1.0 / np.sqrt((t + timescale) / timescale))


@_steps_in_multiplier_out
def cosine_with_min_lr(
    s: np.ndarray,
    *,
    num_warmup_steps: int,
    num_training_steps: int,
    min_lr_rate: float,
    num_cycles: float = 0.5,
) -> np.ndarray:
    r"""Linear warmup, then a cosine that ends at r = min_lr_rate instead of 0 (and, like
    ``cosine``, climbs back up past T).

    .. math:: f(s) = \begin{cases} s / \max(1, W) & s < W \\ r + (1 - r) \tfrac12 (1 + \cos 2\pi c p) & s \ge W \end{cases}

    >>> cosine_with_min_lr([0, 10, 100], num_warmup_steps=10, num_training_steps=100,
    ...                    min_lr_rate=0.1).tolist()
    [0.0, 1.0, 0.1]
    """
    def decay(t):
        progress = _decay_progress(t, num_warmup_steps, num_training_steps)
        return np.maximum(0.0, _with_floor(_half_cosine(progress, num_cycles), min_lr_rate))

    return _warmup_then(s, num_warmup_steps, decay)


@_steps_in_multiplier_out
def cosine_warmup_with_min_lr(
    s: np.ndarray,
    *,
    num_warmup_steps: int,
    num_training_steps: int,
    min_lr_rate: float,
    num_cycles: float = 0.5,
    warmup_lr_rate: float | None = None,
) -> np.ndarray:
    r"""Like ``cosine_with_min_lr`` but shifted one step earlier (its own off-by-one convention).

    .. math:: f(s) = \begin{cases} (s + 1) / \max(1, W) & s < W \\ r + (1 - r) \tfrac12 (1 + \cos 2\pi c p') & s \ge W \end{cases}

    with p' = (t + 1) / max(1, T - W), t = s - W. So the first step is 1/W, not 0, step W-1
    is 1, and the floor r is reached at s = T - 1, the last step of training. With
    ``warmup_lr_rate`` w the warmup is w + (1 - w) s / max(1, W - 1) instead: w at the first step.

    >>> cosine_warmup_with_min_lr([0, 9, 10, 99], num_warmup_steps=10, num_training_steps=100,
    ...                           min_lr_rate=0.1).round(6).tolist()
    [0.1, 1.0, 0.999726, 0.1]
    """
    def warmup(t):
        if warmup_lr_rate is None:
            return (t + 1.0) / max(1.0, float(num_warmup_steps))
        return warmup_lr_rate + (1.0 - warmup_lr_rate) * t / max(1, num_warmup_steps - 1)

    def decay(t):
        progress = (t + 1.0) / max(1.0, float(num_training_steps) - num_warmup_steps)
        return np.maximum(0.0, _with_floor(_half_cosine(progress, num_cycles), min_lr_rate))

    return join(s, [num_warmup_steps], [warmup, decay])


_WSD_WARMUP_SHAPES = {
    "linear": lambda p: p,
    "cosine": lambda p: 0.5 * (1.0 - np.cos(math.pi * p)),
    "1-sqrt": lambda p: 1.0 - np.sqrt(1.0 - p),
}
_WSD_DECAY_SHAPES = {
    "linear": lambda p, num_cycles: 1.0 - p,
    "cosine": _half_cosine,
    "1-sqrt": lambda p, num_cycles: 1.0 - np.sqrt(p),
}
WSD_TYPES = tuple(_WSD_WARMUP_SHAPES)


@_steps_in_multiplier_out
def warmup_stable_decay(
    s: np.ndarray,
    *,
    num_warmup_steps: int,
    num_stable_steps: int,
    num_decay_steps: int,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0.0,
    num_cycles: float = 0.5,
) -> np.ndarray:
    r"""Warmup-stable-decay (WSD): four pieces, S = num_stable_steps, D = num_decay_steps,
    r = min_lr_ratio.

    .. math:: f(s) = \begin{cases} r + (1 - r)\, g(s / \max(1, W)) & s < W \\ 1 & s < W + S \\ r + (1 - r)\, h(t / \max(1, D)) & s < W + S + D \\ r & \text{after} \end{cases}

    with t = s - W - S; g = linear p | cosine ½(1 - cos πp) | 1-sqrt 1 - √(1 - p) (warmup_type)
    and h = linear 1 - p | cosine ½(1 + cos 2πcp) | 1-sqrt 1 - √p (decay_type).

    >>> warmup_stable_decay([0, 5, 10, 50, 95, 100], num_warmup_steps=10, num_stable_steps=80,
    ...                     num_decay_steps=10, decay_type="linear").tolist()
    [0.0, 0.5, 1.0, 1.0, 0.5, 0.0]
    """
    def warmup(t):
        return np.maximum(0.0, _with_floor(_WSD_WARMUP_SHAPES[warmup_type](t / float(max(1, num_warmup_steps))), min_lr_ratio))

    def decay(t):
        shape = _WSD_DECAY_SHAPES[decay_type](t / float(max(1, num_decay_steps)), num_cycles)
        return np.maximum(0.0, _with_floor(shape, min_lr_ratio))

    decay_start = num_warmup_steps + num_stable_steps
    return join(s, [num_warmup_steps, decay_start, decay_start + num_decay_steps],
                [warmup, lambda t: 1.0, decay, lambda t: min_lr_ratio])


# ---------------------------------------------------------------- the registry: domains as data

LR = "lr"
"""A bound equal to the optimizer's default lr (``optimizer.defaults['lr']``), as in transformers."""


@dataclass(frozen=True)
class Domain:
    """The values an argument accepts.

    ``kind`` is ``"real"`` (a finite number), ``"whole"`` (an int; a bool is refused), ``"choice"``
    (one of ``choices``) or ``"flag"`` (True or False). Numbers lie between ``low`` and ``high``
    (None: unbounded; ``LR``: the optimizer's lr), each end closed unless ``low_open``/``high_open``.

    >>> Domain("real", low=0.0, high=LR, high_open=True).text(lr=1e-3)
    'in [0, lr=0.001)'
    """

    kind: str
    low: float | str | None = None
    high: float | str | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] = ()

    def bounds(self, lr: float | None = None) -> tuple[float | None, float | None]:
        """``low`` and ``high`` as numbers, ``LR`` replaced by ``lr``."""
        low, high = (lr if bound == LR else bound for bound in (self.low, self.high))
        return low, high

    def contains(self, value: Any, lr: float | None = None) -> bool:
        """Whether a value of the right type lies in the domain."""
        if self.kind in ("choice", "flag"):
            return value in (self.choices or (False, True))
        low, high = self.bounds(lr)
        if not math.isfinite(value):
            return False
        above = low is None or (value > low if self.low_open else value >= low)
        below = high is None or (value < high if self.high_open else value <= high)
        return above and below

    def text(self, lr: float | None = None) -> str:
        """The domain in words: ``> 0``, ``in [0, 1]``, ``one of 'linear', 'cosine'``."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "flag":
            return "True or False"
        names = [_bound_text(bound, lr) for bound in (self.low, self.high)]
        if self.high is None and self.low is not None:
            words = f"{'>' if self.low_open else '>='} {names[0]}"
        elif self.low is None and self.high is not None:
            words = f"{'<' if self.high_open else '<='} {names[1]}"
        elif self.low is None:
            words = "any value"
        else:
            words = f"in {'(' if self.low_open else '['}{names[0]}, {names[1]}{')' if self.high_open else ']'}"
        return f"a whole number {words}" if self.kind == "whole" else words

    def outside(self, lr: float | None = None) -> list[Any]:
        """Values of the right type just outside the domain, one per finite end (for tests)."""
        if self.kind == "choice":
            return [f"{self.choices[0]}-not"]
        if self.kind == "flag":
            return []
        low, high = self.bounds(lr)
        values = []
        for bound, is_open, direction in ((low, self.low_open, -math.inf), (high, self.high_open, math.inf)):
            if bound is None:
                continue
            if self.kind == "whole":
                values.append(int(bound) if is_open else int(bound) + (1 if direction > 0 else -1))
            else:
                values.append(float(bound) if is_open else math.nextafter(float(bound), direction))
        return values

    def readable_outside(self, lr: float | None = None) -> list[Any]:
        """Like ``outside``, with round numbers a reader recognises (for the docs)."""
        if self.kind != "real":
            return self.outside(lr)
        low, high = self.bounds(lr)
        values = []
        for bound, is_open, sign in ((low, self.low_open, -1), (high, self.high_open, 1)):
            if bound is not None:
                values.append(float(bound) if is_open else float(bound) + sign * (abs(bound) or 0.1))
        return values


def _bound_text(bound: Any, lr: float | None) -> str:
    if bound == LR:
        return "lr" if lr is None else f"lr={lr!r}"
    return f"{bound:g}" if isinstance(bound, float) else str(bound)


def real(low: float | str | None = None, high: float | str | None = None, *, low_open: bool = False,
         high_open: bool = False) -> Domain:
    """A finite number between ``low`` and ``high``."""
    return Domain("real", low, high, low_open, high_open)


def whole(minimum: int = 0) -> Domain:
    """A whole number >= ``minimum``."""
    return Domain("whole", low=minimum)


def one_of(*choices: Any) -> Domain:
    """One of ``choices``."""
    return Domain("choice", choices=tuple(choices))


FLAG = Domain("flag")


@dataclass(frozen=True)
class Relative:
    """A value proportional to another argument: ``factor * of`` (a whole number for counts)."""

    of: str
    factor: float = 1.0

    def value(self, values: Mapping[str, Any], whole_number: bool) -> Any:
        result = self.factor * values[self.of]
        return max(0, int(result)) if whole_number else result


@dataclass(frozen=True)
class Control:
    """How the explorer shows an argument: the usual range of its slider (widened to fit any
    valid value given), its step, a log scale, and where it starts when nothing is given."""

    low: float | Relative | None = None
    high: float | Relative | None = None
    step: float | None = None
    log: bool = False
    start: Any = None


@dataclass(frozen=True)
class Computed:
    """A default computed from other arguments; ``text`` says how, ``needs`` which."""

    text: str
    needs: tuple[str, ...]
    function: Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Param:
    """One argument of a schedule, declared as data.

    ``default`` is a value, ``REQUIRED``, or None: left out (the closed form's own default
    applies, or ``computed`` gives it). ``examples`` are documented valid values; ``fix`` is the
    sentence a refusal ends with; ``rate_of_lr`` names the argument the closed form takes
    instead, ``value / lr``; ``control`` says how the explorer shows it.
    """

    name: str
    domain: Domain
    doc: str
    default: Any = None
    examples: tuple[Any, ...] = ()
    fix: str = ""
    computed: Computed | None = None
    rate_of_lr: str | None = None
    control: Control = field(default_factory=Control)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def optional(self) -> bool:
        """True when the argument may be left out (default None)."""
        return self.default is None

    @property
    def kind(self) -> type:
        """The Python type of its values."""
        return {"real": float, "whole": int, "choice": str, "flag": bool}[self.domain.kind]

    @property
    def choices(self) -> tuple[Any, ...]:
        return self.domain.choices

    @property
    def allowed(self) -> str:
        """The domain in words (with a computed default, how it is computed)."""
        computed = f"; default {self.computed.text}" if self.computed else ""
        return self.domain.text() + computed


@dataclass(frozen=True)
class Relation:
    """``sum(left) op right`` must hold whenever all of them are known (op: <, <= or ==)."""

    left: tuple[str, ...]
    op: str
    right: str
    fix: str

    def holds(self, values: Mapping[str, Any]) -> bool:
        total, right = sum(values[name] for name in self.left), values[self.right]
        return {"<": total < right, "<=": total <= right, "==": total == right}[self.op]

    def text(self) -> str:
        return f"{' + '.join(self.left)} {self.op} {self.right}"


@dataclass(frozen=True)
class Alternatives:
    """Arguments that stand for the same thing: give ``exactly`` one, or at least one."""

    names: tuple[str, ...]
    exactly: bool
    fix: str

    def text(self) -> str:
        return f"{'exactly' if self.exactly else 'at least'} one of {', '.join(self.names)}"


@dataclass(frozen=True)
class Schedule:
    """A named schedule: its closed form, what it needs, and what transformers calls it.

    ``warmup``/``training`` say whether num_warmup_steps/num_training_steps are "required",
    "optional" or "ignored"; ``lr_argument`` names the keyword under which the closed form takes
    the optimizer's lr; ``length`` names the arguments whose sum is where the schedule ends.
    """

    name: str
    function: Callable[..., Any] | None
    transformers_function: str
    summary: str
    warmup: str = "required"  # "required" | "ignored"
    training: str = "required"  # "required" | "optional" | "ignored"
    params: tuple[Param, ...] = field(default_factory=tuple)
    relations: tuple[Relation, ...] = ()
    alternatives: tuple[Alternatives, ...] = ()
    lr_argument: str | None = None
    length: tuple[str, ...] = ()

    @property
    def has_curve(self) -> bool:
        """False for the metric-driven schedules, whose lr depends on what training measures."""
        return self.function is not None

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


LR_PARAM = Param("lr", real(0.0, low_open=True), "the peak learning rate: the optimizer's lr", default=1e-3,
                 examples=(1e-3, 3e-4, 2e-5), fix="Pass the optimizer's lr, e.g. 1e-3.",
                 control=Control(low=1e-6, high=1.0, step=0.05, log=True))
NUM_WARMUP_STEPS = Param(
    "num_warmup_steps", whole(0), "optimizer steps of linear warmup; use 0 for no warmup", default=REQUIRED,
    examples=(100, 0),
    control=Control(low=0, high=Relative("num_training_steps"), step=1))
NUM_TRAINING_STEPS = Param(
    "num_training_steps", whole(1), "optimizer steps of the whole run", default=REQUIRED, examples=(1950, 1),
    fix="lrlib.training_steps computes it from epochs and batches.",
    control=Control(low=1, high=1_000_000, step=1))
COMMON_PARAMS = (LR_PARAM, NUM_WARMUP_STEPS, NUM_TRAINING_STEPS)
"""The arguments every schedule shares (when it uses them)."""

COMMON_RELATIONS = (
    Relation(("num_warmup_steps",), "<=", "num_training_steps",
             "The schedule would end before warmup does: lower num_warmup_steps (a few percent of training is usual)."),
)

_NUM_CYCLES = Param("num_cycles", real(0.0, low_open=True), "waves of the cosine over the decay; 0.5 is one half wave, from 1 to 0",
                    default=0.5, examples=(0.5, 1.0, 3), control=Control(low=0.25, high=5.0, step=0.25))
_MIN_LR = Param("min_lr", real(0.0, LR), "floor of a group at optimizer.defaults['lr'], divided by it", examples=(1e-5, 0.0),
                fix="For a floor relative to each group's lr, pass min_lr_rate instead.", rate_of_lr="min_lr_rate",
                control=Control(low=1e-9, high=1.0, step=0.1, log=True, start=Relative(LR, 0.1)))
_MIN_LR_RATE = Param("min_lr_rate", real(0.0, 1.0), "floor as a fraction of each group's initial lr",
                     examples=(0.1, 0.0, 1.0), control=Control(low=0.0, high=1.0, step=0.01, start=0.1))
_FLOOR = Alternatives(("min_lr_rate", "min_lr"), exactly=True,
                      fix="Example: scheduler_specific_kwargs={'min_lr_rate': 0.1}.")

SCHEDULES: dict[str, Schedule] = {
    s.name: s
    for s in (
        Schedule("linear", linear, "get_linear_schedule_with_warmup", "linear warmup, then linear decay to 0 at T",
                 length=("num_training_steps",)),
        Schedule(
            "cosine", cosine, "get_cosine_schedule_with_warmup",
            "linear warmup, then a half cosine to 0 at T", params=(_NUM_CYCLES,), length=("num_training_steps",),
        ),
        Schedule(
            "cosine_with_restarts", cosine_with_restarts,
            "get_cosine_with_hard_restarts_schedule_with_warmup",
            "linear warmup, then num_cycles cosine decays, each restarting at the peak",
            params=(Param("num_cycles", whole(1), "number of cosine decays (hard restarts)", default=1,
                          examples=(2, 1, 5), control=Control(low=1, high=10, step=1)),),
            length=("num_training_steps",),
        ),
        Schedule(
            "polynomial", polynomial, "get_polynomial_decay_schedule_with_warmup",
            "linear warmup, then (1-p)**power decay from the lr to lr_end",
            params=(
                Param("lr_end", real(0.0, LR, high_open=True),
                      "final lr of a group at optimizer.defaults['lr'], applied to every group as a ratio of it",
                      default=1e-7, examples=(1e-7, 0.0, 1e-4),
                      fix="lr_end is given as the final lr of a group at that lr; transformers divides it by that "
                          "lr and applies the ratio to every group.",
                      control=Control(low=1e-9, high=1.0, step=0.1, log=True)),
                Param("power", real(0.0, low_open=True), "exponent of the decay; 1 is linear", default=1.0,
                      examples=(2.0, 0.5, 1.0), control=Control(low=0.25, high=5.0, step=0.25)),
            ),
            relations=(Relation(("num_warmup_steps",), "<", "num_training_steps",
                                "Its decay phase, num_training_steps - num_warmup_steps, needs at least one step."),),
            lr_argument="lr_init", length=("num_training_steps",),
        ),
        Schedule("constant", constant, "get_constant_schedule", "the optimizer's lr, unchanged: no warmup",
                 warmup="ignored", training="ignored"),
        Schedule(
            "constant_with_warmup", constant_with_warmup, "get_constant_schedule_with_warmup",
            "linear warmup, then constant", training="ignored",
        ),
        Schedule(
            "inverse_sqrt", inverse_sqrt, "get_inverse_sqrt_schedule",
            "linear warmup, then 1/sqrt decay that never ends", training="ignored",
            params=(Param("timescale", whole(1), "decay time scale", examples=(50, 1, 10_000),
                          computed=Computed("num_warmup_steps, or 10000 when it is 0", ("num_warmup_steps",),
                                            lambda v: v["num_warmup_steps"] or 10_000),
                          control=Control(low=1, high=Relative("num_training_steps"), step=1,
                                          start=Relative("num_training_steps", 0.05))),),
        ),
        Schedule(
            "reduce_lr_on_plateau", None, "get_reduce_on_plateau_schedule",
            "torch's ReduceLROnPlateau: lowers the lr when a metric stops improving",
            warmup="ignored", training="ignored",
        ),
        Schedule(
            "cosine_with_min_lr", cosine_with_min_lr, "get_cosine_with_min_lr_schedule_with_warmup",
            "linear warmup, then a half cosine down to a floor", params=(_NUM_CYCLES, _MIN_LR, _MIN_LR_RATE),
            alternatives=(_FLOOR,), length=("num_training_steps",),
        ),
        Schedule(
            "cosine_warmup_with_min_lr", cosine_warmup_with_min_lr,
            "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
            "cosine to a floor, with warmup and decay shifted one step earlier",
            params=(
                _NUM_CYCLES, _MIN_LR, _MIN_LR_RATE,
                Param("warmup_lr_rate", real(0.0, 1.0), "first warmup step's lr as a fraction; left out, 1/W",
                      examples=(0.2, 0.0, 1.0), control=Control(low=0.0, high=1.0, step=0.01, start=0.1)),
            ),
            alternatives=(_FLOOR,), length=("num_training_steps",),
        ),
        Schedule(
            "warmup_stable_decay", warmup_stable_decay, "get_wsd_schedule",
            "warmup, a long constant phase, then a short decay (WSD)", training="optional",
            params=(
                Param("num_decay_steps", whole(0), "length of the final decay", default=REQUIRED, examples=(20, 0),
                      control=Control(low=0, high=Relative("num_training_steps"), step=1,
                                      start=Relative("num_training_steps", 0.1))),
                Param("num_stable_steps", whole(0), "length of the constant phase", examples=(50, 0),
                      computed=Computed("num_training_steps - num_warmup_steps - num_decay_steps",
                                        ("num_training_steps", "num_warmup_steps", "num_decay_steps"),
                                        lambda v: v["num_training_steps"] - v["num_warmup_steps"] - v["num_decay_steps"]),
                      control=Control(low=0, high=Relative("num_training_steps"), step=1,
                                      start=Relative("num_training_steps", 0.5))),
                Param("warmup_type", one_of(*WSD_TYPES), "shape of the warmup", default="linear", examples=WSD_TYPES),
                Param("decay_type", one_of(*WSD_TYPES), "shape of the decay", default="cosine", examples=WSD_TYPES),
                Param("min_lr_ratio", real(0.0, 1.0), "floor and warmup start as a fraction of the lr", default=0.0,
                      examples=(0.1, 0.0, 1.0), control=Control(low=0.0, high=1.0, step=0.01)),
                _NUM_CYCLES,
            ),
            relations=(
                Relation(("num_warmup_steps", "num_decay_steps"), "<=", "num_training_steps",
                         "Shorten the warmup or the decay."),
                Relation(("num_warmup_steps", "num_stable_steps", "num_decay_steps"), "==", "num_training_steps",
                         "Give only one of num_stable_steps and num_training_steps, or make them agree."),
            ),
            alternatives=(Alternatives(("num_training_steps", "num_stable_steps"), exactly=False,
                                       fix="Pass num_training_steps, or num_stable_steps in scheduler_specific_kwargs."),),
            length=("num_warmup_steps", "num_stable_steps", "num_decay_steps"),
        ),
        Schedule(
            "greedy", None, "get_greedy_schedule",
            "transformers' GreedyLR: raises or lowers the lr as a metric improves or stalls",
            warmup="ignored", training="ignored",
        ),
    )
}

SCHEDULE_NAMES: tuple[str, ...] = tuple(SCHEDULES)
"""Every name transformers' ``get_scheduler`` accepts, spelled as transformers spells it."""

CURVE_NAMES: tuple[str, ...] = tuple(name for name, s in SCHEDULES.items() if s.has_curve)
"""The names whose lr is a function of the step alone, so they have a curve."""


# ---------------------------------------------------------------- the registry in words


def default_text(param: Param) -> str:
    """A parameter's default in words: required, a value, computed, or left out."""
    if param.required:
        return "required"
    if param.computed is not None:
        return f"default {param.computed.text}"
    return "may be left out" if param.default is None else f"default {param.default!r}"


def arguments_text(schedule: Schedule) -> str:
    """One schedule's arguments, one per line, as ``help(lrlib.get_scheduler)`` lists them."""
    lines = [f"{schedule.name}: {schedule.summary}"]
    steps = {"num_warmup_steps": schedule.warmup, "num_training_steps": schedule.training}
    lines += [f"    {name}: {use}" for name, use in steps.items() if use != "required"]
    for param in schedule.params:
        lines.append(f"    {param.name}: {param.domain.text()}, {default_text(param)} ({param.doc})")
    lines += [f"    {group.text()}" for group in schedule.alternatives]
    lines += [f"    {relation.text()}" for relation in schedule.relations]
    return "\n".join(lines)


def registry_text() -> str:
    """Every schedule's arguments (``arguments_text``), for docstrings."""
    return "\n".join(arguments_text(schedule) for schedule in SCHEDULES.values())
