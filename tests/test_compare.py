"""record_lrs reads a real run the article's way; max_relative_difference compares two curves."""

import math

import numpy as np
import pytest
import torch
import transformers

import lrlib


def test_record_lrs_gives_what_a_stepped_transformers_scheduler_gives_and_equals_lr_curve():
    recorded = lrlib.record_lrs(lambda opt: transformers.get_scheduler("cosine", opt, 10, 100), 130)
    assert recorded.shape == (130,)
    np.testing.assert_allclose(recorded, lrlib.lr_curve("cosine", 130, lr=1e-3, num_warmup_steps=10,
                                                        num_training_steps=100), rtol=1e-12, atol=0)


def test_record_lrs_makes_one_group_per_lr_and_measures_absolute_arguments_against_the_first():
    recorded = lrlib.record_lrs(
        lambda opt: transformers.get_polynomial_decay_schedule_with_warmup(opt, 10, 100, lr_end=1e-5), 101,
        lr=(1e-3, 1e-2))
    assert recorded.shape == (101, 2)
    assert recorded[0].tolist() == [0.0, 0.0]
    np.testing.assert_allclose(recorded[-1], [1e-5, 1e-4], rtol=1e-9)


def test_record_lrs_leaves_torchs_global_random_state_as_it_was():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    lrlib.record_lrs(lambda opt: lrlib.get_scheduler("linear", opt, 2, 5), 5)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("a,b,expected", [
    ([0.0, 1e-3, 5e-4], [0.0, 1e-3, 5e-4], 0.0),
    ([0.0, 1e-3, 1e-3], [0.0, 1e-3, 0.0], 1.0),
    ([0.0, 2.0, 1.0], [0.0, 2.0, 0.5], 0.25),
    ([0.0, 0.0], [0.0, 0.0], 0.0),
])
def test_max_relative_difference_is_the_largest_gap_as_a_share_of_the_higher_peak(a, b, expected):
    assert lrlib.max_relative_difference(a, b) == expected
    assert lrlib.max_relative_difference(b, a) == expected


@pytest.mark.parametrize("a,b", [
    ([float("nan"), 1.0], [0.0, 1.0]),
    ([0.0, 1.0], [float("nan"), 1.0]),
    ([float("nan"), 1.0], [float("nan"), 1.0]),
    ([float("inf"), 1.0], [float("inf"), 1.0]),
    ([float("nan")] * 3, [0.0] * 3),
])
def test_max_relative_difference_never_calls_a_curve_with_nan_or_inf_equal(a, b):
    difference = lrlib.max_relative_difference(a, b)
    assert math.isnan(difference)
    assert not difference < 1e-12  # the notebooks' check fails, as it should


@pytest.mark.parametrize("a,b,error,pattern", [
    ([1.0, 2.0], [1.0], ValueError, r"a and b must have the same shape .* got \(2,\) and \(1,\)"),
    ([], [], ValueError, r"a is empty"),
    (["x"], [1.0], TypeError, r"a must be a curve: a sequence or an array of numbers, got list"),
    (None, [1.0], TypeError, r"a must be a curve"),
])
def test_max_relative_difference_refuses_what_it_cannot_compare(a, b, error, pattern):
    with pytest.raises(error, match=pattern):
        lrlib.max_relative_difference(a, b)


@pytest.mark.parametrize("arguments,error,pattern", [
    ({"make_scheduler": None}, TypeError, r"make_scheduler must be a function of the optimizer"),
    ({"make_scheduler": lambda opt: None}, TypeError, r"must return a scheduler .* got NoneType\. Did you forget"),
    ({"num_steps": 5.0}, TypeError, r"num_steps must be a whole number, got 5\.0 \(float\)"),
    ({"num_steps": True}, TypeError, r"num_steps must be a whole number, got True \(bool\): a bool"),
    ({"lr": 0}, ValueError, r"lr must be > 0, got 0"),
    ({"lr": (1e-3, -1.0)}, ValueError, r"lr\[1\] must be > 0, got -1\.0"),
    ({"lr": "1e-3"}, TypeError, r"lr must be a learning rate such as 1e-3, or one per param group"),
])
def test_record_lrs_refuses_bad_input_with_the_argument_named(arguments, error, pattern):
    call = {"make_scheduler": lambda opt: lrlib.get_scheduler("linear", opt, 2, 5), "num_steps": 5, **arguments}
    with pytest.raises(error, match=pattern):
        lrlib.record_lrs(**call)


def test_record_lrs_takes_numpy_numbers():
    recorded = lrlib.record_lrs(lambda opt: lrlib.get_scheduler("linear", opt, 2, 4), np.int64(6), lr=np.float32(1e-3))
    assert recorded.shape == (6,)
