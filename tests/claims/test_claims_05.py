"""Claims of notebook 05 (cosine with hard restarts) about transformers 5.23 and torch 2.13."""

import numpy as np
import pytest
import transformers
from support import make_optimizer, stepped_lrs
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, LambdaLR, SequentialLR

W, T, N = 100, 1950, 2200


def restarts(num_cycles, num_steps=N):
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_scheduler("cosine_with_restarts", optimizer, num_warmup_steps=W, num_training_steps=T,
                                           scheduler_specific_kwargs={"num_cycles": num_cycles})
    return np.array(stepped_lrs(scheduler, optimizer, num_steps))[:, 0]


def test_one_restart_cycle_is_plain_cosine_until_t_then_stays_at_zero():
    optimizer = make_optimizer(lrs=(1.0,))
    cosine = np.array(stepped_lrs(transformers.get_cosine_schedule_with_warmup(optimizer, W, T), optimizer, N))[:, 0]
    one = restarts(1)
    assert np.max(np.abs(one[:T] - cosine[:T])) < 1e-12
    assert np.all(one[T:] == 0) and cosine[N - 1] > 0.04


def test_two_cycles_restart_at_the_peak_at_step_1025():
    two = restarts(2)
    assert two[1024] < 1e-5 and two[1025] == pytest.approx(1.0)


def test_fractional_num_cycles_is_accepted_and_the_last_cycle_stops_halfway_down():
    f = restarts(2.5, T + 1)
    assert f[T - 1] == pytest.approx(0.5, abs=0.01) and f[T] == 0.0


def test_cosine_annealing_warm_restarts_matches_until_t_then_restarts_at_the_peak():
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = SequentialLR(optimizer, [LambdaLR(optimizer, lambda s: s / W),
                                         CosineAnnealingWarmRestarts(optimizer, T_0=(T - W) // 2)], milestones=[W])
    pytorch = np.array(stepped_lrs(scheduler, optimizer, N))[:, 0]
    two = restarts(2)
    assert np.max(np.abs(pytorch[:T] - two[:T])) < 1e-12
    assert pytorch[T] == pytest.approx(1.0) and two[T] == 0.0


def test_cosine_annealing_warm_restarts_wants_a_whole_number_t_0():
    with pytest.raises(ValueError, match="positive integer T_0"):
        CosineAnnealingWarmRestarts(make_optimizer(), T_0=(T - W) / 3)


@pytest.mark.parametrize("T_mult", [0, 1.5])
def test_cosine_annealing_warm_restarts_wants_an_integer_t_mult_of_at_least_1(T_mult):
    with pytest.raises(ValueError, match="integer T_mult >= 1"):
        CosineAnnealingWarmRestarts(make_optimizer(), T_0=10, T_mult=T_mult)


def test_cosine_annealing_warm_restarts_eta_min_is_one_absolute_floor_for_every_group():
    # Groups at 1e-3 and 5e-4 with eta_min=1e-5: each follows eta_min + (its lr - eta_min)(1 + cos(pi t / T_0)) / 2,
    # the same floor 1e-5 for both, not a fraction of each group's lr.
    T_0, eta_min = 10, 1e-5
    optimizer = make_optimizer()
    lrs = np.array(stepped_lrs(CosineAnnealingWarmRestarts(optimizer, T_0=T_0, eta_min=eta_min), optimizer, T_0))
    t = np.arange(T_0)[:, None]
    expected = eta_min + (np.array([1e-3, 5e-4]) - eta_min) * (1 + np.cos(np.pi * t / T_0)) / 2
    assert np.max(np.abs(lrs - expected)) < 1e-15


def test_restarts_come_at_the_first_whole_step_past_each_cycle_boundary():
    three = restarts(3, T)
    jumps = [int(s) for s in np.flatnonzero(np.diff(three) > 0) + 1 if s > W]
    assert jumps == [717, 1334]
    assert jumps == [int(np.ceil(W + k * (T - W) / 3)) for k in (1, 2)]
