"""Closed forms of the learning-rate schedules of transformers 5.23.

Every schedule is a pure function of the step that returns the *multiplier* LambdaLR applies to
each param group's initial lr: ``lr(step) = initial_lr * f(step)``. The functions take a scalar
or an array of steps (a scalar gives a float, an array gives an array) and repeat transformers'
arithmetic operation by operation, so that they agree with it to the last few bits.

A schedule is built from pieces glued at step boundaries, each piece on its own clock (the
idea of optax's ``join_schedules``): the warmup is written once, in ``_linear_warmup``, and
every decay counts its steps from the moment warmup ends. Because steps are whole numbers,
counting from the boundary changes no bit of the result.

What each schedule's arguments may be, and what transformers calls it, is declared in the
registry, ``lrlib.registry.SCHEDULES``: the functions here check nothing.

Symbols used in the docstrings: ``s`` the step (0 before the first ``scheduler.step()``),
``t`` the step on a piece's own clock, ``W`` num_warmup_steps, ``T`` num_training_steps,
``p`` the progress through the decay phase.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Sequence

import numpy as np


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
