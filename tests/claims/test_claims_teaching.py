"""Library behaviour the instructor's guide (docs/teaching.md) states beyond what the notebooks test."""

import math

import torch
from support import train_accumulating
from torch import nn


def test_under_accelerate_accumulation_a_prepared_scheduler_moves_only_on_the_batches_that_step_the_optimizer():
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, GradientState

    from lrlib.scheduler import get_scheduler

    batches, accumulation = 10, 4
    try:
        accelerator = Accelerator(cpu=True, gradient_accumulation_steps=accumulation)
        model = nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = get_scheduler("linear", optimizer, num_warmup_steps=0, num_training_steps=100)
        loader = torch.utils.data.DataLoader(torch.randn(batches, 2), batch_size=1)
        model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
        optimizer_steps = train_accumulating(accelerator, model, optimizer, scheduler, loader)
        # one process: one schedule step per optimizer step, the last, partial window included
        assert optimizer_steps == math.ceil(batches / accumulation) == scheduler.scheduler.last_epoch == 3
    finally:
        AcceleratorState._reset_state(reset_partial_state=True)
        GradientState._reset_state()


# ---------------------------------------------------------------- the cheat sheet's traps and legend (docs/cheatsheet.md)

import warnings  # noqa: E402

import pytest  # noqa: E402
import transformers  # noqa: E402

W, T = 10, 100


def _optimizer(lrs=(1e-3,), default=1e-3):
    groups = [{"params": [nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
    return torch.optim.AdamW(groups, lr=default)


def _multipliers(name, steps, **kwargs):
    scheduler = transformers.get_scheduler(name, _optimizer(), **kwargs)
    return [scheduler.lr_lambdas[0](s) for s in steps]


def test_min_lr_of_cosine_warmup_with_min_lr_is_divided_by_the_default_lr_and_scales_every_group():
    optimizer = _optimizer(lrs=(1e-4, 1e-3), default=1e-3)
    scheduler = transformers.get_scheduler("cosine_warmup_with_min_lr", optimizer, num_warmup_steps=W,
                                           num_training_steps=T, scheduler_specific_kwargs={"min_lr": 1e-5})
    for _ in range(T - 1):  # to s = T - 1, where this schedule reaches its floor
        optimizer.step()
        scheduler.step()
    body, head = (group["lr"] for group in optimizer.param_groups)
    assert head == pytest.approx(1e-5) and body == pytest.approx(1e-6)


def test_a_linear_warmup_starts_at_0_only_when_w_is_above_0():
    assert _multipliers("linear", [0], num_warmup_steps=W, num_training_steps=T) == [0.0]
    assert _multipliers("linear", [0], num_warmup_steps=0, num_training_steps=T) == [1.0]


def test_cosine_warmup_with_min_lr_starts_at_1_over_w_or_at_warmup_lr_rate_and_counts_one_step_ahead():
    default = _multipliers("cosine_warmup_with_min_lr", [0, W - 1, T - 1], num_warmup_steps=W, num_training_steps=T,
                           scheduler_specific_kwargs={"min_lr_rate": 0.1})
    assert default == pytest.approx([1 / W, 1.0, 0.1])
    rate = _multipliers("cosine_warmup_with_min_lr", [0, 4, W - 1], num_warmup_steps=W, num_training_steps=T,
                        scheduler_specific_kwargs={"min_lr_rate": 0.1, "warmup_lr_rate": 0.0})
    assert rate == pytest.approx([0.0, 4 / (W - 1), 1.0])  # w + (1 - w) s / max(1, W - 1)
    # p' = (s - W + 1) / max(1, T - W): halfway down the cosine at s = W - 1 + (T - W) / 2
    (half,) = _multipliers("cosine_warmup_with_min_lr", [W - 1 + (T - W) // 2], num_warmup_steps=W,
                           num_training_steps=T, scheduler_specific_kwargs={"min_lr_rate": 0.0})
    assert half == pytest.approx(0.5)


def test_wsd_given_both_counts_warns_and_uses_num_stable_steps_and_reaches_its_floor_only_at_w_plus_s_plus_d():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = _multipliers("warmup_stable_decay", [0, 39, 40, 59, 60, 99], num_warmup_steps=W, num_training_steps=T,
                         scheduler_specific_kwargs={"num_decay_steps": 20, "num_stable_steps": 30, "min_lr_ratio": 0.1})
    assert any("num_stable_steps will be used" in str(w.message) for w in caught)
    assert f[0] == pytest.approx(0.1)  # starts at min_lr_ratio
    assert f[1] == 1.0 and f[2] == 1.0  # t = s - W - S = 0 at s = 40: the decay's first step is still at the peak
    assert f[3] > 0.1 and f[4] == f[5] == pytest.approx(0.1)  # the floor at s = W + S + D = 60, not at T
    (last, end) = _multipliers("warmup_stable_decay", [T - 1, T], num_warmup_steps=W, num_training_steps=T,
                               scheduler_specific_kwargs={"num_decay_steps": 20, "min_lr_ratio": 0.1})
    assert last > 0.1 and end == pytest.approx(0.1)  # with T: the run's last step (T - 1) is still above the floor


def test_polynomial_fails_at_step_t_when_w_equals_t():
    with pytest.raises(ZeroDivisionError):
        _multipliers("polynomial", [T], num_warmup_steps=T, num_training_steps=T)


def test_greedy_never_cuts_an_lr_below_its_default_min_lr_of_1e_3_but_raises_it():
    optimizer = _optimizer(lrs=(5e-5,), default=5e-5)
    greedy = transformers.get_scheduler("greedy", optimizer, scheduler_specific_kwargs={"patience": 1})
    for metric in [1.0] + [2.0] * 6:  # worse and worse: a cut is due, but the lr is below min_lr=1e-3
        greedy.step(metric)
    assert optimizer.param_groups[0]["lr"] == 5e-5
    for metric in [0.5, 0.4, 0.3, 0.2]:  # better and better: the lr is raised
        greedy.step(metric)
    assert optimizer.param_groups[0]["lr"] > 5e-5
