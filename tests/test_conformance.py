"""lrlib equals transformers, step by step, for every schedule over a broad grid.

`make test` runs this file three times: against the locked transformers (5.23.0), and against the
lowest and the newest release of pyproject.toml's range, each put on PYTHONPATH by
tools/transformers_at.py with LRLIB_EXPECT_TRANSFORMERS naming it.
"""

import itertools
import os

import numpy as np
import pytest
import transformers
from packaging.version import Version

import lrlib
from support import make_optimizer, stepped_lrs

STEP_COUNTS = [(0, 1), (0, 10), (1, 1), (1, 7), (3, 10), (10, 10), (5, 37), (100, 1950)]


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


def test_runs_against_the_transformers_release_asked_for():
    expected = os.environ.get("LRLIB_EXPECT_TRANSFORMERS")
    if expected is None:
        pytest.skip("LRLIB_EXPECT_TRANSFORMERS not set: testing the installed transformers")
    assert Version(transformers.__version__) == Version(expected), transformers.__file__


def _transformers_lrs(name, warmup, training, kwargs, num_steps):
    optimizer = make_optimizer()
    if name == "inverse_sqrt" and kwargs.get("timescale") is None:
        kwargs = {}
    scheduler = transformers.get_scheduler(name, optimizer, warmup, training, scheduler_specific_kwargs=dict(kwargs))
    return np.array(stepped_lrs(scheduler, optimizer, num_steps))


def test_the_grid_covers_every_schedule_with_a_curve():
    assert {case[0] for case in CASES} == set(lrlib.CURVE_NAMES)
    assert len(CASES) > 700


@pytest.mark.parametrize("name,warmup,training,kwargs", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in CASES])
def test_get_scheduler_and_lr_curve_equal_transformers_for_every_group_and_step(name, warmup, training, kwargs):
    _skip_if_transformers_lacks(name)
    num_steps = int(1.6 * (training or 12)) + 3  # well past the end, where schedules differ most
    expected = _transformers_lrs(name, warmup, training, kwargs, num_steps)

    optimizer = make_optimizer()
    scheduler = lrlib.get_scheduler(name, optimizer, warmup, training, scheduler_specific_kwargs=dict(kwargs))
    np.testing.assert_allclose(stepped_lrs(scheduler, optimizer, num_steps), expected, rtol=1e-12, atol=0)

    curve_kwargs = {k: v for k, v in kwargs.items() if not (k == "timescale" and v is None)}
    for column, lr in enumerate((1e-3, 5e-4)):
        if "lr_end" in kwargs or "min_lr" in kwargs:
            continue  # absolute arguments are measured against the first group's lr; checked below
        curve = lrlib.lr_curve(name, num_steps, lr=lr, num_warmup_steps=warmup, num_training_steps=training, **curve_kwargs)
        np.testing.assert_allclose(curve, expected[:, column], rtol=1e-12, atol=0)
    curve = lrlib.lr_curve(name, num_steps, lr=1e-3, num_warmup_steps=warmup, num_training_steps=training, **curve_kwargs)
    np.testing.assert_allclose(curve, expected[:, 0], rtol=1e-12, atol=0)


def test_the_article_setting_matches_transformers_at_a_hundred_thousand_steps():
    expected = _transformers_lrs("cosine", 100, 100_000, {}, 100_000)[:, 0]
    np.testing.assert_allclose(lrlib.lr_curve("cosine", 100_000, lr=1e-3, num_warmup_steps=100, num_training_steps=100_000),
                               expected, rtol=1e-12, atol=0)


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
