"""Small, seeded training runs that show why warmup helps (notebook 01).

Three experiments, each a plain function that returns numbers, fast enough for a laptop CPU:

- ``adam_first_steps``: how large Adam's updates are at steps 1, 2, 10, 100, measured as
  ``|update| / lr``, and how much they change when only the order of the batches changes.
- ``train_sorting``: a 2-layer Transformer learns to sort digits, with Adam and a schedule from
  ``lrlib.get_scheduler``; post-LayerNorm (as in Vaswani et al. 2017) or pre-LayerNorm.
- ``sharpness_run``: full-batch gradient descent on a small MLP while tracking the top eigenvalue
  of the Hessian (the *sharpness*) by power iteration on Hessian-vector products.

Every run is deterministic: it seeds torch, turns on deterministic algorithms and uses one
thread while it runs (so the numbers do not depend on the machine's thread count), then puts
the previous settings back.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lrlib import get_scheduler

__all__ = [
    "AdamStepStats",
    "SharpnessRun",
    "SortingRun",
    "TinyTransformer",
    "adam_first_steps",
    "format_sorting_table",
    "sharpness_run",
    "sorting_batch",
    "sorting_rerun",
    "top_hessian_eigenvalue",
    "train_sorting",
]


@contextlib.contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Seed torch, use deterministic algorithms and a single thread; restore both on exit."""
    threads = torch.get_num_threads()
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(was_deterministic)


def _flat(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    return torch.cat([t.detach().reshape(-1) for t in tensors])


# --------------------------------------------------------------------------------------------
# 1. Adam's first steps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdamStepStats:
    """Adam's update at one step, over all parameters of the model and all batch orders.

    ``median_ratio``: median of |update| / lr (1.0 means every parameter moved by the full lr).
    ``full_size``: fraction of parameters with |update| / lr > 0.99.
    ``spread``: mean over parameters of the standard deviation, across batch orders, of
    update / lr (0 when the order of the batches does not matter).
    ``sign_flips``: fraction of parameters whose update direction is not the same in every order.
    ``grad_min`` / ``grad_max``: smallest and largest |gradient| at that step (first order).
    """

    step: int
    median_ratio: float
    full_size: float
    spread: float
    sign_flips: float
    grad_min: float
    grad_max: float


def _regression_data(generator: torch.Generator, num_examples: int, num_features: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Noisy targets from a fixed random direction passed through tanh."""
    x = torch.randn(num_examples, num_features, generator=generator)
    direction = torch.randn(num_features, 1, generator=generator) / math.sqrt(num_features)
    y = torch.tanh(2.0 * x @ direction) + 0.5 * torch.randn(num_examples, 1, generator=generator)
    return x, y


def adam_first_steps(
    *,
    steps: Sequence[int] = (1, 2, 10, 100),
    num_orders: int = 8,
    lr: float = 1e-3,
    batch_size: int = 16,
    seed: int = 0,
) -> list[AdamStepStats]:
    """Train the same small MLP (same data, same initial weights) with Adam at a constant ``lr``,
    once per batch order, and measure the update ``theta_t - theta_{t-1}`` at each of ``steps``.

    Adam's update is ``lr * m_hat / (sqrt(v_hat) + eps)``. At step 1, ``m_hat = g`` and
    ``v_hat = g**2``, so the update is ``lr * sign(g)`` for every parameter whatever the size of
    ``g``: the full lr for every parameter at once, in a direction set by one batch.

    >>> first = adam_first_steps(steps=(1,), num_orders=2)[0]
    >>> round(first.median_ratio, 3)
    1.0
    """
    steps = sorted(set(int(s) for s in steps))
    if not steps or steps[0] < 1:
        raise ValueError(f"steps must be positive step numbers (1 = the first update), got {steps}.")
    if num_orders < 2:
        raise ValueError(f"num_orders must be at least 2 to measure disagreement, got {num_orders}.")
    updates: dict[int, list[torch.Tensor]] = {s: [] for s in steps}
    gradients: dict[int, torch.Tensor] = {}
    with deterministic(seed):
        data = torch.Generator().manual_seed(seed)
        x, y = _regression_data(data, 2048, 16)
        initial = nn.Sequential(nn.Linear(16, 32), nn.Tanh(), nn.Linear(32, 1))
        for order in range(num_orders):
            model = nn.Sequential(nn.Linear(16, 32), nn.Tanh(), nn.Linear(32, 1))
            model.load_state_dict(initial.state_dict())
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            shuffle = torch.Generator().manual_seed(10_000 * (seed + 1) + order)
            batches = torch.randperm(len(x), generator=shuffle).split(batch_size)
            for step in range(1, steps[-1] + 1):
                index = batches[(step - 1) % len(batches)]
                before = _flat(model.parameters())
                optimizer.zero_grad()
                F.mse_loss(model(x[index]), y[index]).backward()
                if step in updates and order == 0:
                    gradients[step] = _flat([p.grad for p in model.parameters()])
                optimizer.step()
                if step in updates:
                    updates[step].append((_flat(model.parameters()) - before) / lr)
    stats = []
    for step in steps:
        ratios = torch.stack(updates[step])  # (orders, parameters)
        signs = torch.sign(ratios)
        grad = gradients[step].abs()
        stats.append(
            AdamStepStats(
                step=step,
                median_ratio=ratios.abs().median(dim=1).values.mean().item(),
                full_size=(ratios.abs() > 0.99).double().mean().item(),
                spread=ratios.std(dim=0).mean().item(),
                sign_flips=(signs != signs[0]).any(dim=0).double().mean().item(),
                grad_min=grad.min().item(),
                grad_max=grad.max().item(),
            )
        )
    return stats


# --------------------------------------------------------------------------------------------
# 2. A small Transformer that sorts digits
# --------------------------------------------------------------------------------------------

SEPARATOR = 10
VOCABULARY = 11  # the digits 0-9 and the separator


def sorting_batch(generator: torch.Generator, batch_size: int, length: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of the sorting task: ``inputs`` = digits, separator, sorted digits but the last
    (teacher forcing), ``targets`` = the sorted digits, predicted from the separator on.

    >>> inputs, targets = sorting_batch(torch.Generator().manual_seed(0), 1, length=4)
    >>> inputs.tolist(), targets.tolist()
    ([[4, 9, 3, 0, 10, 0, 3, 4]], [[0, 3, 4, 9]])
    """
    digits = torch.randint(0, 10, (batch_size, length), generator=generator)
    ordered = digits.sort(dim=1).values
    separator = torch.full((batch_size, 1), SEPARATOR)
    return torch.cat([digits, separator, ordered[:, :-1]], dim=1), ordered


class _Block(nn.Module):
    """Causal self-attention then a feed-forward layer, each with a residual connection.

    post-LN: ``z = LN(z + attn(z)); z = LN(z + ff(z))`` (Vaswani et al. 2017).
    pre-LN:  ``z = z + attn(LN(z)); z = z + ff(LN(z))`` (Xiong et al. 2020).
    """

    def __init__(self, d_model: int, num_heads: int, pre_norm: bool) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.pre_norm = pre_norm
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, 2 * d_model), nn.ReLU(), nn.Linear(2 * d_model, d_model))
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def attention(self, z: torch.Tensor) -> torch.Tensor:
        batch, length, width = z.shape
        q, k, v = self.qkv(z).view(batch, length, 3, self.num_heads, width // self.num_heads).permute(2, 0, 3, 1, 4)
        mixed = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(mixed.transpose(1, 2).reshape(batch, length, width))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if self.pre_norm:
            z = z + self.attention(self.norm1(z))
            return z + self.ff(self.norm2(z))
        z = self.norm1(z + self.attention(z))
        return self.norm2(z + self.ff(z))


class TinyTransformer(nn.Module):
    """A decoder-only Transformer: token + learned position embeddings, ``num_layers`` blocks,
    a linear read-out (pre-LN adds the usual final LayerNorm)."""

    def __init__(
        self, *, d_model: int = 64, num_heads: int = 4, num_layers: int = 2, norm: str = "post", max_length: int = 16
    ) -> None:
        super().__init__()
        if norm not in ("post", "pre"):
            raise ValueError(f"norm must be 'post' or 'pre', got {norm!r}.")
        self.tokens = nn.Embedding(VOCABULARY, d_model)
        self.positions = nn.Embedding(max_length, d_model)
        self.blocks = nn.ModuleList(_Block(d_model, num_heads, norm == "pre") for _ in range(num_layers))
        self.final_norm = nn.LayerNorm(d_model) if norm == "pre" else nn.Identity()
        self.readout = nn.Linear(d_model, VOCABULARY)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        z = self.tokens(inputs) + self.positions.weight[: inputs.shape[1]]
        for block in self.blocks:
            z = block(z)
        return self.readout(self.final_norm(z))


@dataclass(frozen=True)
class SortingRun:
    """One training run of ``train_sorting``.

    ``losses``: training loss at each step. ``final_loss``: cross-entropy per sorted digit on
    512 held-out sequences (chance is ln 10 = 2.303). ``accuracy``: share of those digits right.
    """

    peak_lr: float
    num_warmup_steps: int
    seed: int
    optimizer: str
    norm: str
    losses: np.ndarray
    final_loss: float
    accuracy: float

    @property
    def label(self) -> str:
        """A short description of the configuration, without the seed."""
        optimizer = "RAdam" if self.optimizer == "radam" else "Adam"
        return f"{self.norm}-LN {optimizer}, warmup {self.num_warmup_steps}"


def train_sorting(
    *,
    peak_lr: float,
    num_warmup_steps: int,
    seed: int = 0,
    num_training_steps: int = 200,
    optimizer: str = "adam",
    norm: str = "post",
    schedule: str = "linear",
    batch_size: int = 32,
    length: int = 8,
    beta2: float = 0.999,
    on_step: Callable[[int], None] | None = None,
) -> SortingRun:
    """Train a ``TinyTransformer`` to sort ``length`` digits.

    The lr follows ``lrlib.get_scheduler(schedule, ...)``: with 'linear' it rises from 0 to
    ``peak_lr`` over ``num_warmup_steps`` (none when 0) and then falls linearly to 0 at
    ``num_training_steps``. ``optimizer`` is 'adam' or 'radam', with betas (0.9, ``beta2``);
    ``beta2`` defaults to PyTorch's 0.999. ``seed`` sets the initial weights and the batches.
    ``on_step(step)`` is called after each step (for a progress bar).

    >>> run = train_sorting(peak_lr=1e-3, num_warmup_steps=2, num_training_steps=3)
    >>> len(run.losses), run.label
    (3, 'post-LN Adam, warmup 2')
    """
    optimizers = {"adam": torch.optim.Adam, "radam": torch.optim.RAdam}
    if optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}, got {optimizer!r}.")
    with deterministic(seed):
        model = TinyTransformer(norm=norm, max_length=2 * length)
        opt = optimizers[optimizer](model.parameters(), lr=peak_lr, betas=(0.9, beta2))
        scheduler = get_scheduler(schedule, opt, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps)
        batches = torch.Generator().manual_seed(1_000 + seed)
        losses = np.empty(num_training_steps)
        for step in range(num_training_steps):
            inputs, targets = sorting_batch(batches, batch_size, length)
            logits = model(inputs)[:, length:]  # the positions that predict sorted digits
            loss = F.cross_entropy(logits.reshape(-1, VOCABULARY), targets.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            scheduler.step()
            losses[step] = loss.item()
            if on_step is not None:
                on_step(step + 1)
        inputs, targets = sorting_batch(torch.Generator().manual_seed(12_345), 512, length)
        with torch.no_grad():
            logits = model(inputs)[:, length:]
            final_loss = F.cross_entropy(logits.reshape(-1, VOCABULARY), targets.reshape(-1)).item()
            accuracy = (logits.argmax(-1) == targets).double().mean().item()
    return SortingRun(peak_lr, num_warmup_steps, seed, optimizer, norm, losses, final_loss, accuracy)


def format_sorting_table(runs: Sequence[SortingRun]) -> str:
    """One row per configuration (peak lr, norm, optimizer, warmup), one column per seed:
    held-out loss with 3 decimals, then the mean accuracy."""
    rows: dict[tuple, list[SortingRun]] = {}
    for run in runs:
        rows.setdefault((run.peak_lr, run.label), []).append(run)
    seeds = sorted({run.seed for run in runs})
    header = f"{'peak lr':>8}  {'configuration':<26}" + "".join(f"  seed {s}" for s in seeds) + "  accuracy"
    lines = [header, "-" * len(header)]
    for (peak_lr, label), group in rows.items():
        by_seed = {run.seed: run for run in group}
        cells = "".join(f"  {by_seed[s].final_loss:6.3f}" if s in by_seed else "       -" for s in seeds)
        accuracy = np.mean([run.accuracy for run in group])
        lines.append(f"{peak_lr:>8.3g}  {label:<26}{cells}  {accuracy:8.2f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# 3. Sharpness and the 2 / lr limit
# --------------------------------------------------------------------------------------------


def top_hessian_eigenvalue(
    loss: Callable[[], torch.Tensor],
    params: Sequence[torch.Tensor],
    *,
    iters: int = 20,
    start: Sequence[torch.Tensor] | None = None,
) -> tuple[float, list[torch.Tensor]]:
    """The Hessian eigenvalue of largest magnitude of ``loss()`` by power iteration: ``v <- Hv / |Hv|``,
    with ``Hv`` a Hessian-vector product (autograd through the gradient, no Hessian stored). That is
    the sharpness (the top eigenvalue) whenever the result is positive, as in every run here; a
    negative result would mean a negative-curvature direction dominates.
    Returns the eigenvalue estimate ``v.Hv`` and the last ``v`` (to warm-start the next call).

    >>> w = torch.tensor([1.0, 1.0], requires_grad=True)
    >>> value, _ = top_hessian_eigenvalue(lambda: 3 * w[0] ** 2 + 0.5 * w[1] ** 2, [w])
    >>> round(value, 4)
    6.0
    """
    params = list(params)
    grads = torch.autograd.grad(loss(), params, create_graph=True)
    if start is None:
        generator = torch.Generator().manual_seed(0)
        start = [torch.randn(p.shape, generator=generator) for p in params]
    norm = torch.sqrt(sum((v * v).sum() for v in start))
    vector = [v / norm for v in start]
    value = 0.0
    for _ in range(iters):
        product = torch.autograd.grad(grads, params, vector, retain_graph=True)
        value = sum((h * v).sum() for h, v in zip(product, vector)).item()
        norm = torch.sqrt(sum((h * h).sum() for h in product))
        vector = [h.detach() / norm for h in product]
    return value, vector


@dataclass(frozen=True)
class SharpnessRun:
    """One run of ``sharpness_run``. Arrays are sampled every ``every`` steps.

    ``steps``, ``lrs`` (lr used at that step), ``losses``, ``sharpness`` (top Hessian eigenvalue).
    ``diverged_at``: first step whose loss was not finite or above 1000x the initial loss (None
    when training finished).
    """

    lr_multiple: float
    num_warmup_steps: int
    seed: int
    initial_sharpness: float
    peak_lr: float
    steps: np.ndarray
    lrs: np.ndarray
    losses: np.ndarray
    sharpness: np.ndarray
    diverged_at: int | None

    @property
    def final_ratio(self) -> float:
        """sharpness * lr / 2 at the last sample: 1 means the sharpness sits at 2 / lr."""
        return float(self.sharpness[-1] * self.lrs[-1] / 2)


def _mlp_problem(seed: int, width: int, activation: str, init_scale: float) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    activations = {"tanh": nn.Tanh, "relu": nn.ReLU}
    if activation not in activations:
        raise ValueError(f"activation must be one of {sorted(activations)}, got {activation!r}.")
    x = torch.randn(128, 8)
    teacher = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    with torch.no_grad():
        y = teacher(x)
    act = activations[activation]
    model = nn.Sequential(nn.Linear(8, width), act(), nn.Linear(width, width), act(), nn.Linear(width, 1))
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(init_scale)
    return model, x, y


def sharpness_run(
    *,
    lr_multiple: float,
    num_warmup_steps: int,
    seed: int = 0,
    num_steps: int = 300,
    every: int = 10,
    width: int = 64,
    activation: str = "tanh",
    init_scale: float = 2.0,
) -> SharpnessRun:
    """Full-batch gradient descent on an MLP (8 -> width -> width -> 1, weights scaled by
    ``init_scale``), loss ``0.5 * mean squared error`` on 128 points labelled by a random teacher.

    The peak lr is ``lr_multiple * 2 / lambda_0``, with ``lambda_0`` the sharpness at
    initialization; gradient descent on a quadratic with curvature ``lambda`` diverges when
    ``lr > 2 / lambda``. The lr follows 'constant_with_warmup' (or 'constant' when
    ``num_warmup_steps`` is 0) from ``lrlib.get_scheduler``.
    """
    with deterministic(seed):
        model, x, y = _mlp_problem(seed, width, activation, init_scale)
        params = list(model.parameters())

        def loss() -> torch.Tensor:
            return 0.5 * F.mse_loss(model(x), y)

        initial_sharpness, vector = top_hessian_eigenvalue(loss, params, iters=50)
        peak_lr = lr_multiple * 2.0 / initial_sharpness
        optimizer = torch.optim.SGD(params, lr=peak_lr)
        if num_warmup_steps:
            scheduler = get_scheduler("constant_with_warmup", optimizer, num_warmup_steps=num_warmup_steps)
        else:
            scheduler = get_scheduler("constant", optimizer)
        initial_loss = loss().item()
        samples: list[tuple[int, float, float, float]] = []
        diverged_at = None
        for step in range(num_steps + 1):
            value = loss()
            if not math.isfinite(value.item()) or value.item() > 1_000 * initial_loss:
                diverged_at = step
                break
            if step % every == 0 or step == num_steps:
                sharpness, vector = top_hessian_eigenvalue(loss, params, iters=10, start=vector)
                samples.append((step, optimizer.param_groups[0]["lr"], value.item(), sharpness))
            if step == num_steps:
                break
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            scheduler.step()
    steps, lrs, losses, sharpness = (np.array(column) for column in zip(*samples))
    return SharpnessRun(
        lr_multiple, num_warmup_steps, seed, initial_sharpness, peak_lr, steps, lrs, losses, sharpness, diverged_at
    )


# --------------------------------------------------------------------------------------------
# A button to rerun the Transformer experiment
# --------------------------------------------------------------------------------------------


_PEAK_LRS = (1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 2e-2, 3e-2, 5e-2, 1e-1)


def sorting_rerun(
    *, peak_lr: float = 3e-2, num_warmup_steps: int = 100, num_seeds: int = 2, num_training_steps: int = 200
):
    """A widget to rerun ``train_sorting`` at another peak lr and warmup length, with and without
    warmup, for a few seeds. Nothing trains until the button is pressed; a tqdm bar shows progress,
    then the loss curves and the table of held-out losses appear under it. A run already trained
    with the same settings is reused, not trained again (runs are deterministic), so stepping the
    warmup only trains the new length.

    The returned ``VBox`` has ``.controls`` (name -> widget), ``.button``, ``.output`` and
    ``.runs`` (the last runs, a list of ``SortingRun``).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from tqdm.auto import tqdm

    from lrlib.plot import OKABE_ITO

    controls = {
        "peak_lr": widgets.SelectionSlider(options=sorted({*_PEAK_LRS, peak_lr}), value=peak_lr, description="peak lr"),
        "num_warmup_steps": widgets.IntSlider(value=num_warmup_steps, min=0, max=num_training_steps, step=10,
                                              description="warmup"),
        "optimizer": widgets.Dropdown(options=["adam", "radam"], value="adam", description="optimizer"),
        "norm": widgets.Dropdown(options=["post", "pre"], value="post", description="LayerNorm"),
        "num_seeds": widgets.IntSlider(value=num_seeds, min=1, max=5, description="seeds"),
    }
    button = widgets.Button(description="Train", button_style="primary", icon="play")
    output = widgets.Output()
    box = widgets.VBox([widgets.HBox([controls["peak_lr"], controls["num_warmup_steps"]]),
                        widgets.HBox([controls["optimizer"], controls["norm"], controls["num_seeds"]]),
                        button, output])
    box.controls, box.button, box.output, box.runs = controls, button, output, []
    finished: dict[tuple, SortingRun] = {}  # (settings, warmup, seed) -> its run

    def train(_=None) -> None:
        values = {name: control.value for name, control in controls.items()}
        seeds = range(values.pop("num_seeds"))
        warmups = sorted({0, values.pop("num_warmup_steps")})
        button.disabled = True
        output.clear_output()
        runs = []
        with output:
            bar = tqdm(total=len(warmups) * len(seeds) * num_training_steps, desc="training", unit="step")
            for warmup in warmups:
                for seed in seeds:
                    key = (tuple(sorted(values.items())), warmup, seed)
                    if key in finished:
                        bar.update(num_training_steps)
                    else:
                        finished[key] = train_sorting(num_warmup_steps=warmup, seed=seed,
                                                      num_training_steps=num_training_steps,
                                                      on_step=lambda _: bar.update(1), **values)
                    runs.append(finished[key])
            bar.close()
            fig, ax = plt.subplots(figsize=(8, 3.5), dpi=80)
            for run in runs:
                colour = OKABE_ITO[warmups.index(run.num_warmup_steps)]
                ax.plot(run.losses, color=colour, alpha=0.8,
                        label=f"warmup {run.num_warmup_steps}" if run.seed == 0 else None)
            ax.set(xlabel="step", ylabel="training loss (nats per digit)",
                   title=f"peak lr {values['peak_lr']:.2g}: training loss, one line per seed")
            ax.legend()
            plt.show()
            print(format_sorting_table(runs))
        box.runs = runs
        button.disabled = False

    button.on_click(train)
    return box
