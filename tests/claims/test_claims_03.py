"""Claims of notebook 03 (linear) about transformers 5.23 and torch 2.13."""

import pytest
import article_script
import transformers
from support import make_optimizer, stepped_lrs
from torch.optim.lr_scheduler import LinearLR, SequentialLR

W, T = 100, 1950


def linear_lrs(num_steps, num_training_steps=T):
    optimizer = make_optimizer()
    scheduler = transformers.get_linear_schedule_with_warmup(optimizer, W, num_training_steps)
    return [row[0] for row in stepped_lrs(scheduler, optimizer, num_steps)]


def test_linear_matches_its_closed_form_and_stays_at_zero_after_t():
    expected = [1e-3 * (s / W if s < W else max(0.0, (T - s) / (T - W))) for s in range(2200)]
    assert linear_lrs(2200) == pytest.approx(expected, rel=1e-12, abs=1e-18)
    assert set(linear_lrs(2200)[T:]) == {0.0}


def test_len_train_loader_variant_runs_all_but_99_of_1950_steps_at_lr_zero():
    planned = article_script.planned_steps(len(article_script.train_loader()))
    lrs = linear_lrs(T, num_training_steps=planned)
    assert sum(lr == 0.0 for lr in lrs) == 1851
    assert max(lrs) == pytest.approx(0.99e-3)


def test_sequential_lr_with_milestone_w_matches_linear_within_1e_11():
    optimizer = make_optimizer(lrs=(1e-3,))
    up = LinearLR(optimizer, start_factor=1e-8, end_factor=1.0, total_iters=W)
    down = LinearLR(optimizer, start_factor=1.0, end_factor=0.0, total_iters=T - W)
    scheduler = SequentialLR(optimizer, [up, down], milestones=[W])
    pytorch = [row[0] for row in stepped_lrs(scheduler, optimizer, 2200)]
    assert max(abs(a - b) for a, b in zip(pytorch, linear_lrs(2200))) <= 1.01e-11


def test_trainer_default_schedule_is_linear_without_warmup():
    fields = transformers.TrainingArguments.__dataclass_fields__
    assert fields["lr_scheduler_type"].default == "linear"
    assert fields["warmup_steps"].default == 0


def test_the_last_step_of_a_linear_run_is_one_decay_step_above_zero():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = transformers.get_linear_schedule_with_warmup(optimizer, 1900, T)
    lrs = [row[0] for row in stepped_lrs(scheduler, optimizer, T + 1)]
    assert lrs[T - 1] == pytest.approx(1e-3 / (T - 1900), rel=1e-12)
    assert lrs[T] == 0.0
