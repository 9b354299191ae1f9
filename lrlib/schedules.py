"""Closed forms of the learning-rate schedules of transformers 5.23, and their registry.

Every schedule is a pure function of the step that returns the *multiplier* LambdaLR applies to
each param group's initial lr: ``lr(step) = initial_lr * f(step)``. The functions take a scalar
or an array of steps (a scalar gives a float, an array gives an array) and repeat transformers'
arithmetic operation by operation, so that they agree with it to the last few bits.

Symbols used in the docstrings: ``s`` the step (0 before the first ``scheduler.step()``),
``W`` num_warmup_steps, ``T`` num_training_steps, ``p`` the progress through the decay phase.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Callable

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


def _linear_warmup(s: np.ndarray, num_warmup_steps: int) -> np.ndarray:
    """s / max(1, W): 0 at the first step, (W-1)/W at the last warmup step."""
    return s / float(max(1, num_warmup_steps))


def _decay_progress(s: np.ndarray, num_warmup_steps: int, num_training_steps: int) -> np.ndarray:
    """p = (s - W) / max(1, T - W): 0 when warmup ends, 1 at T, above 1 past T."""
    return (s - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))


def _half_cosine(progress: np.ndarray, num_cycles: float) -> np.ndarray:
    """0.5 * (1 + cos(2*pi*c*p)): from 1 down to 0 over p in [0, 1] when c = 0.5."""
    return 0.5 * (1.0 + np.cos(math.pi * float(num_cycles) * 2.0 * progress))


@_steps_in_multiplier_out
def constant(s: np.ndarray) -> np.ndarray:
    """f(s) = 1. No warmup: transformers' ``get_constant_schedule``.

    >>> constant(123)
    1.0
    """
    return np.ones_like(s)


@_steps_in_multiplier_out
def constant_with_warmup(s: np.ndarray, *, num_warmup_steps: int) -> np.ndarray:
    """f(s) = s / max(1, W) for s < W, else 1.

    >>> constant_with_warmup([0, 5, 10, 20], num_warmup_steps=10).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), 1.0)


@_steps_in_multiplier_out
def linear(s: np.ndarray, *, num_warmup_steps: int, num_training_steps: int) -> np.ndarray:
    """f(s) = s / max(1, W) for s < W, else max(0, (T - s) / max(1, T - W)).

    Zero at T and after it.

    >>> linear([0, 5, 10, 55, 100, 150], num_warmup_steps=10, num_training_steps=100).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """
    decay = np.maximum(0.0, (num_training_steps - s) / float(max(1, num_training_steps - num_warmup_steps)))
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), decay)


@_steps_in_multiplier_out
def cosine(
    s: np.ndarray, *, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 0.5
) -> np.ndarray:
    """f(s) = s / max(1, W) for s < W, else 0.5 * (1 + cos(2*pi*c*p)), c = num_cycles.

    With c = 0.5 it falls from 1 to 0 over the decay phase; past T it climbs back up.

    >>> cosine([0, 10, 55, 100, 145], num_warmup_steps=10, num_training_steps=100)
    array([0. , 1. , 0.5, 0. , 0.5])
    """
    decay = _half_cosine(_decay_progress(s, num_warmup_steps, num_training_steps), num_cycles)
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), np.maximum(0.0, decay))


@_steps_in_multiplier_out
def cosine_with_restarts(
    s: np.ndarray, *, num_warmup_steps: int, num_training_steps: int, num_cycles: int = 1
) -> np.ndarray:
    """f(s) = s / max(1, W) for s < W; 0.5 * (1 + cos(pi * ((c * p) mod 1))) for p < 1; 0 after.

    c cosine cycles, each jumping back to 1 (a hard restart), and 0 from T on.

    >>> cosine_with_restarts([10, 35, 60, 85, 110], num_warmup_steps=10, num_training_steps=110,
    ...                      num_cycles=2).round(6).tolist()
    [1.0, 0.5, 1.0, 0.5, 0.0]
    """
    progress = _decay_progress(s, num_warmup_steps, num_training_steps)
    cycles = float(num_cycles) * progress
    # x - floor(x) is exactly x % 1.0 wherever it is used (x >= 0, after warmup), and far cheaper.
    decay = np.maximum(0.0, 0.5 * (1.0 + np.cos(math.pi * (cycles - np.floor(cycles)))))
    decay = np.where(progress >= 1.0, 0.0, decay)
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), decay)


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
    """f(s) = s / max(1, W) for s < W; ((lr_init - lr_end) * (1 - p)**power + lr_end) / lr_init
    for W <= s <= T; lr_end / lr_init after T.

    ``lr_end`` is an absolute learning rate and ``lr_init`` is the optimizer's *default* lr
    (``optimizer.defaults['lr']``), so a param group with another lr does not end at lr_end.

    >>> polynomial([0, 10, 55, 100], num_warmup_steps=10, num_training_steps=100,
    ...            lr_init=1.0, lr_end=0.0, power=2.0).tolist()
    [0.0, 1.0, 0.25, 0.0]
    """
    pct_remaining = 1 - (s - num_warmup_steps) / (num_training_steps - num_warmup_steps)
    decay = ((lr_init - lr_end) * pct_remaining**power + lr_end) / lr_init
    after = np.where(s > num_training_steps, lr_end / lr_init, decay)
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), after)


@_steps_in_multiplier_out
def inverse_sqrt(s: np.ndarray, *, num_warmup_steps: int, timescale: int) -> np.ndarray:
    """f(s) = s / max(1, W) for s < W, else 1 / sqrt((s + timescale - W) / timescale).

    Equal to 1 when warmup ends and never reaches 0: it has no end.

    >>> inverse_sqrt([0, 5, 10, 40], num_warmup_steps=10, timescale=10).tolist()
    [0.0, 0.5, 1.0, 0.5]
    """
    decay = 1.0 / np.sqrt((s + (timescale - num_warmup_steps)) / timescale)
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), decay)


def _with_floor(factor: np.ndarray, floor: float) -> np.ndarray:
    """factor * (1 - floor) + floor: rescale [0, 1] to [floor, 1]."""
    return factor * (1 - floor) + floor


@_steps_in_multiplier_out
def cosine_with_min_lr(
    s: np.ndarray,
    *,
    num_warmup_steps: int,
    num_training_steps: int,
    min_lr_rate: float,
    num_cycles: float = 0.5,
) -> np.ndarray:
    """f(s) = s / max(1, W) for s < W, else r + (1 - r) * 0.5 * (1 + cos(2*pi*c*p)), r = min_lr_rate.

    A cosine that ends at r instead of 0 (and, like ``cosine``, climbs back up past T).

    >>> cosine_with_min_lr([0, 10, 100], num_warmup_steps=10, num_training_steps=100,
    ...                    min_lr_rate=0.1).tolist()
    [0.0, 1.0, 0.1]
    """
    factor = _with_floor(_half_cosine(_decay_progress(s, num_warmup_steps, num_training_steps), num_cycles), min_lr_rate)
    return np.where(s < num_warmup_steps, _linear_warmup(s, num_warmup_steps), np.maximum(0.0, factor))


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
    """f(s) = (s + 1) / max(1, W) for s < W, else r + (1 - r) * 0.5 * (1 + cos(2*pi*c*p')),
    p' = (s - W + 1) / max(1, T - W).

    Like ``cosine_with_min_lr`` but shifted one step earlier (its own off-by-one convention):

    - warmup, s < W: (s + 1) / max(1, W), or w + (1 - w) * s / max(1, W - 1) when
      warmup_lr_rate w is given — so the first step is 1/W (or w), not 0, and step W-1 is 1;
    - decay: p = (s - W + 1) / max(1, T - W), f = r + (1 - r) * 0.5 * (1 + cos(2*pi*c*p)),
      so the floor r is reached at s = T - 1, the last step of training.

    >>> cosine_warmup_with_min_lr([0, 9, 10, 99], num_warmup_steps=10, num_training_steps=100,
    ...                           min_lr_rate=0.1).round(6).tolist()
    [0.1, 1.0, 0.999726, 0.1]
    """
    if warmup_lr_rate is None:
        warmup = (s + 1.0) / max(1.0, float(num_warmup_steps))
    else:
        warmup = warmup_lr_rate + (1.0 - warmup_lr_rate) * s / max(1, num_warmup_steps - 1)
    progress = (s - float(num_warmup_steps) + 1.0) / max(1.0, float(num_training_steps) - num_warmup_steps)
    factor = _with_floor(_half_cosine(progress, num_cycles), min_lr_rate)
    return np.where(s < num_warmup_steps, warmup, np.maximum(0.0, factor))


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
    """f(s) = r + (1 - r) * g(s / max(1, W)) for s < W; 1 for s < W + S;
    r + (1 - r) * h((s - W - S) / max(1, D)) for s < W + S + D; r after.

    Warmup-stable-decay with S = num_stable_steps, D = num_decay_steps, r = min_lr_ratio:

    - warmup, s < W: r + (1 - r) * g(s / max(1, W)), g = linear p | cosine 0.5(1-cos(pi p)) | 1-sqrt 1-sqrt(1-p);
    - stable, W <= s < W + S: 1;
    - decay, W + S <= s < W + S + D: r + (1 - r) * h(p), p = (s - W - S) / max(1, D),
      h = linear 1-p | cosine 0.5(1+cos(2 pi c p)) | 1-sqrt 1-sqrt(p);
    - after: r.

    >>> warmup_stable_decay([0, 5, 10, 50, 95, 100], num_warmup_steps=10, num_stable_steps=80,
    ...                     num_decay_steps=10, decay_type="linear").tolist()
    [0.0, 0.5, 1.0, 1.0, 0.5, 0.0]
    """
    warmup = _WSD_WARMUP_SHAPES[warmup_type](s / float(max(1, num_warmup_steps)))
    decay_start = num_warmup_steps + num_stable_steps
    progress = (s - num_warmup_steps - num_stable_steps) / float(max(1, num_decay_steps))
    decay = _WSD_DECAY_SHAPES[decay_type](progress, num_cycles)
    return np.select(
        [s < num_warmup_steps, s < decay_start, s < decay_start + num_decay_steps],
        [
            np.maximum(0.0, _with_floor(warmup, min_lr_ratio)),
            1.0,
            np.maximum(0.0, _with_floor(decay, min_lr_ratio)),
        ],
        min_lr_ratio,
    )


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Param:
    """One schedule-specific argument: its default, type and valid range (a human sentence)."""

    name: str
    default: Any
    kind: type
    allowed: str
    doc: str
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Schedule:
    """A named schedule: its closed form, what it needs, and what transformers calls it."""

    name: str
    function: Callable[..., Any] | None
    transformers_function: str
    summary: str
    warmup: str = "required"  # "required" | "ignored"
    training: str = "required"  # "required" | "optional" | "ignored"
    params: tuple[Param, ...] = field(default_factory=tuple)

    @property
    def has_curve(self) -> bool:
        """False for the metric-driven schedules, whose lr depends on what training measures."""
        return self.function is not None

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


_NUM_CYCLES = Param("num_cycles", 0.5, float, "> 0", "waves of the cosine over the decay (0.5 = one half wave, 1 to 0)")
_MIN_LR = Param("min_lr", None, float, ">= 0 and <= the optimizer's lr", "absolute floor, divided by optimizer.defaults['lr']")
_MIN_LR_RATE = Param("min_lr_rate", None, float, "in [0, 1]", "floor as a fraction of each group's initial lr")

SCHEDULES: dict[str, Schedule] = {
    s.name: s
    for s in (
        Schedule("linear", linear, "get_linear_schedule_with_warmup", "linear warmup, then linear decay to 0 at T"),
        Schedule(
            "cosine", cosine, "get_cosine_schedule_with_warmup",
            "linear warmup, then a half cosine to 0 at T", params=(_NUM_CYCLES,),
        ),
        Schedule(
            "cosine_with_restarts", cosine_with_restarts,
            "get_cosine_with_hard_restarts_schedule_with_warmup",
            "linear warmup, then num_cycles cosine decays, each restarting at the peak",
            params=(Param("num_cycles", 1, int, "a whole number >= 1", "number of cosine decays (hard restarts)"),),
        ),
        Schedule(
            "polynomial", polynomial, "get_polynomial_decay_schedule_with_warmup",
            "linear warmup, then (1-p)**power decay from the lr to lr_end",
            params=(
                Param("lr_end", 1e-7, float, ">= 0 and < the optimizer's lr", "absolute final lr (not a ratio)"),
                Param("power", 1.0, float, "> 0", "exponent of the decay (1 = linear)"),
            ),
        ),
        Schedule("constant", constant, "get_constant_schedule", "the optimizer's lr, unchanged: no warmup", warmup="ignored", training="ignored"),
        Schedule(
            "constant_with_warmup", constant_with_warmup, "get_constant_schedule_with_warmup",
            "linear warmup, then constant", training="ignored",
        ),
        Schedule(
            "inverse_sqrt", inverse_sqrt, "get_inverse_sqrt_schedule",
            "linear warmup, then 1/sqrt decay that never ends", training="ignored",
            params=(Param("timescale", None, int, "a whole number >= 1", "decay time scale (default: W, or 10000 when W = 0)"),),
        ),
        Schedule(
            "reduce_lr_on_plateau", None, "get_reduce_on_plateau_schedule",
            "torch's ReduceLROnPlateau: lowers the lr when a metric stops improving",
            warmup="ignored", training="ignored",
        ),
        Schedule(
            "cosine_with_min_lr", cosine_with_min_lr, "get_cosine_with_min_lr_schedule_with_warmup",
            "linear warmup, then a half cosine down to a floor", params=(_NUM_CYCLES, _MIN_LR, _MIN_LR_RATE),
        ),
        Schedule(
            "cosine_warmup_with_min_lr", cosine_warmup_with_min_lr,
            "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
            "cosine to a floor, with warmup and decay shifted one step earlier",
            params=(
                _NUM_CYCLES, _MIN_LR, _MIN_LR_RATE,
                Param("warmup_lr_rate", None, float, "in [0, 1]", "first warmup step's lr as a fraction (default 1/W)"),
            ),
        ),
        Schedule(
            "warmup_stable_decay", warmup_stable_decay, "get_wsd_schedule",
            "warmup, a long constant phase, then a short decay (WSD)", training="optional",
            params=(
                Param("num_decay_steps", REQUIRED, int, "a whole number >= 0", "length of the final decay"),
                Param("num_stable_steps", None, int, "a whole number >= 0", "length of the constant phase (default T - W - D)"),
                Param("warmup_type", "linear", str, "one of 'linear', 'cosine', '1-sqrt'", "shape of the warmup", WSD_TYPES),
                Param("decay_type", "cosine", str, "one of 'linear', 'cosine', '1-sqrt'", "shape of the decay", WSD_TYPES),
                Param("min_lr_ratio", 0.0, float, "in [0, 1]", "floor (and warmup start) as a fraction of the lr"),
                _NUM_CYCLES,
            ),
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
