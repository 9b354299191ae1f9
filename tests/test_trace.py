"""lrlib.trace: a scheduler's future, equal to real stepping, with the run left untouched."""

import copy
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch
import transformers
from torch.optim import lr_scheduler as torch_schedulers

import lrlib

SCHEDULERS = {
    "lrlib cosine": lambda o: lrlib.get_scheduler("cosine", o, num_warmup_steps=5, num_training_steps=30),
    "lrlib warmup_stable_decay": lambda o: lrlib.get_scheduler(
        "warmup_stable_decay", o, num_warmup_steps=4, num_training_steps=30,
        scheduler_specific_kwargs={"num_decay_steps": 10}),
    "transformers polynomial": lambda o: transformers.get_scheduler(
        "polynomial", o, num_warmup_steps=5, num_training_steps=30, scheduler_specific_kwargs={"power": 2.0}),
    "transformers cosine_with_restarts": lambda o: transformers.get_scheduler(
        "cosine_with_restarts", o, num_warmup_steps=3, num_training_steps=30,
        scheduler_specific_kwargs={"num_cycles": 3}),
    "LambdaLR": lambda o: torch_schedulers.LambdaLR(o, [lambda s: 0.9 ** s, lambda s: 1 / (1 + s)]),
    "LinearLR": lambda o: torch_schedulers.LinearLR(o, start_factor=0.1, total_iters=12),
    "CosineAnnealingLR": lambda o: torch_schedulers.CosineAnnealingLR(o, T_max=20, eta_min=1e-5),
    "SequentialLR": lambda o: torch_schedulers.SequentialLR(
        o, [torch_schedulers.LinearLR(o, start_factor=0.1, total_iters=6),
            torch_schedulers.CosineAnnealingLR(o, T_max=20)], milestones=[6]),
    "ChainedScheduler": lambda o: torch_schedulers.ChainedScheduler(
        [torch_schedulers.LinearLR(o, start_factor=0.2, total_iters=6),
         torch_schedulers.ExponentialLR(o, gamma=0.95)], optimizer=o),
    "OneCycleLR": lambda o: torch_schedulers.OneCycleLR(o, max_lr=[1e-2, 4e-3], total_steps=40),
    "CosineAnnealingWarmRestarts": lambda o: torch_schedulers.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
    "StepLR": lambda o: torch_schedulers.StepLR(o, step_size=4, gamma=0.5),
    "MultiStepLR": lambda o: torch_schedulers.MultiStepLR(o, milestones=[9, 15], gamma=0.3),
    "ExponentialLR": lambda o: torch_schedulers.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda o: torch_schedulers.PolynomialLR(o, total_iters=25, power=2.0),
    "ConstantLR": lambda o: torch_schedulers.ConstantLR(o, factor=0.5, total_iters=10),
    "MultiplicativeLR": lambda o: torch_schedulers.MultiplicativeLR(o, lambda s: 0.97),
    "CyclicLR": lambda o: torch_schedulers.CyclicLR(o, base_lr=1e-4, max_lr=1e-2, step_size_up=5),
}
OPTIMIZERS = {
    "AdamW": lambda groups: torch.optim.AdamW(groups, lr=1e-3),
    "SGD with momentum": lambda groups: torch.optim.SGD(groups, lr=1e-3, momentum=0.9),
}


def make_run(scheduler_name, optimizer_name="SGD with momentum", steps_done=7):
    """A two-layer model, two param groups with their own lr, trained for ``steps_done`` steps."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))
    groups = [{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 5e-4}]
    optimizer = OPTIMIZERS[optimizer_name](groups)
    scheduler = SCHEDULERS[scheduler_name](optimizer)
    inputs = torch.randn(8, 3)
    for _ in range(steps_done):
        optimizer.zero_grad()
        model(inputs).pow(2).mean().backward()
        optimizer.step()
        scheduler.step()
    return model, optimizer, scheduler


def assert_identical(before, after, where="state"):
    """Exact equality of nested containers, tensors compared bit for bit."""
    assert type(before) is type(after), f"{where}: {type(before)} became {type(after)}"
    if isinstance(before, torch.Tensor):
        assert torch.equal(before, after), f"{where} changed"
    elif isinstance(before, dict):
        assert before.keys() == after.keys(), f"{where}: keys changed"
        for key in before:
            assert_identical(before[key], after[key], f"{where}[{key!r}]")
    elif isinstance(before, (list, tuple)):
        assert len(before) == len(after), f"{where}: length changed"
        for index, (b, a) in enumerate(zip(before, after)):
            assert_identical(b, a, f"{where}[{index}]")
    else:
        assert before == after, f"{where}: {before!r} became {after!r}"


@pytest.mark.parametrize("optimizer_name", OPTIMIZERS)
@pytest.mark.parametrize("scheduler_name", SCHEDULERS)
def test_trace_from_mid_training_equals_real_stepping(scheduler_name, optimizer_name):
    _, optimizer, scheduler = make_run(scheduler_name, optimizer_name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traced = lrlib.trace(scheduler, 30)
    real = []
    for _ in range(30):
        real.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    assert traced.shape == (30, 2)
    np.testing.assert_allclose(traced, np.array(real, dtype=np.float64), rtol=0, atol=1e-12)
    assert not np.allclose(traced[:, 0], traced[0, 0]), "the test schedule should move"


@pytest.mark.parametrize("scheduler_name", SCHEDULERS)
def test_trace_leaves_scheduler_optimizer_and_parameters_bit_identical(scheduler_name):
    model, optimizer, scheduler = make_run(scheduler_name, "AdamW")
    parameters = [p.detach().clone() for p in model.parameters()]
    optimizer_state = copy.deepcopy(optimizer.state_dict())
    groups = [{k: copy.deepcopy(v) for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
    group_params = [list(g["params"]) for g in optimizer.param_groups]
    scheduler_state = copy.deepcopy(scheduler.state_dict())
    last_lr = copy.deepcopy(scheduler.get_last_lr())

    lrlib.trace(scheduler, 30)

    assert_identical(optimizer_state, optimizer.state_dict(), "optimizer.state_dict()")
    assert_identical(groups, [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups],
                     "param_groups")
    assert all(a is b for old, g in zip(group_params, optimizer.param_groups) for a, b in zip(old, g["params"]))
    assert_identical(scheduler_state, scheduler.state_dict(), "scheduler.state_dict()")
    assert_identical(last_lr, scheduler.get_last_lr(), "get_last_lr()")
    for old, new in zip(parameters, model.parameters()):
        assert torch.equal(old, new)


def test_trace_of_a_fresh_scheduler_leaks_no_warning_into_the_real_loop():
    model, optimizer, scheduler = make_run("lrlib cosine", steps_done=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lrlib.trace(scheduler, 10)
        optimizer.step()
        scheduler.step()


def test_trace_matches_the_closed_form_from_step_zero():
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(2))], lr=1e-3)
    scheduler = lrlib.get_scheduler("cosine", optimizer, num_warmup_steps=100, num_training_steps=1950)
    expected = lrlib.lr_curve("cosine", 2000, lr=1e-3, num_warmup_steps=100, num_training_steps=1950)
    np.testing.assert_allclose(lrlib.trace(scheduler, 2000)[:, 0], expected, rtol=0, atol=1e-12)


def test_trace_refuses_reduce_lr_on_plateau_with_a_reason():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    scheduler = torch_schedulers.ReduceLROnPlateau(optimizer)
    with pytest.raises(ValueError, match="ReduceLROnPlateau cannot be traced: its lr depends on the metric"):
        lrlib.trace(scheduler, 5)


def test_trace_refuses_what_is_not_a_torch_scheduler():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    greedy = transformers.get_scheduler("greedy", optimizer)
    with pytest.raises(TypeError, match="must be a torch.optim.lr_scheduler scheduler .* got GreedyLR"):
        lrlib.trace(greedy, 5)
    with pytest.raises(TypeError, match="got SGD"):
        lrlib.trace(optimizer, 5)


@pytest.mark.parametrize("bad, error", [(2.5, TypeError), (-1, ValueError), (True, TypeError)])
def test_trace_checks_num_steps(bad, error):
    _, _, scheduler = make_run("StepLR", steps_done=0)
    with pytest.raises(error, match="num_steps"):
        lrlib.trace(scheduler, bad)


def test_trace_says_when_a_scheduler_cannot_go_that_far():
    _, optimizer, scheduler = make_run("OneCycleLR", steps_done=7)
    state = copy.deepcopy(scheduler.state_dict())
    with pytest.raises(ValueError, match="OneCycleLR cannot look 50 steps ahead from here: its step.. number 34"):
        lrlib.trace(scheduler, 50)
    assert_identical(state, scheduler.state_dict())


def test_trace_of_zero_steps_is_an_empty_table():
    _, _, scheduler = make_run("StepLR", steps_done=0)
    assert lrlib.trace(scheduler, 0).shape == (0, 2)


MEMORY_PROBE = textwrap.dedent("""
    import copy, torch, lrlib
    torch.set_num_threads(1)
    def mib(key):  # VmRSS: resident now; VmHWM: the peak since the last reset
        return next(int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith(key + ":"))
    def reset_peak():  # Linux: writing 5 to clear_refs sets the peak back to what is resident now
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    big = torch.nn.Parameter(torch.ones(50_000_000))          # 50M parameters, 191 MiB
    small = torch.nn.Parameter(torch.ones(10))
    optimizer = torch.optim.SGD([{"params": [big]}, {"params": [small], "lr": 0.05}], lr=0.1, momentum=0.9)
    scheduler = lrlib.get_scheduler("cosine", optimizer, num_warmup_steps=10, num_training_steps=100)
    reset_peak(); start = mib("VmRSS")
    lrlib.trace(scheduler, 200)
    traced = mib("VmHWM") - start
    reset_peak(); start = mib("VmRSS")
    kept = copy.deepcopy(optimizer)                            # what a naive look-ahead would cost
    print(traced, mib("VmHWM") - start)
""")



@pytest.mark.environment
def test_trace_memory_does_not_grow_with_the_model():
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE], capture_output=True, text=True, check=True)
    trace_extra, naive_extra = map(float, result.stdout.split())
    model_mib = 50_000_000 * 4 / 2**20
    assert naive_extra > 0.75 * model_mib, "the probe should be able to see a copy of the model"
    assert trace_extra < 0.05 * model_mib, f"trace used {trace_extra:.0f} MiB extra for a {model_mib:.0f} MiB model"


def test_trace_with_its_arguments_swapped_says_which_comes_first():
    _, _, scheduler = make_run("StepLR", steps_done=0)
    with pytest.raises(TypeError, match=r"trace takes the scheduler first: trace\(scheduler, num_steps\), got "
                                        r"trace\(3, StepLR\)"):
        lrlib.trace(3, scheduler)


def test_trace_accepts_a_guarded_scheduler_and_leaves_the_guard_alone():
    _, optimizer, scheduler = make_run("lrlib cosine", steps_done=3)
    with lrlib.ScheduleGuard(scheduler, 30) as guard:
        np.testing.assert_array_equal(lrlib.trace(guard, 10), lrlib.trace(scheduler, 10))
        assert (guard.steps, guard.optimizer_steps, guard.warnings) == (3, 0, [])
