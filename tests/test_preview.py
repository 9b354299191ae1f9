"""preview_run explains its count, flags the pitfalls the collection teaches, and touches nothing.
That it equals a real Trainer's lrs step for step is tested with the other Trainer plans in test_trainer.py."""

import copy

import numpy as np
import pytest
import torch
from trainer_support import make_trainer

from lrlib.preview import preview_run

ACCUMULATING = dict(num_examples=100, per_device_train_batch_size=8, num_train_epochs=3, gradient_accumulation_steps=3,
                    lr_scheduler_type="cosine", warmup_steps=0.1)
TWO_GROUPS = dict(num_examples=60, per_device_train_batch_size=4, num_train_epochs=2, gradient_accumulation_steps=4,
                  lr_scheduler_type="cosine_with_min_lr", warmup_steps=0.2, lr_scheduler_kwargs={"min_lr_rate": 0.1},
                  group_lrs=(1e-3, 1e-4))


def test_preview_from_training_arguments_and_dataset_size_equals_preview_of_the_trainer(tmp_path):
    trainer, _ = make_trainer(tmp_path, **ACCUMULATING)
    from_args = preview_run(trainer.args, num_examples=ACCUMULATING["num_examples"])
    from_trainer = preview_run(trainer)
    assert from_args.derivation == from_trainer.derivation
    np.testing.assert_array_equal(from_args.lrs, from_trainer.lrs)


def test_preview_explains_how_the_step_count_was_derived(tmp_path):
    trainer, _ = make_trainer(tmp_path, **ACCUMULATING)
    preview = preview_run(trainer)
    assert preview.derivation == (
        "100 examples / (batch 8 x 1 process(es)), ceil: 13 batches per epoch per process",
        "ceil(13 / gradient_accumulation_steps 3) = 5 optimizer steps per epoch",
        "ceil(3 epochs x 5) = 15 optimizer steps",
        "warmup_steps=0.1 < 1 is a ratio: ceil(15 x 0.1) = 2 steps",
    )
    assert "num_training_steps=15, num_warmup_steps=2" in str(preview)


def test_preview_leaves_trainer_optimizer_and_model_bit_identical(tmp_path):
    trainer, _ = make_trainer(tmp_path, **TWO_GROUPS)
    model_before = copy.deepcopy(trainer.model.state_dict())
    optimizer_before = copy.deepcopy(trainer.optimizer.state_dict())
    args_before = trainer.args.to_dict()
    preview_run(trainer)
    assert all(torch.equal(model_before[k], v) for k, v in trainer.model.state_dict().items())
    assert trainer.optimizer.state_dict() == optimizer_before
    assert trainer.args.to_dict() == args_before
    assert trainer.lr_scheduler is None and trainer.state.global_step == 0


def test_preview_draws_every_group_with_warmup_shaded(tmp_path):
    trainer, _ = make_trainer(tmp_path, **TWO_GROUPS)
    ax = preview_run(trainer).plot()
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert len(drawn) == 2 and max(drawn[1].get_ydata()) == pytest.approx(1e-4)
    assert ax.patches or ax.collections, "the warmup should be shaded"


def flags(preview):
    return [flag.pitfall for flag in preview.flags]


def test_flag_constant_with_a_warmup_given_and_not_without(tmp_path):
    trainer, _ = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=1,
                              lr_scheduler_type="constant", warmup_steps=3)
    (flag,) = preview_run(trainer).flags
    assert flag.pitfall == "warmup ignored" and "constant_with_warmup" in flag.message
    assert flags(preview_run("constant", lr=1e-3, epochs=1, num_batches=5)) == []
    assert flags(preview_run("constant_with_warmup", lr=1e-3, epochs=1, num_batches=5, num_warmup_steps=3)) == []


def two_groups(lrs=(1e-3, 1e-4)):
    return torch.optim.AdamW([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs], lr=lrs[0])


def test_flag_absolute_floor_across_groups_with_other_lrs_and_not_with_a_ratio_or_one_lr():
    (flag,) = preview_run("polynomial", optimizer=two_groups(), epochs=1, num_batches=20, lr_end=1e-5).flags
    assert flag.pitfall == "absolute floor" and "group 1 ends at 1e-06" in flag.message
    (flag,) = preview_run("cosine_with_min_lr", optimizer=two_groups(), epochs=1, num_batches=20, min_lr=1e-5).flags
    assert flag.pitfall == "absolute floor"
    assert flags(preview_run("cosine_with_min_lr", optimizer=two_groups(), epochs=1, num_batches=20,
                             min_lr_rate=0.01)) == []
    assert flags(preview_run("polynomial", optimizer=two_groups((1e-3, 1e-3)), epochs=1, num_batches=20,
                             lr_end=1e-5)) == []


def test_flag_a_schedule_that_climbs_back_after_it_ends_and_not_one_that_stays_down():
    (flag,) = preview_run("cosine", lr=1e-3, epochs=2, num_batches=50, num_training_steps=60).flags
    assert flag.pitfall == "step count mismatch" and "climbs back" in flag.message
    (flag,) = preview_run("linear", lr=1e-3, epochs=2, num_batches=50, num_training_steps=60).flags
    assert "climbs back" not in flag.message


def test_flag_a_step_count_that_disagrees_with_the_loader_and_not_a_matching_one():
    (flag,) = preview_run("linear", lr=1e-3, epochs=50, num_examples=1235, batch_size=32,
                          num_training_steps=100).flags
    assert flag.pitfall == "step count mismatch" and "num_training_steps=1950" in flag.message
    (flag,) = preview_run("linear", lr=1e-3, epochs=1, num_batches=39, num_training_steps=100).flags
    assert "stops at 39% of the schedule" in flag.message
    assert flags(preview_run("linear", lr=1e-3, epochs=50, num_batches=39, num_training_steps=1950)) == []


def test_flag_an_accelerate_scheduler_counted_per_process_and_not_the_whole_count():
    (flag,) = preview_run("linear", lr=1e-3, epochs=2, num_batches=40, world_size=2, launcher="accelerate",
                          num_training_steps=80).flags
    assert flag.pitfall == "counted per process" and "Pass 160" in flag.message
    whole = preview_run("linear", lr=1e-3, epochs=2, num_batches=40, world_size=2, launcher="accelerate",
                        num_training_steps=160)
    assert flags(whole) == [] and whole.lrs[-1, 0] == pytest.approx(1e-3 / 80)
    assert flags(preview_run("linear", lr=1e-3, epochs=2, num_batches=40, world_size=2, launcher="accelerate",
                             split_batches=True, num_training_steps=80)) == []


@pytest.mark.parametrize("call,error,words", [
    (lambda: preview_run("reduce_lr_on_plateau", lr=1e-3, epochs=1, num_batches=5), ValueError, "has no curve"),
    (lambda: preview_run("linear", epochs=1, num_batches=5), ValueError, "lr=..."),
    (lambda: preview_run("linear", lr=1e-3, epochs=1, num_batches=5, launcher="deepspeed"), ValueError, "launcher"),
    (lambda: preview_run(42), TypeError, "Trainer, TrainingArguments or a schedule name"),
    (lambda: preview_run("linear", lr=1e-3, epochs=0, num_batches=5), ValueError, "epochs"),
])
def test_bad_plans_are_refused_with_the_argument_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_preview_of_a_trainer_given_its_own_scheduler_looks_ahead_at_that_scheduler(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=2,
                                     group_lrs=(1e-3, 2e-4))
    trainer.lr_scheduler = torch.optim.lr_scheduler.StepLR(trainer.optimizer, step_size=3, gamma=0.5)
    preview = preview_run(trainer)
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))
    assert preview.name == "StepLR" and "lr_scheduler_type and warmup_steps are not used" in preview.derivation[-1]
