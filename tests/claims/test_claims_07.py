"""Claims of notebook 07 (inverse_sqrt, warmup_stable_decay, reduce_lr_on_plateau, greedy) about
transformers 5.23 and torch 2.13."""

import inspect
import math
import warnings

import pytest
import torch
import transformers
from support import make_optimizer, stepped_lrs


def wsd_warnings(**arguments):
    optimizer = make_optimizer()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler = transformers.get_scheduler("warmup_stable_decay", optimizer, num_warmup_steps=100, **arguments)
    return [str(warning.message) for warning in caught], scheduler, optimizer


def test_get_scheduler_knows_twelve_names():
    assert len(transformers.SchedulerType) == 12


def test_wsd_num_stable_steps_alone_through_get_scheduler_gives_no_warning():
    caught, _, _ = wsd_warnings(scheduler_specific_kwargs={"num_decay_steps": 390, "num_stable_steps": 1000})
    assert caught == []


def test_wsd_warns_only_when_both_counts_are_given_and_num_stable_steps_wins():
    caught, scheduler, optimizer = wsd_warnings(
        num_training_steps=1950, scheduler_specific_kwargs={"num_decay_steps": 390, "num_stable_steps": 1000})
    assert caught == ["Both num_training_steps and num_stable_steps are specified. num_stable_steps will be used."]
    lrs = [row[0] for row in stepped_lrs(scheduler, optimizer, 1102)]
    assert lrs[1100] == 1e-3 and lrs[1101] < 1e-3  # the decay starts at W + S = 1100, not at T - D = 1560


def test_wsd_num_training_steps_alone_gives_no_warning():
    caught, _, _ = wsd_warnings(num_training_steps=1950, scheduler_specific_kwargs={"num_decay_steps": 390})
    assert caught == []


def test_inverse_sqrt_timescale_defaults_to_num_warmup_steps_and_halves_at_w_plus_three_timescales():
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_inverse_sqrt_schedule(optimizer, num_warmup_steps=100)
    lrs = [row[0] for row in stepped_lrs(scheduler, optimizer, 401)]
    assert lrs[100] == 1.0 and math.isclose(lrs[400], 0.5, rel_tol=1e-12)
    # without a warmup the timescale falls back to 10,000: the multiplier halves at step 3 x 10,000
    no_warmup = transformers.get_inverse_sqrt_schedule(make_optimizer(lrs=(1.0,)), num_warmup_steps=0)
    multiplier = no_warmup.lr_lambdas[0]
    assert multiplier(0) == 1.0 and math.isclose(multiplier(30_000), 0.5, rel_tol=1e-12)
    assert math.isclose(multiplier(10_000), math.sqrt(1 / 2), rel_tol=1e-12)


def test_inverse_sqrt_lags_vaswani_et_al_by_one_optimizer_step():
    d_model, warmup = 512, 4000
    peak = d_model**-0.5 * warmup**-0.5
    optimizer = make_optimizer(lrs=(peak,))
    scheduler = transformers.get_inverse_sqrt_schedule(optimizer, num_warmup_steps=warmup)
    used = [row[0] for row in stepped_lrs(scheduler, optimizer, 4002)]  # lr of optimizer updates 1, 2, ...
    noam = [d_model**-0.5 * min(n**-0.5, n * warmup**-1.5) for n in range(1, 4002)]
    assert used[0] == 0.0
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(used[1:], noam[:-1]))
    assert used.index(max(used)) + 1 == warmup + 1 and noam.index(max(noam)) + 1 == warmup


def plateau_lrs(metrics, patience):
    optimizer = make_optimizer(lrs=(1.0,))
    scheduler = transformers.get_scheduler("reduce_lr_on_plateau", optimizer,
                                           scheduler_specific_kwargs={"factor": 0.5, "patience": patience})
    lrs = []
    for metric in metrics:
        scheduler.step(metric)
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_reduce_lr_on_plateau_cuts_at_the_patience_plus_first_bad_evaluation(patience):
    lrs = plateau_lrs([1.0] + [1.0] * (patience + 1), patience)
    assert lrs[patience] == 1.0 and lrs[patience + 1] == 0.5


def test_get_scheduler_passes_plateau_kwargs_to_torch_reduce_lr_on_plateau():
    scheduler = transformers.get_scheduler("reduce_lr_on_plateau", make_optimizer(),
                                           scheduler_specific_kwargs={"factor": 0.5, "patience": 2})
    assert type(scheduler) is torch.optim.lr_scheduler.ReduceLROnPlateau
    assert (scheduler.factor, scheduler.patience) == (0.5, 2)


def test_sequential_lr_refuses_reduce_lr_on_plateau():
    optimizer = make_optimizer()
    warmup = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        torch.optim.lr_scheduler.SequentialLR(optimizer, [warmup, plateau], milestones=[5])


def test_torch_has_no_inverse_sqrt_or_one_minus_sqrt_scheduler_class():
    classes = [name for name, value in vars(torch.optim.lr_scheduler).items()
               if inspect.isclass(value) and issubclass(value, torch.optim.lr_scheduler.LRScheduler)]
    assert "LambdaLR" in classes and not [name for name in classes if "sqrt" in name.lower()]


WARMUP_SHAPES = {"linear": lambda x: x, "cosine": lambda x: 0.5 * (1 - math.cos(math.pi * x)),
                 "1-sqrt": lambda x: 1 - math.sqrt(1 - x)}
DECAY_SHAPES = {"linear": lambda x: 1 - x, "cosine": lambda x: 0.5 * (1 + math.cos(math.pi * x)),
                "1-sqrt": lambda x: 1 - math.sqrt(x)}


def wsd_formula(s, W, S, D, warmup_type, decay_type, r):
    """Notebook 07's formula for WSD (num_cycles = 0.5)."""
    if s < W:
        return r + (1 - r) * WARMUP_SHAPES[warmup_type](s / max(1, W))
    if s < W + S:
        return 1.0
    if s < W + S + D:
        return r + (1 - r) * DECAY_SHAPES[decay_type]((s - W - S) / max(1, D))
    return r


@pytest.mark.parametrize("warmup_type", list(WARMUP_SHAPES))
@pytest.mark.parametrize("decay_type", list(DECAY_SHAPES))
def test_wsd_follows_the_notebook_formula_through_both_entry_points(warmup_type, decay_type):
    W, T, D, r = 100, 1950, 390, 0.1
    shapes = {"warmup_type": warmup_type, "decay_type": decay_type, "min_lr_ratio": r}
    expected = [wsd_formula(s, W, T - W - D, D, warmup_type, decay_type, r) for s in range(2000)]
    by_name_optimizer = make_optimizer(lrs=(1.0,))
    by_name = transformers.get_scheduler("warmup_stable_decay", by_name_optimizer, num_warmup_steps=W,
                                         num_training_steps=T,
                                         scheduler_specific_kwargs={"num_decay_steps": D, **shapes})
    by_function_optimizer = make_optimizer(lrs=(1.0,))
    by_function = transformers.get_wsd_schedule(by_function_optimizer, num_warmup_steps=W, num_decay_steps=D,
                                                num_stable_steps=T - W - D, **shapes)
    for scheduler, optimizer in ((by_name, by_name_optimizer), (by_function, by_function_optimizer)):
        lrs = [row[0] for row in stepped_lrs(scheduler, optimizer, 2000)]
        assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) for a, b in zip(lrs, expected))


def greedy_lrs(metrics, **kwargs):
    optimizer = make_optimizer(lrs=(1e-3,))
    scheduler = transformers.get_scheduler("greedy", optimizer, scheduler_specific_kwargs=kwargs)
    lrs = []
    for metric in metrics:
        scheduler.step(metric)
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def test_greedy_raises_the_lr_after_patience_plus_one_improvements():
    lrs = greedy_lrs([1.0, 0.9, 0.8], patience=2, min_lr=1e-5)
    assert lrs[:2] == [1e-3, 1e-3] and math.isclose(lrs[2], 1e-3 / 0.95)


def test_greedy_cuts_the_lr_after_patience_plus_one_bad_evaluations():
    lrs = greedy_lrs([1.0, 1.0, 1.0, 1.0], patience=2, min_lr=1e-5)  # the first sets the best
    assert lrs[:3] == [1e-3] * 3 and math.isclose(lrs[3], 1e-3 * 0.95)


def test_greedy_min_lr_defaults_to_1e_3_and_no_cut_goes_below_it():
    lrs = greedy_lrs([1.0] * 12, patience=0)  # starts at 1e-3, the default min_lr
    assert min(lrs) == 1e-3


def test_greedy_never_cuts_an_lr_already_below_its_default_min_lr_but_can_raise_it():
    optimizer = make_optimizer(lrs=(2e-5,))
    scheduler = transformers.get_scheduler("greedy", optimizer, scheduler_specific_kwargs={"patience": 0})
    lrs = []
    for metric in [1.0, 1.0, 1.0, 1.0, 0.9]:  # the first counts as an improvement, then three bad ones
        scheduler.step(metric)
        lrs.append(optimizer.param_groups[0]["lr"])
    assert lrs[1:4] == [lrs[0]] * 3 and lrs[0] > 2e-5 and lrs[4] > lrs[3]


def test_trainer_always_passes_num_training_steps_so_num_stable_steps_in_its_kwargs_warns():
    source = inspect.getsource(transformers.Trainer.create_scheduler)
    assert "num_training_steps=num_training_steps" in source
    caught, _, _ = wsd_warnings(num_training_steps=1950,
                                scheduler_specific_kwargs={"num_decay_steps": 390, "num_stable_steps": 1000})
    assert caught == ["Both num_training_steps and num_stable_steps are specified. num_stable_steps will be used."]


def test_greedy_is_transformers_own_class():
    scheduler = transformers.get_scheduler("greedy", make_optimizer())
    assert type(scheduler) is transformers.optimization.GreedyLR


def test_a_wsd_scheduler_rebuilt_with_new_stable_steps_resumes_the_new_curve_at_the_saved_step():
    optimizer = make_optimizer(lrs=(1.0,))
    long_run = transformers.get_wsd_schedule(optimizer, num_warmup_steps=100, num_decay_steps=390,
                                             num_stable_steps=1460)
    stepped_lrs(long_run, optimizer, 1000)  # train to the stable-phase checkpoint
    saved = long_run.state_dict()
    resumed_optimizer = make_optimizer(lrs=(1.0,))
    resumed = transformers.get_wsd_schedule(resumed_optimizer, num_warmup_steps=100, num_decay_steps=120,
                                            num_stable_steps=980)
    resumed_optimizer.load_state_dict(optimizer.state_dict())
    resumed.load_state_dict(saved)
    lrs = [row[0] for row in stepped_lrs(resumed, resumed_optimizer, 201)]
    fresh_optimizer = make_optimizer(lrs=(1.0,))
    fresh = transformers.get_wsd_schedule(fresh_optimizer, num_warmup_steps=100, num_decay_steps=120,
                                          num_stable_steps=980)
    expected = [row[0] for row in stepped_lrs(fresh, fresh_optimizer, 1201)][1000:]
    assert lrs == expected and lrs[-1] == 0.0 and lrs[80] == 1.0 and lrs[81] < 1.0
