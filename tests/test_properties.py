"""Invariants of the closed forms, for any valid arguments (hypothesis)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import lrlib

WARMUP_SCHEDULES = ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant_with_warmup",
                    "cosine_with_min_lr", "inverse_sqrt", "warmup_stable_decay"]
DECAYING = ["linear", "cosine", "polynomial", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay"]


@st.composite
def step_counts(draw, min_decay=1):
    training = draw(st.integers(min_value=min_decay, max_value=5000))
    warmup = draw(st.integers(min_value=0, max_value=training - min_decay))
    return warmup, training


def extra_arguments(name, warmup, training):
    return {
        "polynomial": {"lr_end": 0.0},
        "cosine_with_min_lr": {"min_lr_rate": 0.1},
        "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1},
        "warmup_stable_decay": {"num_decay_steps": (training - warmup) // 3},
    }.get(name, {})


def curve(name, warmup, training, num_steps=None, **extra):
    """The multiplier f (lr=1.0) of schedule ``name``."""
    arguments = {**extra_arguments(name, warmup, training), **extra}
    return lrlib.lr_curve(name, num_steps or training + 1, lr=1.0,
                          num_warmup_steps=None if name == "constant" else warmup,
                          num_training_steps=training, **arguments)


@settings(max_examples=60, deadline=None)
@given(counts=step_counts(), name=st.sampled_from(lrlib.CURVE_NAMES))
def test_every_multiplier_is_finite_and_between_zero_and_one(counts, name):
    warmup, training = counts
    values = curve(name, warmup, training, num_steps=2 * training + 5)
    assert np.isfinite(values).all()
    assert values.min() >= 0.0
    assert values.max() <= 1.0 + 1e-12


@settings(max_examples=60, deadline=None)
@given(counts=step_counts(), name=st.sampled_from(WARMUP_SCHEDULES))
def test_warmup_rises_linearly_from_zero_and_reaches_the_peak_when_it_ends(counts, name):
    warmup, training = counts
    values = curve(name, warmup, training)
    assert values[0] == (0.0 if warmup > 0 else 1.0)
    if warmup > 0:
        assert np.all(np.diff(values[: warmup + 1]) > 0)
        np.testing.assert_allclose(np.diff(values[:warmup]), 1.0 / warmup, rtol=1e-9)
    assert values[warmup] == 1.0  # continuous at the boundary: the peak comes one step after the ramp


@settings(max_examples=60, deadline=None)
@given(counts=step_counts(), name=st.sampled_from(DECAYING))
def test_decay_phase_never_rises_until_the_end(counts, name):
    warmup, training = counts
    values = curve(name, warmup, training)
    assert np.all(np.diff(values[warmup:training]) <= 1e-15)


@settings(max_examples=60, deadline=None)
@given(counts=step_counts())
def test_linear_cosine_and_polynomial_end_at_zero_and_stay_there(counts):
    warmup, training = counts
    for name in ("linear", "cosine_with_restarts", "polynomial"):
        values = curve(name, warmup, training, num_steps=2 * training + 2)
        assert np.all(values[training:] <= 1e-15), name
    assert curve("cosine", warmup, training)[training] == 0.0


@settings(max_examples=40, deadline=None)
@given(counts=step_counts(min_decay=2), rate=st.floats(0.0, 1.0))
def test_floors_are_reached_exactly_where_each_convention_puts_them(counts, rate):
    warmup, training = counts
    at_end = curve("cosine_with_min_lr", warmup, training, min_lr_rate=rate)[training]
    last_step = curve("cosine_warmup_with_min_lr", warmup, training, min_lr_rate=rate)[training - 1]
    assert math.isclose(at_end, rate, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(last_step, rate, rel_tol=1e-12, abs_tol=1e-15)


@settings(max_examples=40, deadline=None)
@given(counts=step_counts(), cycles=st.integers(1, 8))
def test_hard_restarts_jump_back_to_the_peak_num_cycles_times(counts, cycles):
    warmup, training = counts
    values = curve("cosine_with_restarts", warmup, training, num_cycles=cycles)
    jumps = np.flatnonzero(np.diff(values[warmup:training]) > 1e-9)
    assert len(jumps) <= cycles - 1
    if (training - warmup) % cycles == 0 and training - warmup >= 2 * cycles:
        assert len(jumps) == cycles - 1


@settings(max_examples=40, deadline=None)
@given(warmup=st.integers(0, 500), steps=st.integers(1, 3000))
def test_inverse_sqrt_never_reaches_zero(warmup, steps):
    values = lrlib.lr_curve("inverse_sqrt", warmup + steps, num_warmup_steps=warmup)
    assert values[warmup:].min() > 0.0
