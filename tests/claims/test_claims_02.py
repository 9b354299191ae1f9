"""Claims of notebook 02 (constant and constant_with_warmup) about transformers 5.23 and torch 2.13."""

import logging
import warnings

import pytest
import torch
import transformers
from support import make_optimizer, stepped_lrs


def test_constant_ignores_num_warmup_steps_without_a_warning(caplog):
    # "Without a word": no Python warning and no record from transformers' loggers, at any level. Those loggers
    # do not propagate to the root logger, so caplog's handler is put on transformers' own.
    transformers_logger = logging.getLogger("transformers")
    transformers_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG, logger="transformers"), warnings.catch_warnings():
            warnings.simplefilter("error")
            optimizer = make_optimizer()
            scheduler = transformers.get_scheduler("constant", optimizer, num_warmup_steps=100, num_training_steps=1950)
            lrs = stepped_lrs(scheduler, optimizer, 3)
            logging.getLogger("transformers.optimization").debug("probe")  # the capture itself works
    finally:
        transformers_logger.removeHandler(caplog.handler)
    # the probe may be recorded twice (once more through the root logger, if another test made transformers'
    # loggers propagate); nothing else may be recorded
    assert {record.getMessage() for record in caplog.records} == {"probe"}
    assert lrs == [[1e-3, 5e-4]] * 3


def test_constant_with_warmup_ignores_num_training_steps():
    runs = []
    for num_training_steps in (10, 1950, None):
        optimizer = make_optimizer()
        scheduler = transformers.get_scheduler("constant_with_warmup", optimizer, num_warmup_steps=100,
                                               num_training_steps=num_training_steps)
        runs.append(stepped_lrs(scheduler, optimizer, 300))
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][299] == [1e-3, 5e-4]


def test_a_warmup_scheduler_sets_lr_to_zero_as_soon_as_it_is_built():
    optimizer = make_optimizer()
    transformers.get_constant_schedule_with_warmup(optimizer, num_warmup_steps=100)
    assert [group["lr"] for group in optimizer.param_groups] == [0.0, 0.0]


def test_lr_zero_first_step_leaves_adamw_weights_in_place_but_counts_the_step():
    parameter = torch.nn.Parameter(torch.ones(3))
    optimizer = torch.optim.AdamW([parameter], lr=1e-2)
    transformers.get_constant_schedule_with_warmup(optimizer, num_warmup_steps=20)
    parameter.grad = torch.tensor([1.0, -2.0, 3.0])
    optimizer.step()
    assert torch.equal(parameter.detach(), torch.ones(3))
    assert int(optimizer.state[parameter]["step"]) == 1
    assert torch.count_nonzero(optimizer.state[parameter]["exp_avg"]) == 3


def test_linear_lr_refuses_start_factor_zero():
    with pytest.raises(ValueError, match="greater than 0"):
        torch.optim.lr_scheduler.LinearLR(make_optimizer(), start_factor=0.0, total_iters=100)


def test_cosine_warmup_with_min_lr_starts_at_one_over_w_and_other_warmups_at_zero():
    firsts = {}
    for name, specific in [("linear", None), ("cosine", None), ("polynomial", None),
                           ("constant_with_warmup", None), ("cosine_with_min_lr", {"min_lr_rate": 0.1}),
                           ("cosine_warmup_with_min_lr", {"min_lr_rate": 0.1}),
                           ("warmup_stable_decay", {"num_decay_steps": 200})]:
        optimizer = make_optimizer()
        transformers.get_scheduler(name, optimizer, num_warmup_steps=100, num_training_steps=1950,
                                   scheduler_specific_kwargs=specific)
        firsts[name] = optimizer.param_groups[0]["lr"] / 1e-3
    assert firsts.pop("cosine_warmup_with_min_lr") == pytest.approx(1 / 100)
    assert set(firsts.values()) == {0.0}


def test_warmup_stable_decay_starts_at_its_floor_min_lr_ratio():
    optimizer = make_optimizer()
    transformers.get_scheduler("warmup_stable_decay", optimizer, num_warmup_steps=100, num_training_steps=1950,
                               scheduler_specific_kwargs={"num_decay_steps": 200, "min_lr_ratio": 0.1})
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 1e-3)


def test_warmup_stable_decay_by_default_begins_exactly_as_constant_with_warmup():
    optimizer = make_optimizer()
    wsd = transformers.get_scheduler("warmup_stable_decay", optimizer, num_warmup_steps=100, num_training_steps=1950,
                                     scheduler_specific_kwargs={"num_decay_steps": 200})
    wsd_lrs = stepped_lrs(wsd, optimizer, 1750)
    optimizer = make_optimizer()
    constant = transformers.get_constant_schedule_with_warmup(optimizer, num_warmup_steps=100)
    assert wsd_lrs == stepped_lrs(constant, optimizer, 1750)


def test_a_warmup_as_long_as_the_run_never_reaches_the_peak():
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = transformers.get_constant_schedule_with_warmup(optimizer, num_warmup_steps=20)
    lrs = [row[0] for row in stepped_lrs(scheduler, optimizer, 20)]
    assert max(lrs) == lrs[-1] == pytest.approx(1e-3 * 19 / 20, rel=1e-12)
