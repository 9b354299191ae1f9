"""What a schedule changes: the same small model trained under each schedule (notebook 11).

The data is scikit-learn's ``load_digits`` (1797 images of 8x8 pixels, digits 0-9), which ships
inside the package: nothing is downloaded. A fixed split keeps 1280 images for training and 517
for testing. The model is a one-hidden-layer MLP trained with AdamW on mini-batches, under a
schedule from ``lrlib.get_scheduler``.

All runs train side by side as one batched model: run ``k`` has its own weights (a slice of a
stacked tensor), its own batches and its own optimizer and scheduler, and the loss is the sum of
the runs' losses, so each run's gradient is the gradient of its own loss. The numbers are those
of training each run alone, up to floating-point rounding, only faster. Runs with the same seed
start from the same weights and see the same batches, so two schedules are compared on equal
terms, and the spread over seeds shows how much of a difference is noise.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from lrlib import get_scheduler

from .experiments import deterministic

__all__ = [
    "OUTCOME_SCHEDULES",
    "Outcome",
    "digits",
    "format_outcomes",
    "lowest",
    "paired",
    "plot_outcomes",
    "schedule_arguments",
    "summarize",
    "train_digits",
]

#: The schedules the experiment compares, in the order tables and figures show them.
OUTCOME_SCHEDULES = (
    "constant",
    "constant_with_warmup",
    "linear",
    "cosine",
    "cosine_with_min_lr",
    "polynomial",
    "inverse_sqrt",
    "warmup_stable_decay",
)

NUM_TRAIN = 1280


@functools.lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(x_train, y_train, x_test, y_test)``: scikit-learn's digits, pixels scaled to [0, 1],
    split 1280 / 517 by a fixed permutation (seed 0).

    >>> x_train, y_train, x_test, y_test = digits()
    >>> tuple(x_train.shape), tuple(x_test.shape), int(y_train.max())
    ((1280, 64), (517, 64), 9)
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float32) / 16.0
    y = torch.tensor(data.target, dtype=torch.int64)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    train, test = order[:NUM_TRAIN], order[NUM_TRAIN:]
    return x[train], y[train], x[test], y[test]


def schedule_arguments(name: str, num_training_steps: int, num_warmup_steps: int) -> dict[str, Any]:
    """The keyword arguments of ``get_scheduler`` for ``name`` in this experiment.

    Every schedule that warms up gets the same warmup and every one with an end the same ``T``;
    ``constant`` gets no warmup (it has none). The schedule-specific choices: a floor of 10% for
    ``cosine_with_min_lr``, ``power=2`` for ``polynomial`` (with ``power=1`` it would be almost
    ``linear``), ``timescale = W`` for ``inverse_sqrt`` (its default), and a decay over the last
    20% of the run for ``warmup_stable_decay``.

    >>> schedule_arguments("warmup_stable_decay", 200, 20)
    {'num_warmup_steps': 20, 'num_training_steps': 200, 'scheduler_specific_kwargs': {'num_decay_steps': 40}}
    """
    if name not in OUTCOME_SCHEDULES:
        raise ValueError(f"name must be one of {', '.join(OUTCOME_SCHEDULES)}; got {name!r}.")
    specific = {
        "cosine_with_min_lr": {"min_lr_rate": 0.1},
        "polynomial": {"power": 2.0},
        "warmup_stable_decay": {"num_decay_steps": num_training_steps // 5},
    }.get(name, {})
    return {
        "num_warmup_steps": None if name == "constant" else num_warmup_steps,
        "num_training_steps": num_training_steps,
        "scheduler_specific_kwargs": specific,
    }


@dataclass(frozen=True)
class Outcome:
    """One run: the schedule, the seed, and where it ended.

    ``train_loss`` and ``test_loss`` are the mean cross-entropy over the whole training and test
    set after the last step; ``test_accuracy`` is the share of the 517 test images classified
    right; ``lrs`` is the lr of every optimizer step; ``losses`` the loss of every mini-batch.
    """

    schedule: str
    seed: int
    train_loss: float
    test_loss: float
    test_accuracy: float
    lrs: np.ndarray
    losses: np.ndarray


def _init_weights(seed: int, sizes: Sequence[int]) -> list[torch.Tensor]:
    """Weights and biases of an MLP with these layer sizes, initialized as ``nn.Linear`` does."""
    generator = torch.Generator().manual_seed(seed)
    tensors = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        tensors.append((torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound)
        tensors.append((torch.rand(1, fan_out, generator=generator) * 2 - 1) * bound)
    return tensors


def _forward(weights: Sequence[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Logits of every run at once: ``x`` is (runs, batch, 64), each weight (runs, in, out)."""
    hidden = torch.relu(torch.baddbmm(weights[1], x, weights[0]))
    return torch.baddbmm(weights[3], hidden, weights[2])


def train_digits(
    schedules: Sequence[str] = OUTCOME_SCHEDULES,
    seeds: Sequence[int] = (0, 1, 2),
    *,
    peak_lr: float = 0.1,
    epochs: int = 5,
    batch_size: int = 32,
    warmup_fraction: float = 0.1,
    hidden: int = 64,
) -> list[Outcome]:
    """Train the MLP once per (schedule, seed) and return the outcomes, schedule-major.

    ``T = epochs * 1280 / batch_size`` optimizer steps, ``W = round(warmup_fraction * T)``
    warmup steps, AdamW (no weight decay) at ``peak_lr``. ``seed`` sets the initial weights and
    the order of the batches; the same seed gives the same start and batches to every schedule.

    >>> runs = train_digits(["linear"], [0], epochs=1)
    >>> len(runs), runs[0].lrs.shape, float(runs[0].lrs[0])
    (1, (40,), 0.0)
    """
    schedules, seeds = list(schedules), list(seeds)
    if NUM_TRAIN % batch_size:
        raise ValueError(f"batch_size must divide {NUM_TRAIN} (every batch full), got {batch_size}.")
    x_train, y_train, x_test, y_test = digits()
    num_batches = NUM_TRAIN // batch_size
    num_training_steps = epochs * num_batches
    num_warmup_steps = round(warmup_fraction * num_training_steps)
    num_seeds, num_runs = len(seeds), len(schedules) * len(seeds)
    sizes = (x_train.shape[1], hidden, 10)

    with deterministic(0):
        starts = [_init_weights(seed, sizes) for seed in seeds]
        # One leaf tensor per (schedule, layer), stacked over seeds, so each schedule has its own optimizer.
        leaves = [
            [torch.stack([start[layer] for start in starts]).requires_grad_() for layer in range(len(starts[0]))]
            for _ in schedules
        ]
        optimizers, schedulers = [], []
        for name, params in zip(schedules, leaves):
            optimizer = torch.optim.AdamW(params, lr=peak_lr, weight_decay=0.0)
            optimizers.append(optimizer)
            schedulers.append(get_scheduler(name, optimizer, **schedule_arguments(name, num_training_steps, num_warmup_steps)))
        orders = [torch.Generator().manual_seed(1_000 + seed) for seed in seeds]
        lrs = np.zeros((len(schedules), num_training_steps))
        losses = np.zeros((num_runs, num_training_steps))
        step = 0
        for _ in range(epochs):
            batches = torch.stack([torch.randperm(NUM_TRAIN, generator=g) for g in orders])
            batches = batches.reshape(num_seeds, num_batches, batch_size).repeat(len(schedules), 1, 1)
            for b in range(num_batches):
                index = batches[:, b]
                weights = [torch.cat([params[layer] for params in leaves]) for layer in range(len(sizes) * 2 - 2)]
                logits = _forward(weights, x_train[index])
                per_run = F.cross_entropy(logits.transpose(1, 2), y_train[index], reduction="none").mean(dim=1)
                for optimizer in optimizers:
                    optimizer.zero_grad()
                per_run.sum().backward()
                for k, (optimizer, scheduler) in enumerate(zip(optimizers, schedulers)):
                    lrs[k, step] = optimizer.param_groups[0]["lr"]
                    optimizer.step()
                    scheduler.step()
                losses[:, step] = per_run.detach().numpy()
                step += 1

        with torch.no_grad():
            weights = [torch.cat([params[layer] for params in leaves]) for layer in range(len(sizes) * 2 - 2)]
            train_logits = _forward(weights, x_train.expand(num_runs, -1, -1))
            test_logits = _forward(weights, x_test.expand(num_runs, -1, -1))
            train_loss = F.cross_entropy(train_logits.transpose(1, 2), y_train.expand(num_runs, -1), reduction="none").mean(1)
            test_loss = F.cross_entropy(test_logits.transpose(1, 2), y_test.expand(num_runs, -1), reduction="none").mean(1)
            accuracy = (test_logits.argmax(dim=2) == y_test).double().mean(1)

    return [
        Outcome(name, seed, float(train_loss[k * num_seeds + i]), float(test_loss[k * num_seeds + i]),
                float(accuracy[k * num_seeds + i]), lrs[k].copy(), losses[k * num_seeds + i].copy())
        for k, name in enumerate(schedules)
        for i, seed in enumerate(seeds)
    ]


def summarize(outcomes: Sequence[Outcome], metric: str) -> dict[str, tuple[float, float, float]]:
    """Per schedule, ``(mean, min, max)`` of ``metric`` (an ``Outcome`` field) over the seeds.

    >>> runs = [Outcome("linear", s, v, 0.0, 1.0, np.zeros(1), np.zeros(1)) for s, v in enumerate([0.2, 0.4])]
    >>> summarize(runs, "train_loss")
    {'linear': (0.30000000000000004, 0.2, 0.4)}
    """
    table: dict[str, list[float]] = {}
    for outcome in outcomes:
        table.setdefault(outcome.schedule, []).append(getattr(outcome, metric))
    return {name: (float(np.mean(v)), float(np.min(v)), float(np.max(v))) for name, v in table.items()}


def paired(outcomes: Sequence[Outcome], first: str, second: str,
           metric: str = "train_loss") -> tuple[np.ndarray, float, float]:
    """Compare two schedules seed by seed: ``(differences, t, critical)``.

    ``differences[i]`` is ``second``'s ``metric`` minus ``first``'s on the i-th seed they share
    (the same start and batches), ``t`` the paired t statistic (mean difference over its standard
    error) and ``critical`` the two-sided 5% threshold of Student's t with ``n - 1`` degrees of
    freedom. ``abs(t) < critical``: five-or-so seeds cannot tell the two apart.

    >>> runs = [Outcome(n, s, v, 0.0, 1.0, np.zeros(1), np.zeros(1))
    ...         for n, values in {"a": [1.0, 2.0, 3.0], "b": [1.5, 2.0, 3.7]}.items() for s, v in enumerate(values)]
    >>> differences, t, critical = paired(runs, "a", "b")
    >>> differences.round(2).tolist(), round(t, 2), round(critical, 2)
    ([0.5, 0.0, 0.7], 1.92, 4.3)
    """
    from scipy.stats import t as student_t

    values = {name: {o.seed: getattr(o, metric) for o in outcomes if o.schedule == name} for name in (first, second)}
    for name, per_seed in values.items():
        if not per_seed:
            raise ValueError(f"no run of schedule {name!r} in outcomes; the schedules run are "
                             f"{', '.join(sorted({o.schedule for o in outcomes}))}.")
    seeds = sorted(set(values[first]) & set(values[second]))
    if len(seeds) < 2:
        raise ValueError(f"{first!r} and {second!r} must share at least 2 seeds to be compared seed by seed; "
                         f"they share {len(seeds)}.")
    differences = np.array([values[second][s] - values[first][s] for s in seeds])
    mean, spread = float(differences.mean()), float(differences.std(ddof=1))
    if spread > 0:
        t = mean / (spread / math.sqrt(len(seeds)))
    else:  # every seed moved by exactly the same amount: no noise at all
        t = math.copysign(math.inf, mean) if mean else 0.0
    return differences, t, float(student_t.ppf(0.975, len(seeds) - 1))


def format_outcomes(outcomes: Sequence[Outcome]) -> str:
    """A table: one row per schedule, each metric as mean and [min, max] over the seeds."""
    columns = [("train_loss", "final train loss", "{:.3f}"), ("test_loss", "test loss", "{:.3f}"),
               ("test_accuracy", "test accuracy", "{:.1%}")]
    summaries = [summarize(outcomes, metric) for metric, _, _ in columns]
    header = f"{'schedule':<22}" + "".join(f"  {title:>26}" for _, title, _ in columns)
    lines = [header, f"{'':<22}" + "  ".join(f"{'mean [min, max]':>26}" for _ in columns)]
    for name in summaries[0]:
        cells = []
        for summary, (_, _, fmt) in zip(summaries, columns):
            mean, low, high = summary[name]
            cells.append(f"{fmt.format(mean)} [{fmt.format(low)}, {fmt.format(high)}]")
        lines.append(f"{name:<22}" + "".join(f"  {cell:>26}" for cell in cells))
    return "\n".join(lines)


def lowest(outcomes: Sequence[Outcome], metric: str = "train_loss") -> list[str]:
    """The schedules tied for the lowest ``metric``: the one with the lowest mean, and every
    schedule whose range over the seeds overlaps its range (their difference is within noise).

    >>> runs = [Outcome(n, s, v, 0.0, 1.0, np.zeros(1), np.zeros(1))
    ...         for n, values in {"a": [1, 3], "b": [2, 4], "c": [5, 6]}.items() for s, v in enumerate(values)]
    >>> lowest(runs)
    ['a', 'b']
    """
    summary = summarize(outcomes, metric)
    best = min(summary, key=lambda name: summary[name][0])
    return [name for name, (_, low, _) in summary.items() if low <= summary[best][2]]


def plot_outcomes(outcomes: Sequence[Outcome], metrics: Sequence[str] = ("train_loss", "test_accuracy")) -> Any:
    """One panel per metric: a dot per seed and a bar at the mean, one row per schedule."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, NullFormatter, PercentFormatter

    from lrlib.plot import OKABE_ITO

    labels = {"train_loss": "final training loss (log scale)", "test_loss": "test loss (log scale)",
              "test_accuracy": "test accuracy"}
    names = list(summarize(outcomes, metrics[0]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(10, 3.6), dpi=80, sharey=True, layout="constrained")
    for ax, metric in zip(np.atleast_1d(axes), metrics):
        for row, name in enumerate(names):
            values = [getattr(o, metric) for o in outcomes if o.schedule == name]
            colour = OKABE_ITO[row % len(OKABE_ITO)] if row < 7 else "#777777"
            ax.scatter(values, [row] * len(values), color=colour, alpha=0.7, s=22)
            ax.plot([np.mean(values)] * 2, [row - 0.3, row + 0.3], color=colour, lw=2.5)
        ax.set_xlabel(labels.get(metric, metric))
        ax.grid(axis="x", alpha=0.3)
        if metric in ("train_loss", "test_loss"):
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        if metric == "test_accuracy":
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    first = np.atleast_1d(axes)[0]
    first.set_yticks(range(len(names)), names)
    first.invert_yaxis()
    return fig
