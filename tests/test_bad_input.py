"""Every bad input gets a ValueError/TypeError that names the argument and the fix.

The cases here are the rows of docs/errors.md; a test keeps the two in step.
"""

import math
import pathlib
import re
import warnings

import pytest
import torch

import lrlib
from lrlib import course
from support import make_optimizer

# (name, num_warmup_steps, num_training_steps, scheduler_specific_kwargs, error, message pattern)
BAD_SCHEDULES = [
    ("cosin", 10, 100, {}, ValueError, r"name='cosin' is not a schedule\. Did you mean 'cosine'\?"),
    ("linear", -1, 100, {}, ValueError, r"num_warmup_steps must be >= 0, got -1"),
    ("linear", 10.5, 100, {}, TypeError, r"num_warmup_steps must be a whole number, got 10\.5 \(float\)\. Round it yourself"),
    ("linear", True, 100, {}, TypeError, r"num_warmup_steps must be a whole number"),
    ("linear", 10, 100.0, {}, TypeError, r"num_training_steps must be a whole number, got 100\.0"),
    ("linear", 200, 100, {}, ValueError, r"num_warmup_steps=200 is larger than num_training_steps=100"),
    ("linear", 0, 0, {}, ValueError, r"num_training_steps must be >= 1, got 0"),
    ("linear", 10, None, {}, ValueError, r"'linear' requires num_training_steps"),
    ("cosine", None, 100, {}, ValueError, r"'cosine' requires num_warmup_steps \(optimizer steps of linear warmup; use 0 for no warmup\)"),
    ("cosine", 10, 100, {"num_cycles": 0}, ValueError, r"num_cycles must be > 0, got 0"),
    ("cosine", 10, 100, {"num_cycle": 2}, TypeError, r"unknown argument 'num_cycle'\. Did you mean 'num_cycles'\?"),
    ("linear", 10, 100, {"num_cycles": 2}, TypeError, r"'linear' got an unknown argument 'num_cycles'\..*takes no scheduler_specific_kwargs"),
    ("cosine_with_restarts", 10, 100, {"num_cycles": 0}, ValueError, r"num_cycles must be >= 1, got 0"),
    ("cosine_with_restarts", 10, 100, {"num_cycles": 1.5}, TypeError, r"num_cycles must be a whole number"),
    ("polynomial", 10, 100, {"lr_end": 1e-3}, ValueError, r"lr_end must be in \[0, lr=0\.001\), got 0\.001\. Here lr is the optimizer's default lr, optimizer\.defaults\['lr'\]\. lr_end is given as the final lr of a group at that lr; transformers divides it by that lr and applies the ratio to every group"),
    ("polynomial", 10, 100, {"lr_end": -1e-5}, ValueError, r"lr_end must be in \[0, lr=0\.001\), got -1e-05"),
    ("polynomial", 10, 100, {"power": 0}, ValueError, r"power must be > 0, got 0"),
    ("polynomial", 100, 100, {}, ValueError, r"For 'polynomial', num_warmup_steps=100 is not smaller than num_training_steps=100\. Its decay phase"),
    ("cosine_with_min_lr", 10, 100, {}, ValueError, r"'cosine_with_min_lr' needs exactly one of min_lr_rate .* or min_lr .*; neither was given"),
    ("cosine_with_min_lr", 10, 100, {"min_lr": 1e-5, "min_lr_rate": 0.1}, ValueError, r"needs exactly one of min_lr_rate .* or min_lr .*; min_lr_rate and min_lr were given"),
    ("cosine_with_min_lr", 10, 100, {"min_lr_rate": 1.5}, ValueError, r"min_lr_rate must be in \[0, 1\], got 1\.5"),
    ("cosine_warmup_with_min_lr", 10, 100, {"min_lr": 2e-3}, ValueError, r"min_lr must be in \[0, lr=0\.001\], got 0\.002\. Here lr is the optimizer's default lr.* For a floor relative to each group's lr, pass min_lr_rate"),
    ("cosine_warmup_with_min_lr", 10, 100, {"min_lr_rate": 0.1, "warmup_lr_rate": 2}, ValueError, r"warmup_lr_rate must be in \[0, 1\]"),
    ("inverse_sqrt", 10, None, {"timescale": 0}, ValueError, r"timescale must be >= 1, got 0"),
    ("warmup_stable_decay", 10, 100, {}, ValueError, r"'warmup_stable_decay' requires 'num_decay_steps'"),
    ("warmup_stable_decay", 10, 100, {"num_decay_steps": -5}, ValueError, r"num_decay_steps must be >= 0, got -5"),
    ("warmup_stable_decay", 10, 100, {"num_decay_steps": 20, "warmup_type": "exp"}, ValueError, r"warmup_type='exp' is not one of 'linear', 'cosine', '1-sqrt'"),
    ("warmup_stable_decay", 10, 100, {"num_decay_steps": 20, "decay_type": "step"}, ValueError, r"decay_type='step' is not one of 'linear', 'cosine', '1-sqrt'"),
    ("warmup_stable_decay", 10, 100, {"num_decay_steps": 20, "min_lr_ratio": -0.1}, ValueError, r"min_lr_ratio must be in \[0, 1\]"),
    ("warmup_stable_decay", 30, 100, {"num_decay_steps": 80}, ValueError, r"num_warmup_steps \+ num_decay_steps = 30 \+ 80 = 110 is larger than num_training_steps=100"),
    ("warmup_stable_decay", 10, 100, {"num_decay_steps": 20, "num_stable_steps": 50}, ValueError, r"= 80 is not equal to num_training_steps=100.*make them agree"),
    ("warmup_stable_decay", 10, None, {"num_decay_steps": 20}, ValueError, r"needs at least one of num_training_steps .* or num_stable_steps .*; neither was given"),
    ("reduce_lr_on_plateau", None, None, {}, ValueError, r"'reduce_lr_on_plateau' has no curve: its lr depends on a metric"),
]


def _ids(cases):
    return [f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in cases]


@pytest.mark.parametrize("name,warmup,training,kwargs,error,pattern", BAD_SCHEDULES, ids=_ids(BAD_SCHEDULES))
def test_lr_curve_refuses_bad_input_with_a_message_that_names_it(name, warmup, training, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lrlib.lr_curve(name, 10, lr=1e-3, num_warmup_steps=warmup, num_training_steps=training, **kwargs)


@pytest.mark.parametrize(
    "name,warmup,training,kwargs,error,pattern",
    [case for case in BAD_SCHEDULES if case[0] != "reduce_lr_on_plateau"],
    ids=_ids([case for case in BAD_SCHEDULES if case[0] != "reduce_lr_on_plateau"]),
)
def test_get_scheduler_refuses_the_same_input_and_leaves_the_optimizer_alone(name, warmup, training, kwargs, error, pattern):
    optimizer = make_optimizer()
    with pytest.raises(error, match=pattern):
        lrlib.get_scheduler(name, optimizer, warmup, training, scheduler_specific_kwargs=kwargs)
    assert [group["lr"] for group in optimizer.param_groups] == [1e-3, 5e-4]
    assert all("initial_lr" not in group for group in optimizer.param_groups)


@pytest.mark.parametrize(
    "arguments,error,pattern",
    [
        ({"lr": math.nan}, ValueError, r"lr must be a finite number > 0, got nan"),
        ({"lr": 0.0}, ValueError, r"lr must be > 0, got 0\.0"),
        ({"lr": -1e-3}, ValueError, r"lr must be > 0, got -0\.001"),
        ({"lr": "1e-3"}, TypeError, r"lr must be a number, got '1e-3' \(str\)\. For example lr=0\.001"),
        ({"num_steps": -1}, ValueError, r"num_steps must be >= 0, got -1"),
        ({"num_steps": 10.0}, TypeError, r"num_steps must be a whole number"),
    ],
)
def test_lr_curve_refuses_a_bad_lr_or_step_count(arguments, error, pattern):
    call = {"num_steps": 10, "lr": 1e-3, **arguments}
    with pytest.raises(error, match=pattern):
        lrlib.lr_curve("linear", call.pop("num_steps"), num_warmup_steps=1, num_training_steps=10, **call)


def test_get_scheduler_refuses_what_is_not_an_optimizer():
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer, got list"):
        lrlib.get_scheduler("linear", [], 1, 10)


@pytest.mark.parametrize("name", ["cosine", "linear", "constant", "reduce_lr_on_plateau"])
@pytest.mark.parametrize("kwargs", [[("num_cycles", 1)], [1], "num_cycles=2", ("a", "b"), 3])
def test_scheduler_specific_kwargs_that_is_not_a_mapping_is_refused_naming_it(optimizer, name, kwargs):
    # Not a raw "dictionary update sequence" error, nor dict(["ab"]) == {'a': 'b'} accepted quietly.
    with pytest.raises(TypeError, match=r"scheduler_specific_kwargs must be a mapping such as \{'num_cycles': 2\}"):
        lrlib.get_scheduler(name, optimizer, 0, 10, scheduler_specific_kwargs=kwargs)


def test_any_mapping_is_accepted_as_scheduler_specific_kwargs(optimizer):
    from types import MappingProxyType

    scheduler = lrlib.get_scheduler("cosine", optimizer, 1, 10, scheduler_specific_kwargs=MappingProxyType({"num_cycles": 1.0}))
    assert scheduler.lr_lambdas[0].keywords["num_cycles"] == 1.0
    plateau = lrlib.get_scheduler("reduce_lr_on_plateau", make_optimizer(), scheduler_specific_kwargs=MappingProxyType({"patience": 3}))
    assert plateau.patience == 3
    with pytest.raises(TypeError, match="must have argument names .strings. as keys, got the key 1"):
        lrlib.get_scheduler("cosine", make_optimizer(), 1, 10, scheduler_specific_kwargs={1: 2})


def test_lr_scheduler_kwargs_of_training_arguments_that_is_not_a_mapping_is_refused_naming_it():
    from transformers import TrainingArguments

    args = TrainingArguments(output_dir="unused", report_to="none", lr_scheduler_type="cosine")
    args.lr_scheduler_kwargs = [("num_cycles", 1.0)]
    with pytest.raises(TypeError, match=r"lr_scheduler_kwargs must be a mapping.*Write it as a dict: \{'num_cycles': 1\.0\}"):
        lrlib.preview_run(args, num_examples=100)
    args.lr_scheduler_kwargs = '{"num_cycles": 1.0}'  # the JSON TrainingArguments itself parses
    assert lrlib.preview_run(args, num_examples=100).num_training_steps == 39


def test_numpy_bools_are_accepted_where_a_bool_is_expected():
    import numpy as np

    yes, no = np.bool_(True), np.bool_(False)
    assert lrlib.training_steps(epochs=1, num_examples=100, batch_size=8, drop_last=yes) == 12
    assert lrlib.training_steps(epochs=1, num_examples=100, batch_size=8, drop_last=no) == 13
    assert lrlib.training_steps(epochs=1, num_batches=10, world_size=2, prepared_by_accelerate=yes) == 20
    assert lrlib.trainer_steps(num_examples=100, per_device_train_batch_size=8, num_train_epochs=1,
                               dataloader_drop_last=yes).num_training_steps == 12
    run = lrlib.preview_run("linear", lr=1e-3, epochs=1, num_examples=100, batch_size=8, drop_last=yes,
                            world_size=2, launcher="accelerate", split_batches=yes)
    assert run.num_optimizer_steps == 6 and run.scheduler_steps_per_optimizer_step == 1
    with pytest.raises(TypeError, match=r"dataloader_drop_last must be True or False, got 1 \(int\)"):
        lrlib.trainer_steps(num_examples=100, per_device_train_batch_size=8, dataloader_drop_last=1)


@pytest.mark.parametrize("name, warmup", [("constant", None), ("constant_with_warmup", 10), ("inverse_sqrt", 10)])
@pytest.mark.parametrize("total, error, words", [
    (100.5, TypeError, r"num_training_steps must be a whole number, got 100\.5 \(float\)\. Round it yourself"),
    (100.0, TypeError, r"num_training_steps must be a whole number, got 100\.0"),
    (True, TypeError, r"num_training_steps must be a whole number, got True \(bool\)"),
    ("100", TypeError, r"num_training_steps must be a whole number, got '100' \(str\)"),
    (0, ValueError, r"num_training_steps must be >= 1, got 0"),
])
def test_a_schedule_that_ignores_num_training_steps_still_refuses_a_wrong_one(optimizer, name, warmup, total, error, words):
    with pytest.raises(error, match=words):
        lrlib.get_scheduler(name, optimizer, warmup, total)
    with pytest.raises(error, match=words):
        lrlib.lr_curve(name, 5, num_warmup_steps=warmup, num_training_steps=total)
    lrlib.get_scheduler(name, make_optimizer(), warmup, 100)  # a whole number is accepted, and unused
    lrlib.get_scheduler(name, make_optimizer(), warmup)


@pytest.mark.parametrize("name", ["inverse_sqrt", "constant_with_warmup"])
def test_a_run_that_ends_during_the_warmup_of_a_schedule_that_ignores_its_length_warns(optimizer, name):
    with pytest.warns(lrlib.ScheduleWarning, match=r"the run ends during warmup: its num_training_steps=50 steps are "
                                                   r"all warmup steps \(num_warmup_steps=100\)") as record:
        lrlib.get_scheduler(name, optimizer, num_warmup_steps=100, num_training_steps=50)
    assert record[0].filename == __file__ and record[0].message.pitfall == "ends during warmup"
    with pytest.warns(lrlib.ScheduleWarning, match="ends during warmup"):
        lrlib.lr_curve(name, 5, num_warmup_steps=100, num_training_steps=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lrlib.get_scheduler(name, make_optimizer(), num_warmup_steps=100, num_training_steps=101)
        lrlib.get_scheduler(name, make_optimizer(), num_warmup_steps=100)
    flagged = lrlib.preview_run(name, lr=1e-3, epochs=1, num_batches=50, num_warmup_steps=100)
    assert [flag.pitfall for flag in flagged.flags] == ["ends during warmup"]


def test_a_name_that_is_not_a_string_is_a_type_error(optimizer):
    with pytest.raises(TypeError, match=r"name must be a string such as 'cosine', got 3 \(int\)"):
        lrlib.get_scheduler(3, optimizer, 1, 10)


def test_greedy_points_to_transformers(optimizer):
    with pytest.raises(ValueError, match=r"use transformers\.get_scheduler\('greedy'"):
        lrlib.get_scheduler("greedy", optimizer)


def test_reduce_lr_on_plateau_is_torchs_and_refuses_unknown_arguments(optimizer):
    scheduler = lrlib.get_scheduler("reduce_lr_on_plateau", optimizer, scheduler_specific_kwargs={"patience": 2})
    assert isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau) and scheduler.patience == 2
    with pytest.raises(TypeError, match=r"unknown arguments \['patients'\]. ReduceLROnPlateau accepts: mode, factor, patience"):
        lrlib.get_scheduler("reduce_lr_on_plateau", optimizer, scheduler_specific_kwargs={"patients": 2})


@pytest.mark.parametrize("name", ["constant", "reduce_lr_on_plateau"])
def test_a_warmup_given_to_a_schedule_without_one_warns_and_names_the_alternative(name, optimizer):
    with pytest.warns(lrlib.ScheduleWarning, match=r"ignores num_warmup_steps=100.*Use 'constant_with_warmup'") as record:
        lrlib.get_scheduler(name, optimizer, num_warmup_steps=100, num_training_steps=1000)
    assert record[0].filename == __file__  # the warning points at the caller's line


def test_constant_without_warmup_does_not_warn(optimizer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lrlib.get_scheduler("constant", optimizer, num_warmup_steps=0, num_training_steps=1000)
        lrlib.lr_curve("constant", 5)


def test_the_docs_table_shows_what_lrlib_says_for_the_cases_here():
    table = (pathlib.Path(__file__).parents[1] / "docs" / "errors.md").read_text()
    listed = 0
    for name, warmup, training, kwargs, error, pattern in BAD_SCHEDULES:
        call = f"| `{name}`, W={warmup}, T={training}, {kwargs or '—'} |"
        if call in table:
            row = next(line for line in table.splitlines() if line.startswith(call))
            assert re.search(pattern, row) and f"| {error.__name__}: " in row, row
            listed += 1
    assert listed >= 12


# ---------------------------------------------------------------- the rest of the public surface


def _scheduler():
    return lrlib.get_scheduler("linear", make_optimizer(), 2, 10)


PUBLIC_SURFACE = [
    (lambda: lrlib.trace(3, _scheduler()), TypeError, r"trace takes the scheduler first"),
    (lambda: lrlib.trace(_scheduler(), 3.0), TypeError, r"num_steps must be a whole number, got 3\.0 \(float\)"),
    (lambda: lrlib.trace(_scheduler(), True), TypeError, r"num_steps must be a whole number, got True \(bool\): a bool "
                                                         r"where a count is expected is probably a mistake"),
    (lambda: lrlib.lr_curve("linear", True, num_warmup_steps=1, num_training_steps=10), TypeError,
     r"num_steps must be a whole number, got True \(bool\)"),
    (lambda: lrlib.lr_curve("cosine", 10, num_warmup_steps=1, num_training_steps=10, num_cycles=True), TypeError,
     r"num_cycles must be a number, got True \(bool\): a bool is not a number here"),
    (lambda: lrlib.decimate([1.0, 2.0], max_buckets=0), ValueError, r"max_buckets must be >= 1, got 0"),
    (lambda: lrlib.decimate(["a"]), TypeError, r"curve 'y' must hold numbers"),
    (lambda: lrlib.plot_curves([1.0, 2.0], num_warmup_steps=1.5), TypeError, r"num_warmup_steps must be a whole number"),
    (lambda: lrlib.plot_curves([1.0, 2.0], log_y="yes"), TypeError, r"log_y must be True or False, got 'yes'"),
    (lambda: lrlib.plot_schedule("linear", 10, lr=0, num_warmup_steps=1, num_training_steps=10), ValueError,
     r"lr must be > 0, got 0"),
    (lambda: lrlib.training_steps(epochs=True, num_batches=10), TypeError, r"epochs must be a whole number, got True"),
    (lambda: lrlib.training_steps(epochs=2, num_batches=10.0), TypeError, r"num_batches must be a whole number, got 10\.0"),
    (lambda: lrlib.warmup_steps(0.1, 1000.5), TypeError, r"num_training_steps must be a whole number, got 1000\.5"),
    (lambda: course.check_choice("A", "E", what="my_curve", choices="ABCD"), ValueError,
     r"expected='E' must be one of choices=\['A', 'B', 'C', 'D'\]"),
    (lambda: course.check_prediction(0.1, 0.2, what="my_guess"), ValueError,
     r"give exactly one of rel_tol and abs_tol"),
    (lambda: lrlib.ScheduleGuard(_scheduler(), 10.0), TypeError, r"num_training_steps must be a whole number"),
]


@pytest.mark.parametrize("call,error,pattern", PUBLIC_SURFACE, ids=[p[2][:50] for p in PUBLIC_SURFACE])
def test_every_public_function_names_the_bad_argument_and_the_fix(call, error, pattern):
    import matplotlib

    matplotlib.use("Agg")
    with pytest.raises(error, match=pattern):
        call()


def test_numpy_numbers_are_accepted_where_python_ones_are(optimizer):
    import numpy as np

    scheduler = lrlib.get_scheduler("cosine", optimizer, np.int64(10), np.int32(100),
                                    scheduler_specific_kwargs={"num_cycles": np.float32(0.5)})
    assert scheduler.lr_lambdas[0].keywords["num_warmup_steps"] == 10
    assert type(scheduler.lr_lambdas[0].keywords["num_cycles"]) is float
    curve = lrlib.lr_curve("cosine", np.int64(5), lr=np.float64(1e-3), num_warmup_steps=np.int16(1),
                           num_training_steps=np.uint8(5))
    assert curve.shape == (5,)
    assert lrlib.trace(scheduler, np.int64(3)).shape == (3, 2)


def test_an_optimizer_without_an_lr_is_refused_with_the_fix():
    from transformers.optimization import Adafactor

    optimizer = Adafactor(torch.nn.Linear(2, 1).parameters())  # relative_step=True: lr None
    with pytest.raises(ValueError, match=r"param_groups\[0\]\['lr'\] is None: .* Adafactor with relative_step=True"):
        lrlib.get_scheduler("linear", optimizer, 1, 10)
