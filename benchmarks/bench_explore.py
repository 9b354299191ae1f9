"""How long the explorer takes to redraw after a slider moves, in the kernel and in the browser.

    .venv/bin/python benchmarks/bench_explore.py            # kernel side
    .venv/bin/python benchmarks/bench_explore.py --browser  # and key press -> picture in JupyterLab

Kernel side: the median time of ``Explorer.redraw`` over N changes of the warmup slider, for
schedules of 2k, 100k and 1M steps, next to what drawing the same curve with matplotlib (Agg,
PNG) would cost, the alternative the explorer does not use.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import lrlib  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def kernel_ms(num_steps: int, changes: int) -> float:
    explorer = lrlib.explore(name="cosine", num_training_steps=num_steps, num_warmup_steps=num_steps // 50)
    times = []
    for k in range(1, changes + 1):
        explorer.controls["num_warmup_steps"].value = num_steps // 50 + k
        times.append(explorer.kernel_ms)
    return statistics.median(times)


def matplotlib_png_ms(num_steps: int, changes: int) -> float:
    figure = Figure(figsize=(8, 3.5), dpi=90)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    times = []
    for k in range(1, changes + 1):
        start = time.perf_counter()
        warmup = num_steps // 50 + k
        curve = lrlib.lr_curve("cosine", num_steps, lr=1e-3, num_warmup_steps=warmup, num_training_steps=num_steps)
        ax.clear()
        lrlib.plot_curves({"cosine": curve}, ax=ax, num_warmup_steps=warmup)
        figure.canvas.print_png(io.BytesIO())
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=15, help="slider changes per size (default 15)")
    parser.add_argument("--browser", action="store_true", help="also measure in JupyterLab in Chromium")
    args = parser.parse_args()
    print(f"median over {args.changes} warmup-slider changes, cosine schedule")
    print(f"{'steps':>10}  {'explorer (SVG)':>15}  {'matplotlib PNG':>15}  {'ratio':>6}")
    for num_steps in (2_000, 100_000, 1_000_000):
        svg, png = kernel_ms(num_steps, args.changes), matplotlib_png_ms(num_steps, args.changes)
        print(f"{num_steps:>10,}  {svg:>12.1f} ms  {png:>12.1f} ms  {png / svg:>5.1f}x")
    if args.browser:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/browser", "-k", "keyboard"],
            cwd=REPO, capture_output=True, text=True,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("browser:")]
        print("\n".join(lines) or f"browser measurement failed:\n{result.stdout[-2000:]}")


if __name__ == "__main__":
    main()
