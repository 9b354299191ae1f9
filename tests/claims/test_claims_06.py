"""Claims of notebook 06 (polynomial decay) about transformers 5.23 and torch 2.13."""

import numpy as np
import pytest
import transformers
from support import make_optimizer, stepped_lrs
from torch.optim.lr_scheduler import LambdaLR, PolynomialLR, SequentialLR

W, T, N = 100, 1950, 2200


def polynomial(lrs=(1e-3,), **specific):
    optimizer = make_optimizer(lrs=lrs)
    scheduler = transformers.get_polynomial_decay_schedule_with_warmup(optimizer, W, T, **specific)
    return np.array(stepped_lrs(scheduler, optimizer, N))


def linear():
    optimizer = make_optimizer(lrs=(1e-3,))
    return np.array(stepped_lrs(transformers.get_linear_schedule_with_warmup(optimizer, W, T), optimizer, N))


def test_power_one_equals_linear_only_when_lr_end_is_zero():
    assert np.max(np.abs(polynomial(power=1.0, lr_end=0.0) - linear())) < 1e-18
    gap = np.abs(polynomial(power=1.0) - linear())
    assert np.max(gap) == pytest.approx(1e-7, rel=1e-9) and gap[T] == pytest.approx(1e-7, rel=1e-9)


def test_lr_end_is_divided_by_the_optimizers_default_lr_for_every_group():
    ends = polynomial(lrs=(1e-3, 1e-2, 5e-4), lr_end=1e-5, power=2.0)[N - 1]
    assert ends == pytest.approx([1e-5, 1e-4, 5e-6], rel=1e-9)


def test_polynomial_refuses_lr_end_not_below_the_default_lr_but_accepts_a_negative_one():
    with pytest.raises(ValueError, match="must be smaller than initial lr"):
        transformers.get_polynomial_decay_schedule_with_warmup(make_optimizer(), W, T, lr_end=1e-3)
    transformers.get_polynomial_decay_schedule_with_warmup(make_optimizer(), W, T, lr_end=-1e-5)


def test_power_zero_is_accepted_and_holds_the_peak_until_t():
    lrs = polynomial(power=0.0)[:, 0]
    assert np.allclose(lrs[W:T + 1], 1e-3, rtol=1e-12, atol=0) and lrs[T + 1] == pytest.approx(1e-7)


def test_a_negative_power_raises_zero_division_error_at_step_t():
    optimizer = make_optimizer()
    scheduler = transformers.get_polynomial_decay_schedule_with_warmup(optimizer, W, T, power=-1.0)
    with pytest.raises(ZeroDivisionError):
        stepped_lrs(scheduler, optimizer, T + 1)
    assert scheduler.last_epoch == T


def test_polynomial_lr_behind_a_warmup_matches_only_with_lr_end_zero():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = SequentialLR(optimizer, [LambdaLR(optimizer, lambda s: s / W),
                                         PolynomialLR(optimizer, total_iters=T - W, power=2.0)], milestones=[W])
    pytorch = np.array(stepped_lrs(scheduler, optimizer, N))
    assert np.max(np.abs(pytorch - polynomial(power=2.0, lr_end=0.0))) < 1e-15
    gap = np.abs(pytorch - polynomial(power=2.0))[:, 0]  # the default lr_end=1e-7, in learning-rate units
    assert gap.max() == pytest.approx(1e-7, rel=1e-6) and int(np.argmax(gap)) == T  # reached at T, kept after
    assert gap[-1] == pytest.approx(1e-7, rel=1e-6) and gap.max() / 1e-3 == pytest.approx(1e-4, rel=1e-6)


def test_power_one_runs_lr_end_times_progress_above_linear():
    gap = (polynomial(power=1.0, lr_end=1e-4) - linear())[:, 0]
    assert gap[1025] == pytest.approx(0.5e-4, rel=1e-9)
    assert gap[T] == pytest.approx(1e-4, rel=1e-9) and gap[N - 1] == pytest.approx(1e-4, rel=1e-9)

