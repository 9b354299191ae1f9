"""Claims of notebook 00 (Start here) about the source article and transformers 5.23."""

import article_script
import transformers

import lrlib


def test_transformers_get_scheduler_accepts_twelve_names():
    assert len(transformers.SchedulerType) == 12


def test_get_cosine_scheduler_with_warmup_does_not_exist_in_transformers():
    assert not hasattr(transformers, "get_cosine_scheduler_with_warmup")
    assert callable(transformers.get_cosine_schedule_with_warmup)


def test_article_script_as_written_counts_1950_steps():
    planned = article_script.planned_steps(article_script.EXAMPLES)
    assert planned == 1950
    assert lrlib.training_steps(epochs=article_script.EPOCHS, num_examples=article_script.EXAMPLES,
                                batch_size=article_script.BATCH_SIZE) == planned


def test_article_plot_loop_reads_each_lr_one_step_late_and_never_shows_step_0():
    # The article's section 7 loop: its own nn.Linear(10, 2) and AdamW, then for every batch
    # optimizer.step(); scheduler.step(); learning_rates.append(optimizer.param_groups[0]['lr']).
    learning_rates = article_script.plotted_learning_rates("cosine", num_warmup_steps=100)
    T = len(learning_rates)
    used = lrlib.record_lrs(lambda opt: transformers.get_scheduler(
        "cosine", opt, num_warmup_steps=100, num_training_steps=T), T + 1, lr=1e-3)  # the lr each step runs at
    assert T == article_script.planned_steps(article_script.EXAMPLES)
    assert used[0] == 0.0 and 0.0 not in learning_rates[:100]
    assert learning_rates[0] == used[1] == 1e-3 / 100  # the plot starts at the lr of the second step
    assert learning_rates == used[1:].tolist()  # point k is the lr of step k + 1


def test_first_curve_is_near_7e_10_of_the_peak_at_step_1949_and_0_at_step_1950():
    curve = lrlib.lr_curve("cosine", 1951, lr=1e-3, num_warmup_steps=100, num_training_steps=1950)
    assert 6.5e-10 < curve[1949] < 7.5e-10
    assert curve[1950] == 0.0
