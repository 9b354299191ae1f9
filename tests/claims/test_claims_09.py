"""Claims of notebook 09 (the step-count mismatch) about transformers 5.23, torch 2.13 and accelerate 1.15.

accelerate's behaviour is checked by reading its source (no multi-process run here): the test builds an
``AcceleratedScheduler`` and steps it with a stand-in for the process count.
"""

import inspect
import math
import pathlib
import sys
import warnings

import pytest
import article_script
import torch
import transformers
from support import make_optimizer, stepped_lrs
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

import lrlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
import versions  # noqa: E402


def test_dividing_len_train_loader_by_the_batch_size_again_plans_19_5_times_too_few_steps():
    loader = article_script.train_loader()
    batches = len(loader)  # what len(train_loader) really counts: batches
    planned = article_script.planned_steps(batches)  # the commented-out variant: batches divided again
    real = article_script.EPOCHS * batches  # the loop: every batch of the loader, every epoch
    assert (batches, planned, real, real / planned) == (39, 100, 1950, 19.5)
    assert lrlib.training_steps(epochs=article_script.EPOCHS, num_examples=batches,
                                batch_size=article_script.BATCH_SIZE) == planned  # the same mistake, through lrlib


def test_loader_drop_last_alone_floors_only_the_batch_count():
    data = TensorDataset(torch.zeros(127, 1))
    loader_only = DataLoader(data, batch_size=8, drop_last=True,
                             sampler=DistributedSampler(data, num_replicas=4, rank=0, drop_last=False))
    both = DataLoader(data, batch_size=8, drop_last=True,
                      sampler=DistributedSampler(data, num_replicas=4, rank=0, drop_last=True))
    assert (len(loader_only), len(both)) == (math.ceil(127 / 4) // 8, (127 // 4) // 8) == (4, 3)


def test_trainer_computes_warmup_steps_from_a_ratio_by_rounding_up():
    source = inspect.getsource(transformers.TrainingArguments.get_warmup_steps)
    assert "math.ceil(num_training_steps * self.warmup_steps)" in source


def test_trainer_builds_the_scheduler_over_max_steps():
    source = inspect.getsource(transformers.Trainer._prepare_for_training)
    assert "self.create_scheduler(num_training_steps=max_steps)" in source
    # one limit, not a minimum: a positive max_steps replaces num_train_epochs, even when it is longer
    initial = inspect.getsource(transformers.Trainer.set_initial_training_values)
    assert "max_steps = args.max_steps" in initial and "if args.max_steps > 0:" in initial
    assert "num_train_epochs = max_steps // num_update_steps_per_epoch" in initial


def test_scheduler_state_dict_of_a_transformers_schedule_keeps_nothing_of_the_schedule_function():
    optimizer = make_optimizer()
    scheduler = transformers.get_scheduler("cosine", optimizer, num_warmup_steps=10, num_training_steps=100)
    assert scheduler.state_dict()["lr_lambdas"] == [{}, {}]


@pytest.mark.parametrize("name, climbs", [("linear", False), ("cosine", True), ("cosine_with_restarts", False),
                                          ("polynomial", False), ("constant_with_warmup", False),
                                          ("inverse_sqrt", False), ("cosine_with_min_lr", True),
                                          ("cosine_warmup_with_min_lr", True), ("warmup_stable_decay", False)])
def test_which_schedules_climb_back_after_num_training_steps(name, climbs):
    specific = {"cosine_with_min_lr": {"min_lr_rate": 0.1}, "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1},
                "warmup_stable_decay": {"num_decay_steps": 40}}.get(name)
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=20, num_training_steps=200,
                                           scheduler_specific_kwargs=specific)
    lrs = [row[0] for row in stepped_lrs(scheduler, optimizer, 401)]
    assert (max(lrs[201:]) > lrs[200] + 1e-9) == climbs


def accelerated_scheduler_steps(num_processes, split_batches=False, step_with_optimizer=True):
    """Inner scheduler steps per optimizer step of accelerate's AcceleratedScheduler, run in one process
    with AcceleratorState().num_processes replaced by ``num_processes``."""
    accelerate = pytest.importorskip("accelerate")
    from accelerate import scheduler as accelerate_scheduler

    optimizer = make_optimizer(lrs=(1.0,))
    inner = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)

    class State:
        pass

    state = State()
    state.num_processes = num_processes
    original = accelerate_scheduler.AcceleratorState
    accelerate_scheduler.AcceleratorState = lambda: state
    try:
        wrapped = accelerate_scheduler.AcceleratedScheduler(inner, optimizer, step_with_optimizer=step_with_optimizer,
                                                            split_batches=split_batches)
        wrapped.gradient_state = type("Synced", (), {"sync_gradients": True, "adjust_scheduler": False})()
        optimizer.step_was_skipped = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            before = inner.last_epoch
            wrapped.step()
        return inner.last_epoch - before
    finally:
        accelerate_scheduler.AcceleratorState = original
        assert accelerate.__version__ == versions.LOCK["accelerate"]  # the version the claims register names


def test_accelerate_prepared_scheduler_steps_num_processes_times_per_optimizer_step():
    assert accelerated_scheduler_steps(num_processes=2) == 2
    assert accelerated_scheduler_steps(num_processes=4) == 4
    # only by default: once with split_batches=True or step_scheduler_with_optimizer=False
    assert accelerated_scheduler_steps(num_processes=4, split_batches=True) == 1
    assert accelerated_scheduler_steps(num_processes=4, step_with_optimizer=False) == 1


def test_a_prepared_scheduler_needs_p_times_the_per_process_count_not_the_whole_datasets_count():
    # the article's run on 4 processes: 500 optimizer steps per process, each stepping the schedule 4 times
    data = TensorDataset(torch.zeros(1235, 1))
    loader = DataLoader(data, batch_size=32, sampler=DistributedSampler(data, num_replicas=4, rank=0))
    per_process, whole = 50 * len(loader), 50 * math.ceil(1235 / 32)
    prepared = lrlib.training_steps(epochs=50, num_examples=1235, batch_size=32, world_size=4,
                                    prepared_by_accelerate=True)
    assert (per_process, prepared, whole) == (500, 2000, 1950)
    assert prepared == accelerated_scheduler_steps(num_processes=4) * per_process
    assert whole / 4 == 487.5  # a 1950 plan runs out after 487.5 of the 500 optimizer steps
    # the notebook's shorter run: 10 epochs
    assert lrlib.training_steps(epochs=10, num_examples=1235, batch_size=32, world_size=4,
                                prepared_by_accelerate=True) == 400 != 390


def test_with_3_processes_the_run_takes_a_third_of_the_shortcut_and_its_cosine_is_still_at_three_quarters():
    # Exercise 2: a real process-0 loader of 1235 examples on 3 processes, and transformers' cosine planned over
    # the shortcut's 1950 steps (5 % warmup of the real count), read at the run's last optimizer step.
    data = TensorDataset(torch.zeros(1235, 1))
    loader = DataLoader(data, batch_size=32, sampler=DistributedSampler(data, num_replicas=3, rank=0, shuffle=False))
    run, shortcut = 50 * len(loader), 50 * math.ceil(1235 / 32)
    assert (len(loader.sampler), len(loader), run, shortcut) == (412, 13, 650, 1950)
    warmup = math.ceil(0.05 * run)
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_scheduler("cosine", optimizer, num_warmup_steps=warmup, num_training_steps=shortcut)
    end = stepped_lrs(scheduler, optimizer, run)[-1][0]
    assert abs(end - (1 + math.cos(math.pi / 3)) / 2) < 0.03 and end > 2 / 3 + 0.05


def test_torch_warns_once_when_the_scheduler_steps_first_and_names_the_order_since_pytorch_1_1():
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_scheduler("linear", optimizer, num_warmup_steps=4, num_training_steps=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lrs = []
        for _ in range(5):
            scheduler.step()
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
    assert [warning.category for warning in caught] == [UserWarning]
    message = str(caught[0].message)
    assert "In PyTorch 1.1.0 and later, you should call them in the opposite order" in message
    assert "skipping the first value of the learning rate schedule" in message
    assert lrs == [0.25, 0.5, 0.75, 1.0, 15 / 16]  # steps 1 to 5 of the schedule: its first value, 0, is never used
