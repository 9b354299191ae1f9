"""Learning-rate curves on matplotlib Axes: warmup shaded, peak and end marked, any length.

A curve of a million steps is drawn through ``decimate``, a min/max envelope that keeps every
value the eye could notice (peaks, troughs, restart jumps, both ends, the corners of flat
phases) and drops only points lying between their neighbours; so it draws as fast as a short
one and looks the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from .registry import DEFAULT_LR
from .scheduler import lr_curve
from .validate import check_flag, check_step_count, check_whole_number, schedule_for

OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: pale on white)
)
"""The Okabe-Ito colour-blind-safe palette, in the order lines use it."""

WARMUP_COLOUR = "#999999"


def decimate(y: Any, max_buckets: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """The steps and values to draw for the curve ``y`` (its value at steps 0 .. n-1).

    ``y`` is cut into at most ``max_buckets`` runs of consecutive steps; each run keeps its
    first and last point and the first and last place of its minimum and of its maximum. Every
    turning point (where the curve stops rising and falls, or the reverse; both ends of a flat
    top) is kept too, unless there are more than ``4 * max_buckets`` of them (a noisy curve).
    So peaks, troughs, jumps, both endpoints and the edges of flat phases keep their exact step
    and value, and points lying between their neighbours go. Short curves come back whole.

    >>> steps, values = decimate(np.r_[np.linspace(1, 0, 5000), np.linspace(1, 0, 5000)], 100)
    >>> len(steps) <= 600, int(steps[0]), int(steps[-1]), 4999 in steps, 5000 in steps
    (True, 0, 9999, True, True)
    """
    max_buckets = check_whole_number("max_buckets", max_buckets, minimum=1)
    y = _as_curve("y", y)
    if y.ndim != 1:
        raise ValueError(f"decimate takes one curve (a 1-D array), got an array of shape {y.shape}.")
    n = len(y)
    if n <= 6 * max_buckets:
        return np.arange(n), y
    size = -(-n // max_buckets)
    buckets = -(-n // size)
    padded = np.concatenate([y, np.full(buckets * size - n, y[-1])]).reshape(buckets, size)
    start = np.arange(buckets) * size
    last = size - 1
    picks = [
        start,
        start + last,
        start + padded.argmin(axis=1),
        start + padded.argmax(axis=1),
        start + last - padded[:, ::-1].argmin(axis=1),
        start + last - padded[:, ::-1].argmax(axis=1),
    ]
    slope = np.diff(y)
    moves = np.flatnonzero(slope)
    turns = np.flatnonzero(np.sign(slope[moves[1:]]) != np.sign(slope[moves[:-1]]))
    if len(turns) <= 4 * max_buckets:  # the extreme runs from just after one move to the next move
        picks += [moves[turns] + 1, moves[turns + 1]]
    steps = np.unique(np.minimum(np.concatenate(picks), n - 1))
    return steps, y[steps]


def _as_curve(label: Any, curve: Any) -> np.ndarray:
    try:
        return np.asarray(curve, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"curve {label!r} must hold numbers (the lr at each step), got {type(curve).__name__}.") from None


def _step_label(value: float, _position: Any = None) -> str:
    """Tick text for a step count: 950, 20k, 1.5M."""
    for divisor, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= divisor:
            return f"{value / divisor:g}{suffix}"
    return f"{value:g}"


def _named_curves(curves: Any) -> list[tuple[str | None, np.ndarray]]:
    """(label, 1-D array) pairs: a mapping's items, one array, or one line per param group."""
    items = curves.items() if isinstance(curves, Mapping) else [(None, curves)]
    lines = []
    for label, curve in items:
        array = _as_curve(label, curve)
        if array.ndim == 1:
            lines.append((label, array))
        elif array.ndim == 2:
            prefix = f"{label} · " if label is not None else ""
            lines.extend((f"{prefix}group {g}", array[:, g]) for g in range(array.shape[1]))
        else:
            raise ValueError(f"a curve must be 1-D (steps) or 2-D (steps x param groups), got shape {array.shape}.")
    return lines


def _new_axes() -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 3.5), dpi=90, layout="constrained")
    return ax


def _annotate(ax: Axes, steps: np.ndarray, values: np.ndarray, colour: str, log_y: bool, row: int) -> None:
    """Mark the peak and the end of one drawn line with a dot and its value."""
    peak = int(np.argmax(values))
    end = values[-1] if abs(values[-1]) > 1e-9 * abs(values[peak]) else 0.0  # float dust reads as 0
    marks = [("peak", steps[peak], values[peak], (5, 4 + 11 * row), "left")]
    if steps[-1] != steps[peak]:
        marks.append(("end", steps[-1], end, (-4, 5 + 14 * row), "right"))
    for what, step, value, offset, align in marks:
        if log_y and value <= 0:
            continue
        ax.plot([step], [value], "o", color=colour, markersize=4, gid=f"{what}-marker")
        ax.annotate(f"{what} {value:.3g}", (step, value), xytext=offset, textcoords="offset points",
                    ha=align, va="bottom", fontsize=8, color=colour, gid=f"{what}-label")


def _label_warmup(ax: Axes, num_warmup_steps: int, num_steps: int) -> None:
    """Write "warmup" in the empty bottom-right corner of the span, or just past a thin span."""
    inside = num_warmup_steps >= 0.12 * num_steps
    ax.text(num_warmup_steps, 0.03, "warmup " if inside else " \u25c2 warmup", transform=ax.get_xaxis_transform(),
            ha="right" if inside else "left", va="bottom", fontsize=8, color="#555555")


def plot_curves(
    curves: Any,
    *,
    ax: Axes | None = None,
    num_warmup_steps: int | None = None,
    title: str | None = None,
    log_y: bool = False,
    annotate: bool = True,
) -> Axes:
    """Draw learning-rate curves against the step on one Axes and return it.

    ``curves`` is a mapping label -> lr per step, or one array; a 2-D array (steps x param
    groups) draws one line per group. The first ``num_warmup_steps`` are shaded; peak and end
    are marked (``annotate``); ``log_y`` puts the lr on a log scale (zeros are not drawn).
    Long curves (over 6144 steps) are drawn through ``decimate``.

    >>> import lrlib
    >>> ax = plot_curves({"cosine": lrlib.lr_curve("cosine", 1000, lr=1e-3, num_warmup_steps=50,
    ...                                             num_training_steps=1000)}, num_warmup_steps=50)
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.lines[0].get_xdata())
    ('step', 'learning rate', 1000)
    """
    lines = _named_curves(curves)
    if num_warmup_steps is not None:
        num_warmup_steps = check_step_count("num_warmup_steps", num_warmup_steps)
    log_y, annotate = check_flag("log_y", log_y), check_flag("annotate", annotate)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {title!r} ({type(title).__name__}).")
    ax = ax if ax is not None else _new_axes()
    if num_warmup_steps:
        ax.axvspan(0, num_warmup_steps, color=WARMUP_COLOUR, alpha=0.18, lw=0,
                   label=f"warmup ({num_warmup_steps:,} steps)", gid="warmup")
        _label_warmup(ax, num_warmup_steps, max((len(curve) for _, curve in lines), default=0))
    if log_y:
        ax.set_yscale("log", nonpositive="mask")
    labelled = 0
    for row, (label, curve) in enumerate(lines):
        colour = OKABE_ITO[row % len(OKABE_ITO)]
        steps, values = decimate(curve)
        ax.plot(steps, values, color=colour, lw=1.8, label=label if label is not None else "_line")
        if annotate and len(curve) and len(lines) <= 3:
            _annotate(ax, steps, values, colour, log_y, row)
            labelled += 1
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.xaxis.set_major_formatter(FuncFormatter(_step_label))
    ax.margins(x=0.01, y=0.1)
    if labelled:  # room above the highest peak for its label: 7% of the axis per labelled line
        bottom, top = ax.get_ylim()
        room = 0.07 * labelled
        ax.set_ylim(bottom, top * (top / bottom) ** room if log_y else top + room * (top - bottom))
    ax.grid(True, alpha=0.3, lw=0.6)
    if title is not None:
        ax.set_title(title)
    if len(lines) > 1:
        ax.legend(fontsize=8, loc="best", frameon=False)
    return ax


def plot_schedule(
    name: str,
    num_steps: int,
    *,
    lr: float = DEFAULT_LR,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    ax: Axes | None = None,
    log_y: bool = False,
    title: str | None = None,
    scheduler_specific_kwargs: Mapping[str, Any] | None = None,
    **schedule_arguments: Any,
) -> Axes:
    """Draw one schedule's lr (``lrlib.lr_curve``) for ``num_steps`` steps and return the Axes.

    Its arguments are ``lr_curve``'s: ``lr`` defaults to 1e-3, and the schedule's own arguments go
    flat or in ``scheduler_specific_kwargs``, as ``get_scheduler`` takes them.

    Bad arguments raise lrlib's ValueError/TypeError before anything is drawn. When
    ``num_steps`` runs past ``num_training_steps`` a dotted line marks where training should end.

    >>> ax = plot_schedule("linear", 200, lr=3e-4, num_warmup_steps=20, num_training_steps=200)
    >>> ax.get_title()
    'linear: lr 0.0003, 20 warmup steps, 200 training steps'
    """
    curve = lr_curve(name, num_steps, lr=lr, num_warmup_steps=num_warmup_steps,
                     num_training_steps=num_training_steps, scheduler_specific_kwargs=scheduler_specific_kwargs,
                     **schedule_arguments)
    schedule = schedule_for(name)
    warmup = num_warmup_steps if schedule.warmup != "ignored" else None
    if title is None:
        parts = [f"lr {lr:g}"]
        if warmup is not None:
            parts.append(f"{warmup:,} warmup steps")
        if num_training_steps is not None and schedule.training != "ignored":
            parts.append(f"{num_training_steps:,} training steps")
        title = f"{schedule.name}: {', '.join(parts)}"
    ax = plot_curves({schedule.name: curve}, ax=ax, num_warmup_steps=warmup, title=title, log_y=log_y)
    if num_training_steps is not None and schedule.training != "ignored" and num_training_steps < num_steps - 1:
        ax.axvline(num_training_steps, color="#555555", ls=":", lw=1, label="end of training", gid="end-of-training")
    return ax
