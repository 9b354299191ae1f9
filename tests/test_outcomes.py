"""lrlib.course.outcomes: the schedule-outcome experiment of notebook 11."""

import numpy as np
import pytest

from lrlib.course.outcomes import (OUTCOME_SCHEDULES, Outcome, format_outcomes, lowest, paired, schedule_arguments,
                            summarize, train_digits)
from lrlib.scheduler import lr_curve


@pytest.fixture(scope="module")
def short_runs():
    return train_digits(["constant", "linear"], seeds=[0, 1], epochs=1)


def test_every_schedule_and_seed_gives_one_outcome_in_order(short_runs):
    assert [(o.schedule, o.seed) for o in short_runs] == [("constant", 0), ("constant", 1), ("linear", 0), ("linear", 1)]


def test_each_run_trains_with_its_schedules_lrs(short_runs):
    linear = short_runs[2]
    arguments = schedule_arguments("linear", 40, 4)
    expected = lr_curve("linear", 40, lr=0.1, num_warmup_steps=arguments["num_warmup_steps"], num_training_steps=40)
    np.testing.assert_allclose(linear.lrs, expected, rtol=1e-12)
    assert np.all(short_runs[0].lrs == 0.1)


def test_the_same_seeds_give_the_same_numbers_twice(short_runs):
    again = train_digits(["constant", "linear"], seeds=[0, 1], epochs=1)
    for first, second in zip(short_runs, again):
        assert first.train_loss == second.train_loss and first.test_accuracy == second.test_accuracy


def test_training_lowers_the_loss_and_beats_chance(short_runs):
    for outcome in short_runs:
        assert outcome.losses[-5:].mean() < outcome.losses[:5].mean()
        assert outcome.test_accuracy > 0.5   # chance is 0.1


def test_a_batch_size_that_leaves_a_partial_batch_is_refused():
    with pytest.raises(ValueError, match="batch_size must divide 1280"):
        train_digits(["linear"], [0], batch_size=48)


def test_an_unknown_schedule_name_is_refused_with_the_list():
    with pytest.raises(ValueError, match="name must be one of constant, constant_with_warmup"):
        schedule_arguments("cosine_with_restarts", 200, 20)


def test_constant_gets_no_warmup_and_the_others_get_the_same_one():
    assert schedule_arguments("constant", 200, 20)["num_warmup_steps"] is None
    assert {schedule_arguments(name, 200, 20)["num_warmup_steps"] for name in OUTCOME_SCHEDULES[1:]} == {20}


def _fake(values):
    return [Outcome(name, seed, value, 0.0, 1.0, np.zeros(1), np.zeros(1))
            for name, seeds in values.items() for seed, value in enumerate(seeds)]


def test_lowest_keeps_every_schedule_whose_range_overlaps_the_best():
    runs = _fake({"a": [1.0, 3.0], "b": [2.5, 4.0], "c": [3.5, 5.0]})
    assert lowest(runs) == ["a", "b"]
    assert summarize(runs, "train_loss")["c"] == (4.25, 3.5, 5.0)


def test_the_table_has_a_row_per_schedule_with_mean_and_range(short_runs):
    table = format_outcomes(short_runs).splitlines()
    assert len(table) == 2 + 2
    assert table[2].startswith("constant") and table[3].startswith("linear")
    assert table[3].count("[") == 3


def test_paired_compares_seed_by_seed_with_a_t_statistic_and_its_5_percent_threshold():
    runs = _fake({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [1.1, 2.1, 3.1, 4.1, 5.2], "c": [1.5, 1.5, 3.5, 3.5, 5.0]})
    differences, t, critical = paired(runs, "a", "b")
    np.testing.assert_allclose(differences, [0.1, 0.1, 0.1, 0.1, 0.2])
    assert t > critical == pytest.approx(2.776, abs=1e-3)   # a small, consistent difference is a difference
    _, t, _ = paired(runs, "a", "c")
    assert abs(t) < critical                                # a large, inconsistent one is not


def test_paired_names_the_missing_schedule_and_needs_shared_seeds():
    runs = _fake({"a": [1.0, 2.0], "b": [1.0]})
    with pytest.raises(ValueError, match="no run of schedule 'z'.*a, b"):
        paired(runs, "a", "z")
    with pytest.raises(ValueError, match="share at least 2 seeds"):
        paired(runs, "a", "b")
