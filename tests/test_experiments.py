"""The small training runs of notebook 01: they train, they repeat exactly, they fail loudly."""

import math

import numpy as np
import pytest
import torch

from lrlib.course.experiments import (
    adam_first_steps,
    deterministic,
    format_sorting_table,
    sharpness_run,
    sorting_batch,
    top_hessian_eigenvalue,
    train_sorting,
)


def test_sorting_batch_targets_are_the_sorted_inputs_and_inputs_are_teacher_forced():
    inputs, targets = sorting_batch(torch.Generator().manual_seed(1), 5, length=6)
    assert inputs.shape == (5, 12) and targets.shape == (5, 6)
    assert torch.equal(targets, inputs[:, :6].sort(dim=1).values)
    assert (inputs[:, 6] == 10).all()
    assert torch.equal(inputs[:, 7:], targets[:, :-1])


def test_transformer_loss_falls_on_an_easy_setting():
    run = train_sorting(peak_lr=3e-3, num_warmup_steps=10, num_training_steps=80, seed=0)
    assert run.losses[:5].mean() > 2.0
    assert run.losses[-10:].mean() < 1.5
    assert run.final_loss < 1.5 < math.log(10)
    assert run.accuracy > 0.4


def test_transformer_run_gives_the_same_numbers_twice_for_a_seed():
    first = train_sorting(peak_lr=1e-2, num_warmup_steps=5, num_training_steps=20, seed=3)
    again = train_sorting(peak_lr=1e-2, num_warmup_steps=5, num_training_steps=20, seed=3)
    other = train_sorting(peak_lr=1e-2, num_warmup_steps=5, num_training_steps=20, seed=4)
    np.testing.assert_array_equal(first.losses, again.losses)
    assert (first.final_loss, first.accuracy) == (again.final_loss, again.accuracy)
    assert not np.array_equal(first.losses, other.losses)


def test_pre_norm_and_radam_variants_train_and_report_their_configuration():
    runs = [
        train_sorting(peak_lr=3e-3, num_warmup_steps=0, num_training_steps=20, norm="pre"),
        train_sorting(peak_lr=3e-3, num_warmup_steps=0, num_training_steps=20, optimizer="radam"),
    ]
    assert [run.label for run in runs] == ["pre-LN Adam, warmup 0", "post-LN RAdam, warmup 0"]
    assert all(np.isfinite(run.losses).all() for run in runs)
    table = format_sorting_table(runs)
    assert "pre-LN Adam, warmup 0" in table and "seed 0" in table
    assert f"{runs[0].final_loss:6.3f}" in table


def test_progress_callback_sees_every_step():
    seen = []
    train_sorting(peak_lr=1e-3, num_warmup_steps=2, num_training_steps=6, on_step=seen.append)
    assert seen == [1, 2, 3, 4, 5, 6]


def test_adam_first_update_is_the_full_lr_for_every_parameter_then_shrinks():
    stats = adam_first_steps(steps=(1, 2, 10), num_orders=3)
    first, second, tenth = stats
    assert first.step == 1 and first.full_size == 1.0
    assert first.median_ratio == pytest.approx(1.0, abs=1e-4)
    assert first.grad_max / first.grad_min > 100  # gradients differ, the updates do not
    assert second.median_ratio < first.median_ratio and tenth.median_ratio < second.median_ratio
    assert tenth.spread < first.spread


def test_adam_first_steps_repeat_exactly():
    assert adam_first_steps(steps=(1, 5), num_orders=2) == adam_first_steps(steps=(1, 5), num_orders=2)


def test_top_hessian_eigenvalue_finds_the_largest_curvature():
    w = torch.tensor([0.3, -1.0, 2.0], requires_grad=True)
    value, vector = top_hessian_eigenvalue(lambda: (torch.tensor([1.0, 5.0, 2.0]) * w**2).sum(), [w], iters=30)
    assert value == pytest.approx(10.0, rel=1e-4)
    assert abs(vector[0][1].item()) == pytest.approx(1.0, rel=1e-3)


def test_gradient_descent_above_two_over_sharpness_diverges_without_warmup():
    run = sharpness_run(lr_multiple=4, num_warmup_steps=0, num_steps=50)
    assert run.peak_lr == pytest.approx(4 * 2 / run.initial_sharpness)
    assert run.diverged_at is not None and run.diverged_at < 20


def test_warmup_lets_sharpness_settle_near_two_over_lr_and_repeats_exactly():
    # The notebook's setting, which survives on every CPU kind tried (AVX2 and plain kernels); at
    # 3 x (2 / sharpness) with 100 warmup steps, seed 0 survives with AVX2 kernels and diverges without.
    run = sharpness_run(lr_multiple=4, num_warmup_steps=200, num_steps=300, every=100)
    again = sharpness_run(lr_multiple=4, num_warmup_steps=200, num_steps=300, every=100)
    assert run.diverged_at is None
    assert run.sharpness[-1] < run.initial_sharpness / 2
    assert 0.8 < run.final_ratio < 1.2
    np.testing.assert_array_equal(run.sharpness, again.sharpness)
    assert run.steps.tolist() == [0, 100, 200, 300]


def test_experiments_restore_thread_count_and_determinism_setting():
    threads, was_deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    with deterministic(0):
        assert torch.get_num_threads() == 1
        assert torch.are_deterministic_algorithms_enabled()
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == was_deterministic


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: train_sorting(peak_lr=1e-3, num_warmup_steps=0, optimizer="sgd"), "optimizer must be one of"),
        (lambda: train_sorting(peak_lr=1e-3, num_warmup_steps=0, norm="middle"), "norm must be 'post' or 'pre'"),
        (lambda: adam_first_steps(steps=(0, 1)), "steps must be positive"),
        (lambda: adam_first_steps(num_orders=1), "num_orders must be at least 2"),
        (lambda: sharpness_run(lr_multiple=2, num_warmup_steps=0, activation="gelu"), "activation must be one of"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_naming_them(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_rerun_widget_trains_only_when_the_button_is_pressed():
    from lrlib.course.experiments import sorting_rerun

    box = sorting_rerun(num_training_steps=4)
    assert box.runs == []
    box.controls["num_warmup_steps"].value = 2
    box.controls["num_seeds"].value = 1
    box.button.click()
    assert [(run.num_warmup_steps, run.seed, len(run.losses)) for run in box.runs] == [(0, 0, 4), (2, 0, 4)]
    assert not box.button.disabled


def test_rerun_widget_offers_the_notebook_peak_lrs_exactly():
    from lrlib.course.experiments import sorting_rerun

    box = sorting_rerun(peak_lr=3e-2)
    assert box.controls["peak_lr"].value == 3e-2
    assert 1e-2 in box.controls["peak_lr"].options and 5e-2 in box.controls["peak_lr"].options
