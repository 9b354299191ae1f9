"""lrlib predicts, step for step, the learning rates transformers' Trainer trains with.

Each plan runs through the real ``Trainer`` (CPU, a tiny model, no saving, no logging); a callback
reads every param group's lr just before each optimizer step. The prediction comes from the plan
alone: ``lrlib.steps.trainer_steps`` for the two step counts, ``lrlib.lr_curve`` for the curve; and ``lrlib.preview.preview_run`` from the Trainer itself.
"""

import numpy as np
import pytest
from trainer_support import make_trainer

from lrlib.preview import preview_run
from lrlib.scheduler import lr_curve
from lrlib.steps import TrainerSteps, trainer_steps


def trainer_lrs(num_examples, **arguments):
    """Every param group's lr at every optimizer step of a real Trainer run, shape (steps, groups), and
    what ``preview_run`` said of that Trainer before it trained."""
    trainer, recorder = make_trainer(arguments.pop("output_dir"), num_examples, **arguments)
    preview = preview_run(trainer)
    trainer.train()
    return np.array(recorder.lrs), preview


def predicted_lrs(num_examples, *, lr=1e-3, group_lrs=None, lr_scheduler_type="linear", lr_scheduler_kwargs=None,
                  per_device_train_batch_size=8, **plan):
    steps = trainer_steps(num_examples=num_examples, per_device_train_batch_size=per_device_train_batch_size, **plan)
    peaks = group_lrs or [lr]
    reference = peaks[0]
    curve = lr_curve(lr_scheduler_type, steps.num_training_steps, lr=reference, num_warmup_steps=steps.num_warmup_steps,
                     num_training_steps=steps.num_training_steps, **(lr_scheduler_kwargs or {}))
    return np.stack([curve * (peak / reference) for peak in peaks], axis=1)


PLANS = {
    "three epochs, linear, no warmup": dict(num_examples=40, num_train_epochs=3),
    "warmup as steps, cosine": dict(num_examples=40, num_train_epochs=3, warmup_steps=4, lr_scheduler_type="cosine"),
    "warmup as a ratio rounds up": dict(num_examples=40, num_train_epochs=3, warmup_steps=0.07),
    "accumulation with a partial last window": dict(num_examples=100, num_train_epochs=2, gradient_accumulation_steps=4,
                                                     warmup_steps=0.1),
    "drop_last drops the short batch": dict(num_examples=100, num_train_epochs=2, dataloader_drop_last=True,
                                            warmup_steps=3),
    "max_steps shorter than one epoch": dict(num_examples=100, num_train_epochs=3, max_steps=5, warmup_steps=2),
    "max_steps longer than the epochs": dict(num_examples=24, num_train_epochs=1, max_steps=10, warmup_steps=0.2),
    "lr_scheduler_kwargs reach the schedule": dict(num_examples=40, num_train_epochs=2, warmup_steps=2,
                                                   lr_scheduler_type="cosine_with_min_lr",
                                                   lr_scheduler_kwargs={"min_lr_rate": 0.1}),
    "polynomial with power": dict(num_examples=40, num_train_epochs=2, warmup_steps=0.25, lr_scheduler_type="polynomial",
                                  lr_scheduler_kwargs={"power": 2.0, "lr_end": 1e-5}),
    "wsd with a decay length": dict(num_examples=40, num_train_epochs=3, warmup_steps=2, lr_scheduler_type="warmup_stable_decay",
                                    lr_scheduler_kwargs={"num_decay_steps": 5}),
    "two param groups from your own optimizer": dict(num_examples=40, num_train_epochs=2, warmup_steps=3,
                                                     group_lrs=[1e-3, 3e-4]),
    "a fractional number of epochs": dict(num_examples=64, num_train_epochs=1.5, warmup_steps=4,
                                          lr_scheduler_type="warmup_stable_decay",
                                          lr_scheduler_kwargs={"num_decay_steps": 3}),
    "two param groups with an absolute floor": dict(num_examples=60, num_train_epochs=2, gradient_accumulation_steps=4,
                                                    warmup_steps=0.2, lr_scheduler_type="polynomial",
                                                    lr_scheduler_kwargs={"lr_end": 1e-5}, group_lrs=[1e-3, 1e-4]),
}


@pytest.mark.parametrize("plan", PLANS.values(), ids=PLANS.keys())
def test_lrlib_predicts_every_trainer_lr_from_the_plan_and_from_a_preview_of_the_trainer(plan, tmp_path):
    plan = dict(plan)
    plan.setdefault("per_device_train_batch_size", 8)
    recorded, preview = trainer_lrs(output_dir=tmp_path, **plan)
    # The Trainer's own AdamW has two groups (with and without weight decay) at the same lr.
    for predicted in (predicted_lrs(**plan), preview.lrs):
        predicted = np.broadcast_to(predicted, recorded.shape) if predicted.shape[1] == 1 else predicted
        assert recorded.shape == predicted.shape
        np.testing.assert_allclose(recorded, predicted, rtol=1e-12, atol=0)
    assert preview.num_training_steps == preview.num_optimizer_steps == len(recorded)


def test_the_trainer_counts_a_partial_accumulation_window_as_a_step(tmp_path):
    # 100 examples in batches of 8: 13 batches; windows of 4 give 4 optimizer steps per epoch, not 3.
    recorded, _ = trainer_lrs(100, output_dir=tmp_path, per_device_train_batch_size=8, num_train_epochs=2,
                              gradient_accumulation_steps=4)
    assert len(recorded) == 8 == trainer_steps(num_examples=100, per_device_train_batch_size=8, num_train_epochs=2,
                                               gradient_accumulation_steps=4).num_training_steps


def test_trainer_steps_reads_a_warmup_below_one_as_a_ratio_rounded_up():
    assert trainer_steps(num_examples=100, per_device_train_batch_size=1, num_train_epochs=1,
                         warmup_steps=0.07) == TrainerSteps(100, 8)   # 100 * 0.07 = 7.000000000000001
    assert trainer_steps(num_examples=100, per_device_train_batch_size=1, num_train_epochs=1,
                         warmup_steps=7) == TrainerSteps(100, 7)


def test_trainer_steps_refuses_a_fractional_step_count_the_trainer_would_truncate():
    with pytest.raises(ValueError, match=r"warmup_steps=2\.5 is 1 or more.*truncates it to 2"):
        trainer_steps(num_examples=100, per_device_train_batch_size=8, warmup_steps=2.5)


@pytest.mark.parametrize("max_steps", [0, -2])
def test_trainer_steps_refuses_a_max_steps_that_is_neither_positive_nor_minus_one(max_steps):
    with pytest.raises(ValueError, match="max_steps must be a positive step count, or -1"):
        trainer_steps(num_examples=100, per_device_train_batch_size=8, max_steps=max_steps)


def test_trainer_steps_names_the_argument_of_a_bad_warmup():
    with pytest.raises(TypeError, match="warmup_steps must be a step count"):
        trainer_steps(num_examples=100, per_device_train_batch_size=8, warmup_steps="10%")
    with pytest.raises(ValueError, match="warmup_steps must be >= 0"):
        trainer_steps(num_examples=100, per_device_train_batch_size=8, warmup_steps=-1)


@pytest.mark.parametrize("arguments, error, message", [
    (dict(per_device_train_batch_size=0), ValueError, r"^per_device_train_batch_size must be >= 1, got 0"),
    (dict(gradient_accumulation_steps=0), ValueError, r"^gradient_accumulation_steps must be >= 1, got 0"),
    (dict(dataloader_drop_last=1), TypeError, r"^dataloader_drop_last must be True or False"),
    (dict(dataloader_drop_last=True, world_size=200), ValueError,
     r"^With dataloader_drop_last=True, 100 examples over 200 process\(es\) give 0 per process: not one full "
     r"batch of 8 \(per_device_train_batch_size\)"),
    (dict(num_examples=None), ValueError, r"^num_examples=None: give the training dataset's size"),
])
def test_trainer_steps_names_its_own_arguments_in_errors(arguments, error, message):
    with pytest.raises(error, match=message):
        trainer_steps(**{"num_examples": 100, "per_device_train_batch_size": 8, **arguments})


def test_trainer_steps_needs_no_dataset_size_with_max_steps():
    assert trainer_steps(per_device_train_batch_size=8, max_steps=7, warmup_steps=0.5) == TrainerSteps(7, 4)
