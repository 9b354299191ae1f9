"""Claims of notebook 08 (several parameter groups) about transformers 5.23 and torch 2.13."""

import functools
import inspect
import io
import pickle

import pytest
import torch
import transformers
from support import make_optimizer, stepped_lrs

METRIC_DRIVEN = {transformers.SchedulerType.REDUCE_ON_PLATEAU, transformers.SchedulerType.GREEDY}


def multiplier(step, *, warmup):
    return min(1.0, step / warmup)


def plain_function(step):
    return 1.0


def test_every_step_driven_get_scheduler_schedule_is_a_lambdalr():
    specific = {"cosine_with_min_lr": {"min_lr_rate": 0.1}, "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1},
                "warmup_stable_decay": {"num_decay_steps": 10}}
    for name in transformers.SchedulerType:
        if name in METRIC_DRIVEN:
            continue
        scheduler = transformers.get_scheduler(name, make_optimizer(), num_warmup_steps=10, num_training_steps=100,
                                               scheduler_specific_kwargs=specific.get(name.value))
        assert type(scheduler) is torch.optim.lr_scheduler.LambdaLR, name


def test_a_scheduler_keeps_an_existing_initial_lr_setdefault():
    optimizer = make_optimizer(lrs=(1e-3,))
    transformers.get_scheduler("constant", optimizer)
    optimizer.param_groups[0]["lr"] = 5e-4  # a new peak set by hand
    rebuilt = transformers.get_scheduler("constant", optimizer)
    assert rebuilt.base_lrs == [1e-3] and optimizer.param_groups[0]["lr"] == 1e-3


def test_a_scheduler_sets_initial_lr_when_the_group_has_none():
    optimizer = make_optimizer(lrs=(1e-3, 5e-4))
    scheduler = transformers.get_scheduler("linear", optimizer, num_warmup_steps=10, num_training_steps=100)
    assert [group["initial_lr"] for group in optimizer.param_groups] == scheduler.base_lrs == [1e-3, 5e-4]


def test_every_lambdalr_schedule_function_takes_last_epoch_and_the_metric_driven_ones_do_not():
    for name, function in transformers.optimization.TYPE_TO_SCHEDULER_FUNCTION.items():
        takes = "last_epoch" in inspect.signature(function).parameters
        assert takes == (name not in METRIC_DRIVEN), name


def test_lambdalr_state_dict_saves_nothing_of_functions_lambdas_or_partials():
    optimizer = make_optimizer(lrs=(1e-3, 5e-4, 2e-4))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, [functools.partial(multiplier, warmup=10), lambda step: 1.0, plain_function])
    assert scheduler.state_dict()["lr_lambdas"] == [{}, None, None]


def test_a_lambdalr_of_partials_pickles_and_one_of_lambdas_does_not():
    optimizer = make_optimizer(lrs=(1e-3,))
    torch.save(torch.optim.lr_scheduler.LambdaLR(optimizer, functools.partial(multiplier, warmup=10)), io.BytesIO())
    with pytest.raises((pickle.PicklingError, AttributeError)):  # a lambda cannot be pickled
        torch.save(torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0), io.BytesIO())


def test_lambdalr_loads_a_state_into_different_functions_without_complaint():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, functools.partial(multiplier, warmup=10))
    stepped_lrs(scheduler, optimizer, 5)
    state = scheduler.state_dict()
    other = make_optimizer(lrs=(1e-3,))
    rebuilt = torch.optim.lr_scheduler.LambdaLR(other, functools.partial(multiplier, warmup=100))
    rebuilt.load_state_dict(state)
    assert rebuilt.last_epoch == 5
    other.step()
    rebuilt.step()
    assert other.param_groups[0]["lr"] == pytest.approx(1e-3 * 6 / 100)  # the new function, not 6 / 10


def test_adding_a_group_after_the_scheduler_exists_breaks_the_next_step():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = transformers.get_scheduler("linear", optimizer, num_warmup_steps=10, num_training_steps=100)
    optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2))], "lr": 1e-4})
    optimizer.step()
    with pytest.raises(ValueError, match="zip"):
        scheduler.step()


def test_resuming_with_last_epoch_needs_initial_lr_in_every_group():
    optimizer = make_optimizer(lrs=(1e-3,))
    transformers.get_scheduler("linear", optimizer, num_warmup_steps=10, num_training_steps=100)
    optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(2))], "lr": 1e-4})
    with pytest.raises(KeyError, match="initial_lr"):
        transformers.get_linear_schedule_with_warmup(optimizer, 10, 100, last_epoch=5)


def test_lambdalr_wants_one_function_per_group():
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        torch.optim.lr_scheduler.LambdaLR(make_optimizer(), [lambda step: 1.0])


@pytest.mark.parametrize("name, specific", [("polynomial", {"lr_end": 1e-5}),
                                            ("cosine_with_min_lr", {"min_lr": 1e-5})])
def test_floors_are_measured_against_the_optimizers_default_lr(name, specific):
    optimizer = make_optimizer(lrs=(1e-3, 1e-4))  # defaults['lr'] = 1e-3
    scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=10, num_training_steps=100,
                                           scheduler_specific_kwargs=specific)
    end = stepped_lrs(scheduler, optimizer, 101)[-1]
    assert end == pytest.approx([1e-5, 1e-6], rel=1e-9)


def test_min_lr_rate_is_relative_to_each_group():
    optimizer = make_optimizer(lrs=(1e-3, 1e-4))
    scheduler = transformers.get_scheduler("cosine_with_min_lr", optimizer, num_warmup_steps=10,
                                           num_training_steps=100, scheduler_specific_kwargs={"min_lr_rate": 0.1})
    assert stepped_lrs(scheduler, optimizer, 101)[-1] == pytest.approx([1e-4, 1e-5], rel=1e-9)


def test_an_adamw_built_without_lr_has_a_default_lr_of_1e_3_that_no_group_uses():
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in (2e-5, 1e-4)]
    optimizer = torch.optim.AdamW(groups)
    assert optimizer.defaults["lr"] == 1e-3
    assert [group["lr"] for group in optimizer.param_groups] == [2e-5, 1e-4]
