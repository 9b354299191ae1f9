"""The checks behind the exercises: an untouched stub gets "Not yet", a wrong answer a hint that leads
without giving the answer away, a right answer a ✓ with the reason; none of them raises."""

import numpy as np
import pytest

from lrlib import course
from lrlib.course import exercises


@pytest.fixture(autouse=True)
def fresh_tries():
    exercises._wrong_tries.clear()


def test_an_untouched_stub_gets_not_yet_from_every_check_and_nothing_is_revealed():
    answers = [
        course.check_number(..., 1025, what="half_peak_step"),
        course.check_choice(..., "C", what="my_curve", choices="ABCD"),
        course.check_prediction(..., 0.734, what="my_guess", abs_tol=0.05),
        course.check_prediction(None, "cosine", what="my_pick"),
    ]
    for feedback in answers:
        assert feedback.message.startswith("Not yet:") and not feedback.solved
        assert "1025" not in feedback.message and "0.734" not in feedback.message


def test_a_wrong_number_says_too_high_or_too_low_and_hints_one_step_at_a_time():
    hints = ["First count the batches in one epoch.", "Then multiply by the epochs."]
    first = course.check_number(2000, 1900, what="steps", hints=hints).message
    second = course.check_number(1800, 1900, what="steps", hints=hints).message
    third = course.check_number(1800, 1900, what="steps", hints=hints).message
    assert first.startswith("✗ Not quite: steps = 2000 is too high.") and "Hint 1 of 2: First count" in first
    assert "Hint 2 of 2: Then multiply" in second and "too low" in second
    assert "Hint 2 of 2" in third and "Open the solution" in third
    assert not any("1900" in message for message in (first, second, third))


def test_a_right_number_gets_a_tick_with_the_reason_and_numpy_numbers_count():
    feedback = course.check_number(np.int64(1900), 1900, what="steps", why="50 epochs of 38 full batches.")
    assert feedback.solved and feedback.message == "✓ Right: 50 epochs of 38 full batches."
    assert repr(feedback) == str(feedback) == feedback.message


@pytest.mark.parametrize("answer", [True, "1900", [1900]])
def test_a_number_of_the_wrong_type_is_named_not_accepted(answer):
    feedback = course.check_number(answer, 1900, what="steps")
    assert feedback.message.startswith("✗ Not quite: steps = ") and "the answer is a number" in feedback.message


def test_a_choice_outside_the_choices_lists_them_and_a_wrong_choice_does_not_reveal_the_right_one():
    outside = course.check_choice("E", "C", what="my_curve", choices="ABCD").message
    assert "not one of the choices: 'A', 'B', 'C', 'D'" in outside
    wrong = course.check_choice("B", "C", what="my_curve", choices="ABCD", hints="Look at the last step.").message
    assert wrong.startswith("✗ Not quite: my_curve = 'B' is not the one.") and "'C'" not in wrong
    assert course.check_choice("C", "C", what="my_curve", choices="ABCD").solved


def test_a_prediction_is_compared_with_the_run_and_explained_once_it_is_made():
    close = course.check_prediction(0.7, 0.734, what="my_guess", abs_tol=0.05, why="Because.")
    far = course.check_prediction(0.2, 0.734, what="my_guess", abs_tol=0.05, why="Because.")
    assert close.solved and close.message == "✓ Good prediction: you predicted 0.7; the run gives 0.734. Because."
    assert far.message == "✗ Not quite: you predicted 0.2; the run gives 0.734. Because."
    assert course.check_prediction("cosine", "cosine", what="my_pick").solved
    assert "predict a number" in course.check_prediction("big", 0.7, what="my_guess", rel_tol=0.1).message


def test_a_prediction_outside_its_choices_is_refused_without_showing_the_run():
    outside = course.check_prediction("E", "B", what="my_curve", choices="ABCD").message
    assert outside == "✗ Not quite: my_curve = 'E' is not one of the choices: 'A', 'B', 'C', 'D'."
    assert course.check_prediction("B", "B", what="my_curve", choices="ABCD").solved


STUBS = [("13.body_floor", "body_final_lr"), ("13.resume_without_scheduler", "lr_after_resume"),
         ("13.plateau_lr", "lr_after_plateau"), ("05.first_restart_warmup", "warmup_for_restart_at_1000")]


@pytest.mark.parametrize("exercise,what", STUBS, ids=[exercise for exercise, _ in STUBS])
def test_an_answers_module_says_not_yet_in_the_words_of_the_checks_without_an_expected_value(exercise, what):
    assert course.check(exercise, ...).message == course.check_number(..., float("nan"), what=what).message


def test_a_warmup_outside_the_run_is_named_as_such_not_as_too_high_or_too_low():
    message = course.check("05.first_restart_warmup", 5000).message
    assert message.startswith("✗ Not quite: warmup_for_restart_at_1000 = 5000: a warmup of this run is 0 to 1949")
    assert "too high" not in message and "too low" not in course.check("05.first_restart_warmup", -5).message


def test_a_first_restart_within_ten_steps_of_1000_is_right_with_the_exact_warmup_in_the_reason():
    near, exact = course.check("05.first_restart_warmup", 520), course.check("05.first_restart_warmup", 525)
    assert near.solved and exact.solved and "gives W = 525" in near.message
    assert not course.check("05.first_restart_warmup", 600).solved
