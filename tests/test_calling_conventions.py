"""One calling convention: one default lr, a get_scheduler call that can be pasted into the flat
functions, and record_lrs's shape set by the number of param groups."""

import numpy as np
import pytest

import lrlib
from support import stepped_lrs, make_optimizer

PASTED = {"num_warmup_steps": 10, "num_training_steps": 100, "scheduler_specific_kwargs": {"num_cycles": 2}}
"""The arguments of a get_scheduler call, as a reader would copy them."""


def drawn(ax):
    """The y values of the one schedule line an Axes shows."""
    (line,) = [line for line in ax.get_lines() if len(line.get_ydata()) > 2]
    return np.asarray(line.get_ydata())


def test_every_function_with_a_default_lr_draws_the_same_curve():
    calls = {"num_warmup_steps": 10, "num_training_steps": 100}
    curve = lrlib.lr_curve("linear", 100, **calls)
    recorded = lrlib.record_lrs(lambda opt: lrlib.get_scheduler("linear", opt, **calls), 100)
    explored = lrlib.explore(name="linear", **calls).curves["linear"]
    plotted = drawn(lrlib.plot_schedule("linear", 100, **calls))
    assert curve.max() == recorded.max() == explored.max() == plotted.max() > 0
    assert lrlib.max_relative_difference(curve, recorded) < 1e-12
    assert lrlib.max_relative_difference(curve, explored) < 1e-12


def test_a_get_scheduler_call_pasted_into_lr_curve_plot_schedule_and_preview_run_gives_its_lrs():
    optimizer = make_optimizer(lrs=(1e-3,))
    expected = np.array(stepped_lrs(lrlib.get_scheduler("cosine_with_restarts", optimizer, **PASTED), optimizer, 100))
    curve = lrlib.lr_curve("cosine_with_restarts", 100, lr=1e-3, **PASTED)
    plotted = drawn(lrlib.plot_schedule("cosine_with_restarts", 100, lr=1e-3, **PASTED))
    run = lrlib.preview_run("cosine_with_restarts", lr=1e-3, epochs=1, num_batches=100, **PASTED)
    assert lrlib.max_relative_difference(curve, expected[:, 0]) < 1e-12
    assert lrlib.max_relative_difference(run.lrs, expected) < 1e-12
    assert plotted.max() == curve.max() and plotted.min() == curve.min()
    flat = lrlib.lr_curve("cosine_with_restarts", 100, lr=1e-3, num_warmup_steps=10, num_training_steps=100,
                          num_cycles=2)
    assert np.array_equal(flat, curve)


@pytest.mark.parametrize("call", [
    lambda **kw: lrlib.lr_curve("cosine", 100, **kw),
    lambda **kw: lrlib.plot_schedule("cosine", 100, **kw),
    lambda **kw: lrlib.preview_run("cosine", lr=1e-3, epochs=1, num_batches=100, **kw),
], ids=["lr_curve", "plot_schedule", "preview_run"])
def test_an_argument_given_flat_and_in_scheduler_specific_kwargs_is_refused_naming_it(call):
    with pytest.raises(TypeError, match=r"num_cycles is given twice, as num_cycles=3 and in scheduler_specific_kwargs"):
        call(num_cycles=3, **PASTED)


def test_record_lrs_gives_a_curve_for_one_param_group_however_its_lr_is_written():
    def make(optimizer):
        return lrlib.get_scheduler("linear", optimizer, 2, 4)

    one = lrlib.record_lrs(make, 6, lr=1e-3)
    listed = lrlib.record_lrs(make, 6, lr=[1e-3])
    two = lrlib.record_lrs(make, 6, lr=[1e-3, 1e-4])
    assert one.shape == listed.shape == (6,)
    assert np.array_equal(one, listed)
    assert two.shape == (6, 2) and np.array_equal(two[:, 0], one)
