"""Claims of notebook 10 (the playground) about transformers 5.23 and lrlib."""

import math
import warnings

import lrlib
import pytest
import transformers
from support import make_optimizer, stepped_lrs
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

CLIMB_BACK = ["cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr"]
EXTRA = {"cosine_with_restarts": {"num_cycles": 3}, "polynomial": {"power": 2.0},
         "cosine_with_min_lr": {"min_lr_rate": 0.1}, "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1},
         "warmup_stable_decay": {"num_decay_steps": 390}}


def real_lrs(name, num_steps, num_warmup_steps=100, num_training_steps=1950):
    optimizer = make_optimizer(lrs=(1.0,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler = transformers.get_scheduler(
            name, optimizer, num_warmup_steps=None if name == "constant" else num_warmup_steps,
            num_training_steps=num_training_steps, scheduler_specific_kwargs=EXTRA.get(name))
    return [row[0] for row in stepped_lrs(scheduler, optimizer, num_steps)]


def test_exactly_the_three_cosines_climb_back_after_num_training_steps_on_the_article_run():
    climbing = [name for name in lrlib.CURVE_NAMES
                if max(real_lrs(name, 3901)[1951:]) > real_lrs(name, 1951)[1950] + 1e-9]
    assert climbing == CLIMB_BACK


def test_ten_step_driven_schedules_and_two_metric_driven_ones():
    names = {member.value for member in transformers.SchedulerType}
    assert set(lrlib.CURVE_NAMES) == names - {"reduce_lr_on_plateau", "greedy"} and len(lrlib.CURVE_NAMES) == 10






def test_cosine_warmup_with_min_lr_warms_up_one_step_ahead():
    lrs = real_lrs("cosine_warmup_with_min_lr", 101)
    assert lrs[0] == pytest.approx(1 / 100) and lrs[50] == pytest.approx(51 / 100)
    assert lrs[99] == 1.0 and lrs[100] < 1.0 and max(lrs) == lrs[99]  # the peak at step W - 1


def test_cosine_warmup_with_min_lr_decays_one_step_ahead_too():
    ahead, plain = real_lrs("cosine_warmup_with_min_lr", 1951), real_lrs("cosine_with_min_lr", 1951)
    assert ahead[975] == pytest.approx(plain[976], rel=1e-12) and ahead[975] < plain[975]




def test_trainer_rounds_a_warmup_ratio_up():
    arguments = transformers.TrainingArguments(output_dir="unused", warmup_steps=0.03, report_to=[])
    assert arguments.get_warmup_steps(392) == 12 == lrlib.warmup_steps(0.03, 392)


def test_four_schedules_are_at_exactly_0_at_step_t_and_none_at_the_last_step_trained():
    at_end = {name: real_lrs(name, 1951)[1949:] for name in lrlib.CURVE_NAMES}
    assert [name for name, (_, last) in at_end.items() if last == 0.0] == [
        "linear", "cosine", "cosine_with_restarts", "warmup_stable_decay"]
    assert all(last_trained > 0 for last_trained, _ in at_end.values())
    assert at_end["linear"][0] == pytest.approx(1 / 1850)


def test_four_gpus_with_half_the_accumulation_keep_the_step_count_of_two():
    import torch

    dataset = TensorDataset(torch.zeros(120_000, 1))

    def steps(world_size, accumulation):
        loader = DataLoader(dataset, batch_size=16,
                            sampler=DistributedSampler(dataset, num_replicas=world_size, rank=0, shuffle=False))
        return 3 * math.ceil(len(loader) / accumulation)

    assert steps(2, 4) == steps(4, 2) == 2814 and steps(4, 4) == 1407
    assert lrlib.training_steps(epochs=3, num_examples=120_000, batch_size=16, grad_accum_steps=2, world_size=4) == 2814
