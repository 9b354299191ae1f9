"""Claims of notebook 00 (Start here) about the source article and transformers 5.23."""

import math

import transformers

import lrlib


def test_transformers_get_scheduler_accepts_twelve_names():
    assert len(transformers.SchedulerType) == 12


def test_get_cosine_scheduler_with_warmup_does_not_exist_in_transformers():
    assert not hasattr(transformers, "get_cosine_scheduler_with_warmup")
    assert callable(transformers.get_cosine_schedule_with_warmup)


def test_article_script_as_written_counts_1950_steps():
    # The article: epochs = 50, batch_size = 32, num_train_loader = 1235 (a count of examples).
    assert 50 * math.ceil(1235 / 32) == 1950
    assert lrlib.training_steps(epochs=50, num_examples=1235, batch_size=32) == 1950


def test_article_commented_len_train_loader_variant_plans_a_schedule_19_5_times_too_short():
    batches = math.ceil(1235 / 32)  # len(train_loader) for 1235 examples in batches of 32
    variant = 50 * math.ceil(batches / 32)
    assert (batches, variant) == (39, 100)
    assert lrlib.training_steps(epochs=50, num_batches=batches) / variant == 19.5
