"""Helpers the tests share: a small optimizer with two param groups, and a stepping loop."""

import torch


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
