"""lrlib.training_steps and lrlib.warmup_steps: the step counts a schedule needs."""

import math
from types import SimpleNamespace

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader, DistributedSampler
from transformers import TrainingArguments

import lrlib


@pytest.mark.parametrize("accumulation, per_epoch", [(1, 39), (2, 20), (4, 10), (13, 3), (39, 1), (64, 1)])
def test_accumulation_counts_the_final_partial_window(accumulation, per_epoch):
    assert lrlib.training_steps(epochs=3, num_batches=39, grad_accum_steps=accumulation) == 3 * per_epoch
    assert lrlib.training_steps(epochs=3, num_examples=1235, batch_size=32,
                                grad_accum_steps=accumulation) == 3 * per_epoch


@pytest.mark.parametrize("world_size, drop_last, per_epoch", [
    (1, False, 39), (2, False, 20), (4, False, 10), (8, False, 5),
    (1, True, 38), (2, True, 19), (4, True, 9), (8, True, 4),
])
def test_each_process_counts_its_own_shard(world_size, drop_last, per_epoch):
    assert lrlib.training_steps(epochs=2, num_examples=1235, batch_size=32, world_size=world_size,
                                drop_last=drop_last) == 2 * per_epoch


@settings(max_examples=60, deadline=None)
@given(num_examples=st.integers(1, 500), batch_size=st.integers(1, 64), world_size=st.integers(1, 8),
       accumulation=st.integers(1, 9), drop_last=st.booleans())
def test_count_equals_a_real_loop_over_distributed_loaders(num_examples, batch_size, world_size, accumulation,
                                                           drop_last):
    lengths = []
    for rank in range(world_size):
        sampler = DistributedSampler(range(num_examples), num_replicas=world_size, rank=rank, shuffle=False,
                                     drop_last=drop_last)
        lengths.append(len(DataLoader(range(num_examples), batch_size=batch_size, sampler=sampler,
                                      drop_last=drop_last)))
    assert len(set(lengths)) == 1, "every process takes the same number of steps"
    optimizer_steps = 0
    for index in range(lengths[0]):  # one epoch of the usual accumulation loop
        if (index + 1) % accumulation == 0 or index + 1 == lengths[0]:
            optimizer_steps += 1
    arguments = dict(num_examples=num_examples, batch_size=batch_size, world_size=world_size, drop_last=drop_last,
                     grad_accum_steps=accumulation)
    if lengths[0] == 0:
        with pytest.raises(ValueError, match="not one full batch"):
            lrlib.training_steps(epochs=2, **arguments)
        return
    assert lrlib.training_steps(epochs=2, **arguments) == 2 * optimizer_steps
    assert lrlib.training_steps(epochs=2, num_batches=lengths[0], grad_accum_steps=accumulation) == 2 * optimizer_steps


@pytest.mark.parametrize("arguments, message", [
    (dict(num_batches=39, num_examples=1235, batch_size=32), "not both"),
    (dict(), "Give num_batches=len.train_loader."),
    (dict(batch_size=32), "batch_size=32 was given without num_examples"),
    (dict(num_examples=1235), "needs batch_size"),
    (dict(num_batches=39, batch_size=32), "batch_size=32 has no effect with num_batches=39"),
    (dict(num_batches=39, world_size=4), "world_size=4 has no effect with num_batches=39"),
    (dict(num_batches=39, drop_last=True), "drop_last=True has no effect"),
    (dict(num_batches=0), "num_batches must be >= 1, got 0"),
    (dict(num_examples=-5, batch_size=32), "num_examples must be >= 1, got -5"),
    (dict(num_examples=1235, batch_size=0), "batch_size must be >= 1, got 0"),
    (dict(num_batches=39, grad_accum_steps=0), "grad_accum_steps must be >= 1, got 0"),
    (dict(num_examples=10, batch_size=32, drop_last=True), "not one full batch of 32"),
    (dict(num_examples=40, batch_size=16, world_size=4, drop_last=True), "10 per process: not one full batch"),
])
def test_impossible_or_ambiguous_counts_are_value_errors(arguments, message):
    with pytest.raises(ValueError, match=message):
        lrlib.training_steps(epochs=50, **arguments)


@pytest.mark.parametrize("arguments, message", [
    (dict(epochs=2.5, num_batches=39), "epochs must be a whole number"),
    (dict(epochs=50, num_batches=39.0), "num_batches must be a whole number"),
    (dict(epochs=50, num_examples=1235, batch_size=32.0), "batch_size must be a whole number"),
    (dict(epochs=True, num_batches=39), "epochs must be a whole number"),
    (dict(epochs=50, num_batches=39, grad_accum_steps=1.5), "grad_accum_steps must be a whole number"),
    (dict(epochs=50, num_examples=1235, batch_size=32, world_size="2"), "world_size must be a whole number"),
    (dict(epochs=50, num_examples=1235, batch_size=32, drop_last=1), "drop_last must be True or False"),
])
def test_wrong_types_are_type_errors(arguments, message):
    with pytest.raises(TypeError, match=message):
        lrlib.training_steps(**arguments)


def test_epochs_must_be_positive():
    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        lrlib.training_steps(epochs=0, num_batches=39)


def test_training_steps_takes_numpy_and_torch_integers():
    import numpy as np
    assert lrlib.training_steps(epochs=np.int64(50), num_batches=np.int32(39)) == 1950
    assert lrlib.training_steps(epochs=50, num_examples=torch.tensor(1235).item(), batch_size=32) == 1950


@pytest.mark.parametrize("ratio, total, expected", [(0.06, 1950, 117), (0.1, 1001, 101), (0.0, 10, 0),
                                                     (1.0, 10, 10), (0.05, 100, 5), (0.07, 100, 8)])
def test_warmup_steps_rounds_up(ratio, total, expected):
    assert lrlib.warmup_steps(ratio, total) == expected


@pytest.mark.parametrize("ratio", [0.0, 0.01, 0.03, 0.05, 0.06, 0.07, 0.1, 0.2, 0.33, 0.5, 0.9, 0.999])
@pytest.mark.parametrize("total", [1, 7, 100, 1001, 1950, 123457])
def test_warmup_steps_agrees_with_the_trainer(ratio, total):
    # TrainingArguments.get_warmup_steps reads only .warmup_steps (a ratio when below 1).
    trainer_count = TrainingArguments.get_warmup_steps(SimpleNamespace(warmup_steps=ratio), total)
    assert lrlib.warmup_steps(ratio, total) == trainer_count


@pytest.mark.parametrize("ratio, error, message", [
    (1.5, ValueError, r"ratio must be in \[0, 1\]"), (-0.1, ValueError, r"in \[0, 1\]"),
    (100, ValueError, "pass it as num_warmup_steps directly"), (float("nan"), TypeError, "ratio must be a number"),
    ("0.1", TypeError, "ratio must be a number"), (True, TypeError, "ratio must be a number"),
])
def test_warmup_steps_refuses_a_ratio_outside_0_1(ratio, error, message):
    with pytest.raises(error, match=message):
        lrlib.warmup_steps(ratio, 1000)


@pytest.mark.parametrize("total, error", [(0, ValueError), (10.0, TypeError), (-3, ValueError)])
def test_warmup_steps_checks_num_training_steps(total, error):
    with pytest.raises(error, match="num_training_steps"):
        lrlib.warmup_steps(0.1, total)


def test_a_swapped_warmup_steps_call_is_refused_as_swapped():
    with pytest.raises(ValueError, match=r"look swapped: warmup_steps\(ratio, num_training_steps\), here "
                                         r"warmup_steps\(0\.06, 1950\)"):
        lrlib.warmup_steps(1950, 0.06)


def test_the_step_plan_keeps_the_counts_training_steps_multiplies():
    from lrlib.steps import StepPlan

    plan = StepPlan.for_loop(epochs=3, num_examples=1235, batch_size=32, world_size=2, grad_accum_steps=4,
                             prepared_by_accelerate=True)
    batches = len(DataLoader(range(1235), batch_size=32,
                             sampler=DistributedSampler(range(1235), num_replicas=2, rank=0, shuffle=False)))
    assert (plan.batches, plan.updates) == (batches, math.ceil(batches / 4))
    assert (plan.optimizer_steps, plan.scheduler_steps_per_optimizer_step) == (3 * plan.updates, 2)
    assert plan.num_training_steps == 2 * plan.optimizer_steps == lrlib.training_steps(
        epochs=3, num_examples=1235, batch_size=32, world_size=2, grad_accum_steps=4, prepared_by_accelerate=True)
