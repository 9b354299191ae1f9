"""lrlib equals transformers for every schedule.

A schedule is a pure function of the step, so most of the comparison needs no optimizer: the
multipliers of transformers' ``LambdaLR`` and of lrlib's (``get_scheduler`` and ``lr_curve``) are
compared over every step at once, on a broad grid and on arguments drawn by hypothesis, well past
``num_training_steps``. One real optimizer with two param groups is stepped per schedule, as a
training loop reads its lr.

`make test` runs this file against the locked transformers and against the lowest and the newest
release of pyproject.toml's range, each put on PYTHONPATH by tools/transformers_at.py with
LRLIB_EXPECT_TRANSFORMERS naming it.
"""

import itertools
import os

import numpy as np
import pytest
import transformers
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

import lrlib
from support import make_optimizer, stepped_lrs

# The grid and the draws include runs that end during warmup on purpose: lrlib warns, and still equals transformers.
pytestmark = pytest.mark.filterwarnings("ignore::lrlib.ScheduleWarning")

STEP_COUNTS = [(0, 1), (0, 10), (1, 1), (1, 7), (3, 10), (10, 10), (5, 37), (100, 1950)]
LR = 1e-3  # the optimizer's lr: absolute arguments (lr_end, min_lr) are measured against it


def _cases():
    """(name, num_warmup_steps, num_training_steps, scheduler_specific_kwargs), all valid."""
    for warmup, training in STEP_COUNTS:
        yield "linear", warmup, training, {}
        yield "constant", None, training, {}
        yield "constant_with_warmup", warmup, training, {}
        for cycles in (0.25, 0.5, 1.0, 1.5, 3):
            yield "cosine", warmup, training, {"num_cycles": cycles}
        for cycles in (1, 2, 5):
            yield "cosine_with_restarts", warmup, training, {"num_cycles": cycles}
        if warmup < training:
            for power, lr_end in itertools.product((0.5, 1.0, 2.0, 3.0), (0.0, 1e-7, 1e-4)):
                yield "polynomial", warmup, training, {"power": power, "lr_end": lr_end}
        for timescale in (None, 1, 50, 10_000):
            yield "inverse_sqrt", warmup, training, {"timescale": timescale}
        for floor in ({"min_lr_rate": 0.0}, {"min_lr_rate": 0.1}, {"min_lr_rate": 1.0}, {"min_lr": 1e-5}):
            for cycles in (0.5, 1.0):
                yield "cosine_with_min_lr", warmup, training, {"num_cycles": cycles, **floor}
                yield "cosine_warmup_with_min_lr", warmup, training, {"num_cycles": cycles, **floor}
            yield "cosine_warmup_with_min_lr", warmup, training, {"warmup_lr_rate": 0.2, **floor}
        for decay in sorted({0, min(1, training - warmup), (training - warmup) // 2, training - warmup}):
            for warmup_type, decay_type in itertools.product(lrlib.schedules.WSD_TYPES, repeat=2):
                for ratio in (0.0, 0.1):
                    yield "warmup_stable_decay", warmup, training, {
                        "num_decay_steps": decay, "warmup_type": warmup_type,
                        "decay_type": decay_type, "min_lr_ratio": ratio,
                    }
        yield "warmup_stable_decay", warmup, None, {"num_decay_steps": 3, "num_stable_steps": 4, "num_cycles": 1.0}


CASES = list(_cases())
TRANSFORMERS_NAMES = {t.value for t in transformers.SchedulerType}


def _skip_if_transformers_lacks(name):
    if name not in TRANSFORMERS_NAMES:
        pytest.skip(f"transformers {transformers.__version__} has no {name!r} schedule")


def _steps(training):
    return int(1.6 * (training or 12)) + 3  # well past the end, where schedules differ most


def _transformers_kwargs(name, kwargs):
    # transformers' inverse_sqrt takes timescale=None only by leaving it out
    return {} if name == "inverse_sqrt" and kwargs.get("timescale") is None else dict(kwargs)


def transformers_multipliers(name, warmup, training, kwargs, num_steps):
    """transformers' multiplier f(s) at every step, read from its LambdaLR without stepping."""
    scheduler = transformers.get_scheduler(name, make_optimizer(lrs=(LR,)), warmup, training,
                                           scheduler_specific_kwargs=_transformers_kwargs(name, kwargs))
    return np.array([scheduler.lr_lambdas[0](step) for step in range(num_steps)], dtype=np.float64)


def assert_lrlib_equals_transformers(name, warmup, training, kwargs, num_steps):
    """lrlib's get_scheduler multipliers and lr_curve equal transformers' at every step, to 1e-12."""
    expected = transformers_multipliers(name, warmup, training, kwargs, num_steps)
    scheduler = lrlib.get_scheduler(name, make_optimizer(lrs=(LR,)), warmup, training,
                                    scheduler_specific_kwargs=dict(kwargs))
    steps = np.arange(num_steps, dtype=np.float64)
    case = f"{name} warmup={warmup} training={training} {kwargs}"
    np.testing.assert_allclose(scheduler.lr_lambdas[0](steps), expected, rtol=1e-12, atol=0, err_msg=case)
    curve_kwargs = {k: v for k, v in kwargs.items() if not (k == "timescale" and v is None)}
    curve = lrlib.lr_curve(name, num_steps, lr=LR, num_warmup_steps=warmup, num_training_steps=training,
                           **curve_kwargs)
    np.testing.assert_allclose(curve, LR * expected, rtol=1e-12, atol=0, err_msg=case)


def test_runs_against_the_transformers_release_asked_for():
    expected = os.environ.get("LRLIB_EXPECT_TRANSFORMERS")
    if expected is None:
        pytest.skip("LRLIB_EXPECT_TRANSFORMERS not set: testing the installed transformers")
    assert Version(transformers.__version__) == Version(expected), transformers.__file__


def test_the_grid_covers_every_schedule_with_a_curve():
    assert {case[0] for case in CASES} == set(lrlib.CURVE_NAMES)
    assert len(CASES) > 700


@pytest.mark.parametrize("name", lrlib.CURVE_NAMES)
def test_every_grid_case_equals_transformers_at_every_step(name):
    _skip_if_transformers_lacks(name)
    for _, warmup, training, kwargs in (case for case in CASES if case[0] == name):
        assert_lrlib_equals_transformers(name, warmup, training, kwargs, _steps(training))


def _decaying_counts(draw):
    training = draw(st.integers(1, 3000))
    return draw(st.integers(0, training - 1)), training


@st.composite
def drawn_cases(draw):
    """A schedule with valid arguments drawn from its domain."""
    name = draw(st.sampled_from(sorted(set(lrlib.CURVE_NAMES) & TRANSFORMERS_NAMES)))
    training = draw(st.integers(1, 3000))
    warmup = draw(st.integers(0, training))
    cycles = st.floats(0.05, 6, allow_nan=False)
    if name == "constant":
        return name, None, training, {}
    if name == "cosine":
        return name, warmup, training, {"num_cycles": draw(cycles)}
    if name == "cosine_with_restarts":
        return name, warmup, training, {"num_cycles": draw(st.integers(1, 8))}
    if name == "polynomial":
        warmup, training = _decaying_counts(draw)
        return name, warmup, training, {"power": draw(st.floats(0.1, 5)),
                                        "lr_end": draw(st.sampled_from([0.0, 1e-7, 1e-4, 9e-4]))}
    if name == "inverse_sqrt":
        return name, warmup, training, {"timescale": draw(st.one_of(st.none(), st.integers(1, 20_000)))}
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        floor = draw(st.one_of(st.builds(lambda r: {"min_lr_rate": r}, st.floats(0, 1)),
                               st.builds(lambda lr: {"min_lr": lr}, st.floats(0, LR))))
        extra = {"warmup_lr_rate": draw(st.floats(0, 1))} if name == "cosine_warmup_with_min_lr" else {}
        return name, warmup, training, {"num_cycles": draw(cycles), **floor, **extra}
    if name == "warmup_stable_decay":
        return name, warmup, training, {
            "num_decay_steps": draw(st.integers(0, training - warmup)),
            "warmup_type": draw(st.sampled_from(lrlib.schedules.WSD_TYPES)),
            "decay_type": draw(st.sampled_from(lrlib.schedules.WSD_TYPES)),
            "min_lr_ratio": draw(st.floats(0, 1)),
        }
    return name, warmup, training, {}


@settings(max_examples=300, deadline=None)
@given(case=drawn_cases())
def test_drawn_arguments_equal_transformers_at_every_step(case):
    name, warmup, training, kwargs = case
    assert_lrlib_equals_transformers(name, warmup, training, kwargs, _steps(training))


ONE_REAL_RUN = {"linear": {}, "constant": {}, "constant_with_warmup": {}, "cosine": {"num_cycles": 1.5},
                "cosine_with_restarts": {"num_cycles": 3}, "polynomial": {"power": 2.0, "lr_end": 1e-4},
                "inverse_sqrt": {"timescale": 50}, "cosine_with_min_lr": {"min_lr": 1e-5},
                "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1, "warmup_lr_rate": 0.2},
                "warmup_stable_decay": {"num_decay_steps": 40, "decay_type": "1-sqrt", "min_lr_ratio": 0.1}}


def test_one_real_run_covers_every_schedule():
    assert set(ONE_REAL_RUN) == set(lrlib.CURVE_NAMES)


@pytest.mark.parametrize("name", sorted(ONE_REAL_RUN))
def test_a_real_optimizer_with_two_groups_reads_the_same_lrs_from_both_libraries(name):
    """Stepping AdamW with two param groups (lrs 1e-3 and 5e-4) through both schedulers: the lr each
    group reads before every optimizer.step() is the same, past num_training_steps too."""
    _skip_if_transformers_lacks(name)
    kwargs, warmup = ONE_REAL_RUN[name], None if name == "constant" else 10
    expected_optimizer, optimizer = make_optimizer(), make_optimizer()
    expected = transformers.get_scheduler(name, expected_optimizer, warmup, 120,
                                          scheduler_specific_kwargs=_transformers_kwargs(name, kwargs))
    scheduler = lrlib.get_scheduler(name, optimizer, warmup, 120, scheduler_specific_kwargs=dict(kwargs))
    np.testing.assert_allclose(stepped_lrs(scheduler, optimizer, 200),
                               stepped_lrs(expected, expected_optimizer, 200), rtol=1e-12, atol=0)


def test_the_article_setting_matches_transformers_at_a_hundred_thousand_steps():
    assert_lrlib_equals_transformers("cosine", 100, 100_000, {}, 100_000)


def test_schedule_names_are_transformers_names():
    assert TRANSFORMERS_NAMES <= set(lrlib.SCHEDULE_NAMES), "transformers has a schedule lrlib lacks"
    for schedule in lrlib.SCHEDULES.values():
        if schedule.name in TRANSFORMERS_NAMES:
            assert hasattr(transformers.optimization, schedule.transformers_function)
    missing = sorted(set(lrlib.SCHEDULE_NAMES) - TRANSFORMERS_NAMES)
    if missing:
        pytest.skip(f"transformers {transformers.__version__} has no {', '.join(map(repr, missing))} schedule")


def test_get_scheduler_accepts_transformers_scheduler_type(optimizer):
    scheduler = lrlib.get_scheduler(transformers.SchedulerType.LINEAR, optimizer, 2, 10)
    assert optimizer.param_groups[0]["lr"] == 0.0
    assert scheduler.lr_lambdas[0](5) == pytest.approx(5 / 8)
