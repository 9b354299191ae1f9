"""Shared test set-up: offline, single-threaded torch, and a small optimizer factory."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


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


@pytest.fixture
def optimizer():
    return make_optimizer()
