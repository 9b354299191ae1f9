"""Claims of notebook 04 (cosine, and cosine with a floor) about transformers 5.23 and torch 2.13."""

import numpy as np
import pytest
import transformers
from support import make_optimizer, stepped_lrs
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

W, T = 100, 1950


def cosine_multiplier_at_t(num_cycles):
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = transformers.get_cosine_schedule_with_warmup(optimizer, W, T, num_cycles=num_cycles)
    return stepped_lrs(scheduler, optimizer, T + 1)[T][0] / 1e-3


def test_the_misspelled_cosine_function_cannot_be_imported():
    with pytest.raises(ImportError):
        from transformers import get_cosine_scheduler_with_warmup  # noqa: F401


@pytest.mark.parametrize("num_cycles", [0.5, 1.5, 2.5, 3.5, 9.5])
def test_every_odd_multiple_of_half_a_cycle_ends_at_zero(num_cycles):
    assert cosine_multiplier_at_t(num_cycles) < 1e-12


@pytest.mark.parametrize("num_cycles, end", [(0.25, 0.5), (0.75, 0.5), (1.25, 0.5), (1.75, 0.5), (1.0, 1.0), (2.0, 1.0)])
def test_other_num_cycles_do_not_end_at_zero(num_cycles, end):
    assert cosine_multiplier_at_t(num_cycles) == pytest.approx(end, abs=1e-12)


def floors(specific, lrs, default=1e-3):
    optimizer = make_optimizer(lrs=lrs)
    optimizer.defaults["lr"] = default
    scheduler = transformers.get_scheduler("cosine_with_min_lr", optimizer, num_warmup_steps=W,
                                           num_training_steps=T, scheduler_specific_kwargs=specific)
    return stepped_lrs(scheduler, optimizer, T + 1)[T]


def test_min_lr_is_min_lr_rate_times_the_optimizers_default_lr():
    assert floors({"min_lr": 1e-5}, (1e-4, 1e-3)) == floors({"min_lr_rate": 0.01}, (1e-4, 1e-3))


def test_min_lr_is_the_floor_only_of_a_group_at_the_default_lr():
    body, head = floors({"min_lr": 1e-5}, (1e-4, 1e-3))
    assert head == pytest.approx(1e-5) and body == pytest.approx(1e-6)


def test_min_lr_is_not_the_floor_of_a_single_group_with_its_own_lr():
    (single,) = floors({"min_lr": 1e-5}, (1e-4,), default=1e-3)
    assert single == pytest.approx(1e-6)


def test_cosine_warmup_with_min_lr_peaks_at_w_minus_1_and_reaches_its_floor_at_t_minus_1():
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_scheduler("cosine_warmup_with_min_lr", optimizer, num_warmup_steps=W,
                                           num_training_steps=T, scheduler_specific_kwargs={"min_lr_rate": 0.1})
    f = [row[0] for row in stepped_lrs(scheduler, optimizer, T + 1)]
    assert f[0] == pytest.approx(1 / W) and f[W - 1] == pytest.approx(1.0)
    assert f[T - 1] == pytest.approx(0.1) and f[T] > 0.1


def test_cosine_annealing_lr_behind_a_warmup_matches_cosine_also_past_t():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = SequentialLR(optimizer, [LinearLR(optimizer, start_factor=1e-8, total_iters=W),
                                         CosineAnnealingLR(optimizer, T_max=T - W)], milestones=[W])
    pytorch = np.array(stepped_lrs(scheduler, optimizer, 2600))[:, 0]
    optimizer = make_optimizer(lrs=(1e-3,))
    hf = np.array(stepped_lrs(transformers.get_cosine_schedule_with_warmup(optimizer, W, T), optimizer, 2600))[:, 0]
    assert np.max(np.abs(pytorch - hf)) <= 1.01e-11
    assert hf[T] < 1e-12 and hf[2599] > 0.25e-3  # both climb back up after T


def test_num_cycles_2_75_touches_zero_three_times_then_ends_climbing_at_half_the_peak():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = transformers.get_cosine_schedule_with_warmup(optimizer, W, T, num_cycles=2.75)
    f = np.array([row[0] for row in stepped_lrs(scheduler, optimizer, T)]) / 1e-3  # steps 0 .. T - 1
    decay = f[W:]
    lows = np.flatnonzero((decay[1:-1] <= decay[:-2]) & (decay[1:-1] < decay[2:])) + 1
    assert len(lows) == 3 and decay[lows].max() < 1e-5
    assert f[-1] == pytest.approx(0.5, abs=0.01) and f[-1] > f[-2]
