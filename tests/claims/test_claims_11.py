"""The library behaviour notebook 11 (what a schedule changes) states, checked at the pinned versions."""

import pathlib

import numpy as np
import pytest
import sklearn.datasets
import torch
import transformers

from lrlib.course.outcomes import digits, schedule_arguments, train_digits
from lrlib.scheduler import lr_curve


def test_load_digits_ships_1797_images_of_8x8_pixels_inside_scikit_learn():
    data = sklearn.datasets.load_digits()
    assert data.data.shape == (1797, 64) and data.images.shape == (1797, 8, 8)
    assert sorted(set(data.target.tolist())) == list(range(10))
    assert data.data.min() == 0 and data.data.max() == 16
    package_data = pathlib.Path(sklearn.datasets.__file__).parent / "data"
    assert any(path.name.startswith("digits") for path in package_data.iterdir())


def test_the_experiment_splits_1280_training_and_517_test_images():
    x_train, y_train, x_test, y_test = digits()
    assert len(x_train) == 1280 and len(x_test) == 517
    assert float(x_train.max()) == 1.0 and float(x_train.min()) == 0.0


def _transformers_lrs(name, num_steps, peak, num_warmup_steps, num_training_steps, **specific):
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=peak)
    scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=num_warmup_steps,
                                           num_training_steps=num_training_steps, scheduler_specific_kwargs=specific)
    lrs = []
    for _ in range(num_steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def test_the_experiments_schedules_are_transformers_schedules_with_those_arguments():
    for name in ["constant_with_warmup", "linear", "cosine", "cosine_with_min_lr", "polynomial", "inverse_sqrt",
                 "warmup_stable_decay"]:
        arguments = schedule_arguments(name, 200, 20)
        ours = lr_curve(name, 200, lr=0.1, num_warmup_steps=20, num_training_steps=200,
                        **arguments["scheduler_specific_kwargs"])
        theirs = _transformers_lrs(name, 200, 0.1, 20, 200, **arguments["scheduler_specific_kwargs"])
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15, err_msg=name)


def test_polynomial_with_power_one_is_linear_but_for_its_lr_end_floor():
    polynomial = _transformers_lrs("polynomial", 200, 0.1, 20, 200, power=1.0)
    linear = _transformers_lrs("linear", 200, 0.1, 20, 200)
    assert np.max(np.abs(polynomial - linear)) <= 1e-7 + 1e-15
    assert polynomial[-1] > linear[-1]


def test_inverse_sqrt_takes_its_timescale_from_the_warmup_by_default():
    default = _transformers_lrs("inverse_sqrt", 200, 0.1, 20, None)
    explicit = _transformers_lrs("inverse_sqrt", 200, 0.1, 20, None, timescale=20)
    np.testing.assert_array_equal(default, explicit)


def test_constant_and_inverse_sqrt_ignore_num_training_steps_and_never_end():
    for name, warmup in [("constant", None), ("inverse_sqrt", 20)]:
        short = _transformers_lrs(name, 300, 0.1, warmup, 100)
        long = _transformers_lrs(name, 300, 0.1, warmup, 10_000)
        np.testing.assert_array_equal(short, long)
        assert short[-1] > 0


def test_a_run_gets_the_same_start_and_batches_whatever_the_schedule():
    # Same seed, same schedule, run alone or next to another schedule: the same numbers.
    alone = train_digits(["linear"], [3], epochs=1)[0]
    together = train_digits(["constant", "linear"], [3], epochs=1)[1]
    np.testing.assert_allclose(alone.losses, together.losses, rtol=1e-5)
    assert alone.schedule == together.schedule == "linear"


def test_the_paired_threshold_for_five_seeds_is_students_t_at_2_776():
    from lrlib.course.outcomes import Outcome, paired

    def runs(first, second):
        return [Outcome(name, seed, value, 0.0, 1.0, np.zeros(1), np.zeros(1))
                for name, values in {"a": first, "b": second}.items() for seed, value in enumerate(values)]

    _, _, critical = paired(runs([1, 2, 3, 4, 5], [2, 2, 4, 4, 6]), "a", "b")
    assert round(critical, 3) == 2.776
    # Two equally good schedules (normal seed-to-seed differences): paired's abs(t) passes its own
    # threshold in about 1 comparison in 20.
    noise = np.random.default_rng(0).standard_normal((2000, 2, 5))
    passed = [abs(t) > critical for t, critical in (paired(runs(*pair), "a", "b")[1:] for pair in noise)]
    assert np.mean(passed) == pytest.approx(0.05, abs=0.012)


def test_at_a_peak_20_to_100_times_lower_constant_with_warmup_ends_below_linear():
    # Exercise 2's experiment: at 0.001 and 0.005 every constant_with_warmup run ends below every linear run.
    from lrlib.course.outcomes import summarize

    for peak in (0.001, 0.005):
        loss = summarize(train_digits(["constant_with_warmup", "linear"], range(5), peak_lr=peak), "train_loss")
        assert loss["constant_with_warmup"][2] < loss["linear"][1], peak


def test_the_prediction_names_the_schedules_whose_every_run_ends_above_every_run_of_the_best():
    from lrlib.course.answers.nb11 import not_tied
    from lrlib.course.outcomes import Outcome

    runs = [Outcome(name, seed, value, 0.0, 1.0, np.zeros(1), np.zeros(1))
            for name, values in {"a": [1.0, 3.0], "b": [2.5, 4.0], "c": [3.5, 5.0], "d": [3.2, 6.0]}.items()
            for seed, value in enumerate(values)]
    assert not_tied({"c", "d"}, runs).solved and not_tied(["d", "c"], runs).solved
    assert not_tied({"c"}, runs).message.startswith("✗ Not quite: you predicted ['c']; the run gives ['c', 'd']")
    assert not not_tied({"b", "c", "d"}, runs).solved
    assert not_tied(..., runs).message.startswith("Not yet:")
    assert "not a schedule of this run" in not_tied({"cosine"}, runs).message
    assert "write a set of schedule names" in not_tied(3, runs).message
