"""preview_run(trainer) equals the real Trainer on drawn configurations, or refuses what train() refuses.

Each example builds a real transformers Trainer (CPU, a tiny model), previews it, trains it, and
compares the preview with the lr every param group had just before each optimizer step
(``RecordLRs``), at 1e-9. Drawn: dataset sizes that leave partial batches, accumulation windows
that leave partial windows, fractional epochs, max_steps shorter and longer than an epoch, warmup
as steps and as a ratio (a ``warmup_steps`` below 1; transformers 5.23 has no ``warmup_ratio``),
``dataloader_drop_last``, every schedule with a curve and its own arguments, two param groups by
each way a Trainer gets them, a ``create_scheduler`` override, a ``create_optimizer_and_scheduler``
override (which train() never calls), and iterable datasets with and without a length. Then the
same Trainer trained a second time (a re-run notebook cell), with its arguments changed or not.
"""

import math
import tempfile

import numpy as np
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import examples
from trainer_support import GROUPS_BY, SCHEDULE_KWARGS, IgnoredOverrideTrainer, OwnScheduleTrainer, make_trainer
from transformers import Trainer

import lrlib
from lrlib.preview import preview_run

SCHEDULERS = {"Trainer's own": Trainer, "create_scheduler override": OwnScheduleTrainer,
              "create_optimizer_and_scheduler override": IgnoredOverrideTrainer}


@st.composite
def plans(draw):
    """A Trainer plan: make_trainer's arguments, and the dataset's size."""
    dataset = draw(st.sampled_from(["list", "list", "iterable", "iterable with len"]))
    num_examples, batch = draw(st.integers(1, 24)), draw(st.integers(2, 8))
    accumulation = draw(st.integers(1, 3))
    if dataset == "iterable":  # no length: max_steps is required, and a pass must fill a window, or train() never ends
        max_steps = draw(st.integers(1, 12))
        num_examples = max(num_examples, batch * (accumulation - 1) + 1)
    else:
        max_steps = draw(st.one_of(st.just(-1), st.just(-1), st.integers(1, 12)))
    name = draw(st.sampled_from(lrlib.CURVE_NAMES))
    groups_by = draw(st.sampled_from(GROUPS_BY))
    return dict(
        num_examples=num_examples, dataset=dataset, per_device_train_batch_size=batch,
        gradient_accumulation_steps=accumulation, max_steps=max_steps,
        num_train_epochs=draw(st.sampled_from([1, 1.5, 2, 2.5])),
        dataloader_drop_last=draw(st.booleans()),
        warmup_steps=draw(st.one_of(st.sampled_from([0, 1, 2, 3]), st.sampled_from([0.1, 0.25, 0.5]))),
        lr_scheduler_type=name, lr_scheduler_kwargs=draw(SCHEDULE_KWARGS[name]),
        groups_by=groups_by, group_lrs=None if groups_by == "Trainer's own" else draw(
            st.sampled_from([(1e-3, 3e-4), (2e-3, 5e-4), (1e-3, 1e-3)])),
        trainer_class=SCHEDULERS[draw(st.sampled_from(list(SCHEDULERS)))],
    )


def train(trainer, recorder):
    """The lrs of a real train(), shape (steps, groups), or the exception it raised."""
    recorder.lrs.clear()
    try:
        trainer.train()
    except Exception as error:  # noqa: BLE001 - what train() does with the input is the point
        return error
    return np.array(recorder.lrs, dtype=np.float64).reshape(len(recorder.lrs), -1) if recorder.lrs else np.empty((0, 0))


def preview(trainer, **options):
    try:
        return preview_run(trainer, **options)
    except (ValueError, TypeError) as refusal:
        return refusal


def lrlib_refuses(trainer, plan, num_training_steps):
    """Whether lrlib's own checks refuse the schedule call the Trainer made (lrlib refuses some that
    transformers accepts, e.g. a polynomial whose warmup is as long as the run)."""
    defaults_lr = (plan["group_lrs"] or (trainer.args.learning_rate,))[0]
    try:
        lrlib.lr_curve(plan["lr_scheduler_type"], 1, lr=defaults_lr,
                       num_warmup_steps=trainer.args.get_warmup_steps(num_training_steps),
                       num_training_steps=num_training_steps, **plan["lr_scheduler_kwargs"])
    except (ValueError, TypeError):
        return True
    return False


def assert_equal_runs(previewed, recorded):
    assert previewed.lrs.shape == recorded.shape, (previewed.lrs.shape, recorded.shape)
    np.testing.assert_allclose(previewed.lrs, recorded, rtol=1e-9, atol=0)
    assert previewed.num_optimizer_steps == len(recorded)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_the_preview_equals_the_real_trainer_or_refuses_what_train_refuses(plan):
    plan = dict(plan)
    num_examples = plan.pop("num_examples")
    with tempfile.TemporaryDirectory() as output_dir:
        trainer, recorder = make_trainer(output_dir, num_examples, **plan)
        previewed = preview(trainer)
        recorded = train(trainer, recorder)
    if isinstance(recorded, Exception) or len(recorded) == 0:
        event("train() refuses or trains nothing: the preview refuses")
        assert isinstance(previewed, Exception), f"train() gave {recorded!r}, the preview did not refuse"
        empty_loader = plan["dataloader_drop_last"] and num_examples < plan["per_device_train_batch_size"]
        if empty_loader and plan["dataset"] == "list":  # not some other refusal, e.g. a polynomial with W = T
            assert "dataloader_drop_last" in str(previewed)
        return
    if isinstance(previewed, Exception):
        event("lrlib refuses a schedule call transformers accepts")
        assert plan["trainer_class"] is not OwnScheduleTrainer and lrlib_refuses(trainer, plan, len(recorded)), previewed
        return
    event("compared")
    assert_equal_runs(previewed, recorded)
    if plan["trainer_class"] is IgnoredOverrideTrainer:
        assert "override not called" in [flag.pitfall for flag in previewed.flags]
    if plan["dataset"] == "iterable":
        assert "length unknown" in [flag.pitfall for flag in previewed.flags]


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), change=st.sampled_from(["nothing", "num_train_epochs", "learning_rate", "lr_scheduler_type"]),
       given_scheduler=st.booleans())
def test_a_trainer_that_trained_is_previewed_as_its_next_train_will_run(plan, change, given_scheduler):
    plan = dict(plan)
    with tempfile.TemporaryDirectory() as output_dir:
        trainer, recorder = make_trainer(output_dir, plan.pop("num_examples"), **plan)
        if given_scheduler and plan["groups_by"] == "optimizers=":  # optimizers=(optimizer, scheduler)
            trainer.lr_scheduler = torch.optim.lr_scheduler.StepLR(trainer.optimizer, step_size=3, gamma=0.5)
        if isinstance(preview(trainer), Exception):
            return  # refusals: the test above
        first = train(trainer, recorder)
        assert not isinstance(first, Exception) and len(first)
        if change == "num_train_epochs":
            trainer.args.num_train_epochs, trainer.args.max_steps = 3, -1
        elif change == "learning_rate":
            trainer.args.learning_rate = 5e-3  # the optimizer exists: train() keeps its lrs
        elif change == "lr_scheduler_type":
            trainer.args.lr_scheduler_type, trainer.args.lr_scheduler_kwargs = "linear", {}
        again = preview(trainer)
        second = train(trainer, recorder)
    if isinstance(second, Exception) or len(second) == 0:
        assert isinstance(again, Exception), f"train() gave {second!r}, the preview did not refuse"
        return
    if isinstance(again, Exception):
        assert plan["trainer_class"] is not OwnScheduleTrainer and lrlib_refuses(
            trainer, {**plan, "lr_scheduler_type": trainer.args.lr_scheduler_type,
                      "lr_scheduler_kwargs": trainer.args.lr_scheduler_kwargs}, len(second)), again
        return
    event(f"re-trained, {change} changed")
    assert_equal_runs(again, second)


def test_the_preview_of_a_finished_trainer_is_not_all_zeros(tmp_path):
    # The case that was wrong: after train(), the next train() starts at the peak again.
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=2,
                                     lr_scheduler_type="linear")
    first = train(trainer, recorder)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.0  # where the finished scheduler left it
    again = preview_run(trainer)
    assert again.lrs[0, 0] == first[0, 0] == 1e-3 and math.isclose(again.lrs.max(), 1e-3)
    assert_equal_runs(again, train(trainer, recorder))
    assert any("has trained before" in line for line in again.derivation)
