"""lr_curve vs. the source article's way of drawing a curve, and vs. a bare numpy expression.

The article steps a real AdamW and scheduler N times and reads param_groups[0]['lr']. lr_curve
evaluates the closed form at once. For each schedule at N steps (100,000 by default) this prints
the time of the three ways, measured in this run, and checks that all three give the same values.

Targets: lr_curve >= 1000x faster than stepping, and within 2x of the bare numpy expression
(which, like lr_curve, builds its array of steps).
Run: .venv/bin/python benchmarks/bench_lr_curve.py [--steps N]
"""

import argparse
import math
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

import lrlib  # noqa: E402

LR = 1e-3

# name -> (scheduler_specific_kwargs, bare numpy expression of the multiplier over steps s)
CASES = {
    "constant": ({}, lambda s, W, T: np.ones_like(s)),
    "constant_with_warmup": ({}, lambda s, W, T: np.where(s < W, s / W, 1.0)),
    "linear": ({}, lambda s, W, T: np.where(s < W, s / W, np.maximum(0.0, (T - s) / (T - W)))),
    "cosine": ({}, lambda s, W, T: np.where(s < W, s / W, np.maximum(0.0, 0.5 * (1 + np.cos(np.pi * (s - W) / (T - W)))))),
    "cosine_with_restarts": (
        {"num_cycles": 3},
        lambda s, W, T: np.where(s < W, s / W, np.where(s >= T, 0.0, 0.5 * (1 + np.cos(np.pi * ((3 * (s - W) / (T - W)) % 1.0))))),
    ),
    "polynomial": (
        {"power": 2.0, "lr_end": 1e-7},
        lambda s, W, T: np.where(s < W, s / W, np.where(s > T, 1e-7 / LR, ((LR - 1e-7) * (1 - (s - W) / (T - W)) ** 2 + 1e-7) / LR)),
    ),
    "inverse_sqrt": ({}, lambda s, W, T: np.where(s < W, s / W, 1 / np.sqrt((s + 0.0) / W))),
    "cosine_with_min_lr": (
        {"min_lr_rate": 0.1},
        lambda s, W, T: np.where(s < W, s / W, 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * (s - W) / (T - W)))),
    ),
    "cosine_warmup_with_min_lr": (
        {"min_lr_rate": 0.1},
        lambda s, W, T: np.where(s < W, (s + 1) / W, 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * (s - W + 1) / (T - W)))),
    ),
    "warmup_stable_decay": (
        {"num_decay_steps": 10_000},
        lambda s, W, T: np.select([s < W, s < T - 10_000, s < T], [s / W, 1.0, 0.5 * (1 + np.cos(np.pi * (s - T + 10_000) / 10_000))], 0.0),
    ),
}


def best_of(function, repeats):
    """The fastest of ``repeats`` calls, in seconds, and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def stepped(name, kwargs, num_steps, num_warmup_steps):
    """The article's way: a real AdamW on nn.Linear(10, 2) and transformers' scheduler, stepped."""
    return lrlib.record_lrs(
        lambda optimizer: transformers.get_scheduler(name, optimizer, num_warmup_steps, num_steps,
                                                     scheduler_specific_kwargs=dict(kwargs)),
        num_steps, lr=LR,
    )


@np.errstate(divide="ignore", invalid="ignore")  # the bare expressions, like lrlib, compute both branches
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000, help="at least 11,000 (WSD decays over 10,000)")
    parser.add_argument("--warmup", type=int, default=1_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    n, w = args.steps, args.warmup

    print(f"{n:,} steps, {w:,} warmup, lr {LR}; times are the best of several runs, measured now\n")
    print(f"{'schedule':<27}{'stepping':>11}{'lr_curve':>11}{'numpy':>10}{'speed-up':>11}{'vs numpy':>10}")
    worst_speedup, worst_overhead = math.inf, 0.0
    for name, (kwargs, bare) in CASES.items():
        warmup = 0 if name == "constant" else w
        t_step, reference = best_of(lambda: stepped(name, kwargs, n, warmup), 1)
        t_curve, curve = best_of(
            lambda: lrlib.lr_curve(name, n, lr=LR, num_warmup_steps=warmup or None, num_training_steps=n, **kwargs), 20
        )
        t_bare, expression = best_of(lambda: LR * bare(np.arange(n, dtype=np.float64), w, n), 20)
        np.testing.assert_allclose(curve, reference, rtol=1e-12, atol=0)
        np.testing.assert_allclose(expression, reference, rtol=1e-9, atol=1e-18)
        speedup, overhead = t_step / t_curve, t_curve / t_bare
        worst_speedup, worst_overhead = min(worst_speedup, speedup), max(worst_overhead, overhead)
        print(f"{name:<27}{t_step:>10.2f}s{t_curve * 1e3:>9.2f}ms{t_bare * 1e3:>8.2f}ms{speedup:>10,.0f}x{overhead:>9.2f}x")

    print(f"\nslowest speed-up over stepping: {worst_speedup:,.0f}x (target >= 1000x): "
          f"{'met' if worst_speedup >= 1000 else 'NOT met'}")
    print(f"largest lr_curve / numpy ratio: {worst_overhead:.2f}x (target <= 2x): "
          f"{'met' if worst_overhead <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
