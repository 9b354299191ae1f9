"""Draw docs/img/plot_helpers.png, the README's picture of lrlib's plot helpers.

Usage: python tools/readme_figure.py
"""

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

import lrlib  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "img" / "plot_helpers.png"


def main() -> None:
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
    fig.savefig(OUT)
    print(f"wrote {OUT.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
