"""Helpers the tests share: a small optimizer with two param groups, a stepping loop, an accelerate loop
with gradient accumulation, and how many examples a costly property test draws."""

import os

import torch


def examples(full: int) -> int:
    """``full`` examples; a quarter of them (at least 5) when LRLIB_QUICK_PROPERTIES=1.

    ``make unit`` sets it for its quick loop on the property tests that build and train real Trainers;
    ``make test`` draws them all.
    """
    return max(5, full // 4) if os.environ.get("LRLIB_QUICK_PROPERTIES") == "1" else full


def make_optimizer(lrs=(1e-3, 5e-4)):
    """AdamW over one tiny parameter per group, each group with its own lr; defaults['lr'] = lrs[0]."""
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    return torch.optim.AdamW(groups, lr=lrs[0])


def stepped_lrs(scheduler, optimizer, num_steps):
    """Every group's lr before each of ``num_steps`` steps, read as a training loop reads it."""
    rows = []
    for _ in range(num_steps):
        rows.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return rows


def train_accumulating(accelerator, model, optimizer, scheduler, loader) -> int:
    """One pass over ``loader`` under ``accelerator.accumulate``, calling ``optimizer.step()`` and
    ``scheduler.step()`` on every batch as a training loop does; the optimizer steps that were taken
    (the batches whose gradients were synced)."""
    optimizer_steps = 0
    for inputs in loader:
        with accelerator.accumulate(model):
            accelerator.backward(model(inputs).sum())
            optimizer_steps += accelerator.sync_gradients
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
    return optimizer_steps
