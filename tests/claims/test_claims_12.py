"""The library behaviour notebook 12 (Trainer and accelerate) states, checked at the pinned versions.

The end-to-end claims (the Trainer's lrs step for step, two real processes under accelerate) are
tested in tests/test_trainer.py and tests/test_accelerate.py; these are the single facts.
"""

import dataclasses
import math
import tempfile

import pytest
import torch
from torch import nn
from transformers import Trainer, TrainingArguments


def test_training_arguments_in_5_23_have_no_warmup_ratio():
    assert "warmup_ratio" not in {field.name for field in dataclasses.fields(TrainingArguments)}
    with pytest.raises(TypeError, match="warmup_ratio"):
        TrainingArguments(output_dir="unused", warmup_ratio=0.1)


@pytest.mark.parametrize("value, expected", [(0.05, 10), (0.999, 200), (1, 1), (1.0, 1), (2.5, 2), (0.07, 15), (0, 0)])
def test_warmup_steps_below_one_is_a_ratio_rounded_up_and_above_is_truncated(value, expected):
    # 200 * 0.07 == 14.000000000000002 in floating point, so the ceiling gives 15
    args = TrainingArguments(output_dir="unused", report_to="none", warmup_steps=value)
    assert args.get_warmup_steps(200) == expected


def test_warmup_ratio_rounding_follows_floating_point():
    args = TrainingArguments(output_dir="unused", report_to="none", warmup_steps=0.07)
    assert args.get_warmup_steps(100) == 8  # 100 * 0.07 == 7.000000000000001


class _Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(2, 1)

    def forward(self, x, y):
        return {"loss": ((self.layer(x).squeeze(-1) - y) ** 2).mean()}


def test_the_trainers_own_optimizer_has_a_decay_and_a_no_decay_group_at_the_same_lr():
    with tempfile.TemporaryDirectory() as output_dir:
        args = TrainingArguments(output_dir=output_dir, report_to="none", use_cpu=True, learning_rate=3e-4,
                                 weight_decay=0.01)
        trainer = Trainer(model=_Tiny(), args=args)
        optimizer = trainer.create_optimizer()
    assert [group["weight_decay"] for group in optimizer.param_groups] == [0.01, 0.0]
    assert [group["lr"] for group in optimizer.param_groups] == [3e-4, 3e-4]


def test_the_trainer_makes_one_optimizer_step_per_epoch_for_a_window_longer_than_the_epoch():
    from lrlib.steps import trainer_steps

    # 3 batches per epoch, windows of 8: the partial window still steps, once per epoch.
    assert trainer_steps(num_examples=24, per_device_train_batch_size=8, num_train_epochs=2,
                         gradient_accumulation_steps=8).num_training_steps == 2


def test_notebook_launcher_refuses_to_start_once_an_accelerator_exists():
    from accelerate import Accelerator, notebook_launcher
    from accelerate.state import AcceleratorState

    Accelerator(cpu=True)
    try:
        with pytest.raises(ValueError, match="should only be initialized inside your training function"):
            notebook_launcher(print, num_processes=2)
    finally:
        AcceleratorState._reset_state(reset_partial_state=True)


def test_accelerated_scheduler_steps_once_per_call_with_split_batches_or_without_the_optimizer_link():
    from accelerate.scheduler import AcceleratedScheduler
    from accelerate.state import AcceleratorState, PartialState

    from lrlib.scheduler import get_scheduler

    PartialState(cpu=True)
    try:
        for options in [dict(split_batches=True), dict(step_with_optimizer=False)]:
            optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
            inner = get_scheduler("linear", optimizer, num_warmup_steps=0, num_training_steps=10)
            optimizer.step_was_skipped = False
            wrapped = AcceleratedScheduler(inner, optimizer, **options)
            optimizer.step()
            wrapped.step()
            assert inner.last_epoch == 1, options
    finally:
        AcceleratorState._reset_state(reset_partial_state=True)


def test_accelerator_accepts_split_batches_without_a_warning_and_ignores_it():
    import warnings

    from accelerate import Accelerator, DataLoaderConfiguration
    from accelerate.state import AcceleratorState

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ignored = Accelerator(cpu=True, split_batches=True)
        optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
        prepared = ignored.prepare_scheduler(torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0))
        assert ignored.split_batches is False and prepared.split_batches is False
        AcceleratorState._reset_state(reset_partial_state=True)
        counted = Accelerator(cpu=True, dataloader_config=DataLoaderConfiguration(split_batches=True))
        assert counted.split_batches is True
    finally:
        AcceleratorState._reset_state(reset_partial_state=True)


def test_train_never_calls_create_optimizer_and_scheduler():
    import inspect

    called = "".join(inspect.getsource(method) for method in (
        Trainer.train, Trainer._inner_training_loop, Trainer._prepare_for_training))
    assert "create_optimizer_and_scheduler" not in called
    assert "self.create_optimizer()" in called and "self.create_scheduler(num_training_steps=max_steps)" in called

    class Overridden(Trainer):
        def create_optimizer_and_scheduler(self, num_training_steps):
            raise AssertionError("train() called create_optimizer_and_scheduler")

    with tempfile.TemporaryDirectory() as output_dir:
        args = TrainingArguments(output_dir=output_dir, report_to="none", use_cpu=True, save_strategy="no",
                                 logging_strategy="no", disable_tqdm=True, max_steps=2)
        data = [{"x": torch.zeros(2), "y": torch.zeros(())} for _ in range(4)]
        Overridden(model=_Tiny(), args=args, train_dataset=data).train()  # the override never runs


def test_a_resume_loads_the_saved_step_and_base_lr_into_a_scheduler_built_for_the_new_plan():
    import inspect

    from transformers import get_scheduler

    # Trainer._prepare_for_training: the scheduler is built for the new max_steps, then the checkpoint is loaded
    source = inspect.getsource(Trainer._prepare_for_training)
    assert source.index("self.create_scheduler(num_training_steps=max_steps)") < source.index(
        "self._load_optimizer_and_scheduler(resume_from_checkpoint)")
    saved_optimizer = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=1e-3)
    saved = get_scheduler("linear", saved_optimizer, num_warmup_steps=2, num_training_steps=12)
    for _ in range(6):
        saved_optimizer.step()
        saved.step()
    state = saved.state_dict()
    assert state["lr_lambdas"] == [{}]  # a functools.partial: LambdaLR saves its (empty) __dict__, not T
    optimizer = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=5e-4)  # a new plan: another lr, T = 24
    resumed = get_scheduler("linear", optimizer, num_warmup_steps=3, num_training_steps=24)
    optimizer.load_state_dict(saved_optimizer.state_dict())
    resumed.load_state_dict(state)
    assert resumed.last_epoch == 6 and resumed.base_lrs == [1e-3]  # the saved step and base lr
    assert resumed.lr_lambdas[0].keywords["num_training_steps"] == 24  # the new plan's length
    assert optimizer.param_groups[0]["lr"] == saved_optimizer.param_groups[0]["lr"]  # the first resumed step's lr
    optimizer.step()
    resumed.step()
    assert math.isclose(optimizer.param_groups[0]["lr"], 1e-3 * (24 - 7) / (24 - 3), rel_tol=1e-12)  # then T = 24
