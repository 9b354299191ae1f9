"""Draw docs/img/plot_helpers.png, the README's picture of lrlib's plot helpers.

Usage: python tools/readme_figure.py          # draw it
       python tools/readme_figure.py --check  # exit 1 if the stored picture's pixels differ from a new drawing
"""

import argparse
import io
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import lrlib  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "img" / "plot_helpers.png"


def figure() -> plt.Figure:
    """The picture: plot_schedule, plot_curves at a million steps, and trace's two param groups."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 3.8), dpi=90)
    lrlib.plot_schedule("cosine", 1950, lr=1e-3, num_warmup_steps=100, num_training_steps=1950, ax=axes[0],
                        title="plot_schedule: the article's cosine")
    lrlib.plot_curves(
        {name: lrlib.lr_curve(name, 1_000_000, lr=1e-3, num_warmup_steps=50_000, num_training_steps=1_000_000)
         for name in ("linear", "cosine")}
        | {"cosine_with_restarts": lrlib.lr_curve("cosine_with_restarts", 1_000_000, lr=1e-3, num_warmup_steps=50_000,
                                                  num_training_steps=1_000_000, num_cycles=3)},
        ax=axes[1], num_warmup_steps=50_000, title="plot_curves: 1M steps, decimated", annotate=False,
    )
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2))
    optimizer = torch.optim.AdamW([{"params": model[0].parameters(), "lr": 1e-4},
                                   {"params": model[1].parameters(), "lr": 1e-3}], lr=1e-3)
    scheduler = lrlib.get_scheduler("polynomial", optimizer, 100, 1950, scheduler_specific_kwargs={"power": 2.0})
    lrlib.plot_curves(lrlib.trace(scheduler, 1950), ax=axes[2], num_warmup_steps=100, log_y=True,
                      title="two param groups, log scale (trace)")
    fig.tight_layout()
    return fig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare the stored picture with a new drawing")
    shown = OUT.relative_to(OUT.parents[2])
    if parser.parse_args().check:
        drawn = io.BytesIO()
        figure().savefig(drawn, format="png")
        drawn.seek(0)
        current = OUT.exists() and np.array_equal(mpimg.imread(drawn), mpimg.imread(OUT))
        print(f"{shown} is " + ("current" if current else "out of date: python tools/readme_figure.py redraws it"))
        return 0 if current else 1
    figure().savefig(OUT)
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
