"""preview_run(trainer, resume_from_checkpoint=...) equals a real resumed Trainer run, and flags a resume
whose saved schedule the new arguments do not continue.

Each test trains a first Trainer that saves checkpoints, builds a second one with changed arguments,
previews its resume, resumes it for real, and compares the lrs of every optimizer step at 1e-9.
What transformers 5.23 does on a resume (Trainer._prepare_for_training, _load_optimizer_and_scheduler):
it builds the scheduler for the *new* plan, then loads the saved optimizer and scheduler state into it,
so the first resumed step trains at the saved lr, the next ones at the saved base lr times the new
schedule, from the saved step on.
"""

import os
import tempfile

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import examples
from trainer_support import GROUPS_BY, SCHEDULE_KWARGS, make_trainer

import lrlib
from lrlib.preview import preview_run

PLAN = dict(per_device_train_batch_size=8, num_train_epochs=2, warmup_steps=2, lr_scheduler_type="cosine")


def first_run(output_dir, num_examples=40, save_steps=3, **arguments):
    """Train a Trainer that saves a checkpoint every ``save_steps``; its lrs."""
    trainer, recorder = make_trainer(output_dir, num_examples, save_strategy="steps", save_steps=save_steps,
                                     **{**PLAN, **arguments})
    trainer.train()
    return np.array(recorder.lrs)


def resumed(checkpoint, num_examples=40, **arguments):
    """(preview, recorded lrs) of a second Trainer resumed from ``checkpoint``."""
    with tempfile.TemporaryDirectory() as output_dir:
        trainer, recorder = make_trainer(output_dir, num_examples, **{**PLAN, **arguments})
        preview = preview_run(trainer, resume_from_checkpoint=checkpoint)
        trainer.train(resume_from_checkpoint=checkpoint)
    return preview, np.array(recorder.lrs).reshape(len(recorder.lrs), -1 if recorder.lrs else 0)


def pitfalls(preview):
    return [flag.pitfall for flag in preview.flags]


def assert_equal_runs(preview, recorded):
    assert preview.num_optimizer_steps == len(recorded) == len(preview.lrs)
    if not len(recorded):
        return
    assert preview.lrs.shape == recorded.shape, (preview.lrs.shape, recorded.shape)
    np.testing.assert_allclose(preview.lrs, recorded, rtol=1e-9, atol=0)


def test_a_resume_with_unchanged_arguments_continues_the_saved_schedule_unflagged(tmp_path):
    uninterrupted = first_run(tmp_path)
    preview, recorded = resumed(tmp_path / "checkpoint-3")
    assert_equal_runs(preview, recorded)
    np.testing.assert_array_equal(recorded, uninterrupted[3:])
    assert preview.start_step == 3 and pitfalls(preview) == []


def test_a_resume_with_more_epochs_is_flagged_and_previewed_exactly(tmp_path):
    saved = first_run(tmp_path)  # 10 steps planned
    preview, recorded = resumed(tmp_path / "checkpoint-3", num_train_epochs=4)  # 20 planned now
    assert_equal_runs(preview, recorded)
    assert preview.num_training_steps == 20 and preview.num_optimizer_steps == 17
    assert recorded[0, 0] == saved[3, 0]  # the first resumed step trains at the saved lr ...
    assert recorded[1, 0] == lrlib.lr_curve("cosine", 5, lr=1e-3, num_warmup_steps=2, num_training_steps=20)[4]
    assert pitfalls(preview) == ["resume mismatch"]  # ... then on the 20-step schedule, from step 4
    assert "planned for 10 optimizer steps" in preview.flags[0].message and "plan 20" in preview.flags[0].message


def test_a_resume_with_another_schedule_of_the_same_length_is_flagged(tmp_path):
    first_run(tmp_path)
    preview, recorded = resumed(tmp_path / "checkpoint-3", lr_scheduler_type="linear")
    assert_equal_runs(preview, recorded)
    assert pitfalls(preview) == ["resume mismatch"] and "changed" in preview.flags[0].message


def test_a_new_learning_rate_is_ignored_by_a_resume_and_flagged(tmp_path):
    saved = first_run(tmp_path)
    preview, recorded = resumed(tmp_path / "checkpoint-3", lr=5e-4)
    assert_equal_runs(preview, recorded)
    np.testing.assert_array_equal(recorded, saved[3:])  # trained as if learning_rate were still 1e-3
    assert pitfalls(preview) == ["saved lr kept"] and preview.group_lrs == (1e-3, 1e-3)


def test_a_checkpoint_without_optimizer_state_restarts_the_schedule_and_is_flagged(tmp_path):
    first_run(tmp_path, save_only_model=True)
    assert not (tmp_path / "checkpoint-3" / "scheduler.pt").exists()
    preview, recorded = resumed(tmp_path / "checkpoint-3")
    assert_equal_runs(preview, recorded)
    assert recorded[0, 0] == 0.0  # warming up again from step 0, at global step 4
    assert pitfalls(preview) == ["schedule restarts"]


def test_resume_from_checkpoint_true_takes_the_newest_checkpoint(tmp_path):
    first_run(tmp_path, num_train_epochs=1)  # checkpoints 3 and 5
    trainer, recorder = make_trainer(tmp_path, 40, **{**PLAN, "num_train_epochs": 3})
    preview = preview_run(trainer, resume_from_checkpoint=True)
    trainer.train(resume_from_checkpoint=True)
    assert_equal_runs(preview, np.array(recorder.lrs))
    assert preview.start_step == 5 and "checkpoint-5" in preview.derivation[-3]


def test_a_checkpoint_past_the_new_plan_trains_what_train_trains(tmp_path):
    first_run(tmp_path)
    preview, recorded = resumed(tmp_path / "checkpoint-9", num_train_epochs=1)  # step 9 of a 5-step plan
    assert_equal_runs(preview, recorded)
    assert "nothing to resume" in pitfalls(preview)


@pytest.mark.parametrize("checkpoint, words", [
    ("no-such-folder", "is not a checkpoint folder"),
    (True, "No valid checkpoint found"),
])
def test_a_checkpoint_train_refuses_is_refused(tmp_path, checkpoint, words):
    trainer, _ = make_trainer(tmp_path / "empty", 40, **PLAN)
    path = str(tmp_path / checkpoint) if isinstance(checkpoint, str) else checkpoint
    with pytest.raises(ValueError, match=words):
        preview_run(trainer, resume_from_checkpoint=path)
    with pytest.raises((ValueError, FileNotFoundError)):
        trainer.train(resume_from_checkpoint=path)


def test_a_saved_optimizer_that_does_not_fit_is_refused_as_train_refuses_it(tmp_path):
    first_run(tmp_path)
    trainer, _ = make_trainer(tmp_path / "other", 40, group_lrs=(1e-3,), **PLAN)  # one group, not two
    trainer.optimizer = torch.optim.AdamW(trainer.model.parameters(), lr=1e-3)
    with pytest.raises(ValueError, match="does not fit"):
        preview_run(trainer, resume_from_checkpoint=tmp_path / "checkpoint-3")
    with pytest.raises(ValueError, match="parameter group"):
        trainer.train(resume_from_checkpoint=str(tmp_path / "checkpoint-3"))


@st.composite
def resumes(draw):
    """A first plan that saves checkpoints, and the arguments of the run that resumes from one of them."""
    name = draw(st.sampled_from(lrlib.CURVE_NAMES))
    first = dict(per_device_train_batch_size=draw(st.integers(2, 8)), gradient_accumulation_steps=draw(st.integers(1, 2)),
                 num_train_epochs=draw(st.sampled_from([1, 2, 2.5])), warmup_steps=draw(st.sampled_from([0, 1, 2, 0.2])),
                 lr_scheduler_type=name, lr_scheduler_kwargs=draw(SCHEDULE_KWARGS[name]),
                 save_steps=draw(st.integers(1, 4)), save_only_model=draw(st.sampled_from([False] * 5 + [True])))
    changes = draw(st.fixed_dictionaries({}, optional={
        "num_train_epochs": st.sampled_from([1, 2, 3]), "max_steps": st.integers(2, 14),
        "per_device_train_batch_size": st.integers(2, 8), "gradient_accumulation_steps": st.integers(1, 3),
        "warmup_steps": st.sampled_from([0, 3, 0.3]), "lr": st.sampled_from([1e-3, 3e-3]),
        "ignore_data_skip": st.booleans(), "groups_by": st.sampled_from(GROUPS_BY)}))
    return dict(num_examples=draw(st.integers(6, 24)), first=first, second={**first, **changes},
                checkpoint=draw(st.integers(0, 10)), groups_by=draw(st.sampled_from(GROUPS_BY)))


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=resumes())
def test_a_resumed_run_equals_its_preview(case):
    groups = dict(group_lrs=(1e-3, 2e-4))
    with tempfile.TemporaryDirectory() as first_dir, tempfile.TemporaryDirectory() as second_dir:
        first_options = {"groups_by": case["groups_by"], **groups, **case["first"]}
        if first_options["groups_by"] == "Trainer's own":
            first_options.pop("group_lrs")
        trainer, _ = make_trainer(first_dir, case["num_examples"], save_strategy="steps", **first_options)
        try:
            preview_run(trainer)
        except (ValueError, TypeError):
            return  # a plan lrlib refuses: test_preview_properties.py
        trainer.train()
        checkpoints = sorted((name for name in os.listdir(first_dir) if name.startswith("checkpoint-")),
                             key=lambda name: int(name.split("-")[1]))
        checkpoint = os.path.join(first_dir, checkpoints[case["checkpoint"] % len(checkpoints)])
        second = {"groups_by": case["groups_by"], **groups, **case["second"]}
        second.pop("save_steps")
        if second["groups_by"] == "Trainer's own":
            second.pop("group_lrs")
        trainer, recorder = make_trainer(second_dir, case["num_examples"], **second)
        try:
            preview_run(trainer)
        except (ValueError, TypeError):
            return  # the new plan itself is one lrlib refuses: test_preview_properties.py
        try:
            preview = preview_run(trainer, resume_from_checkpoint=checkpoint)
        except (ValueError, TypeError) as refusal:
            preview = refusal
        try:
            trainer.train(resume_from_checkpoint=checkpoint)
            recorded = np.array(recorder.lrs, dtype=np.float64).reshape(len(recorder.lrs), -1 if recorder.lrs else 0)
        except Exception as error:  # noqa: BLE001 - what train() does with the input is the point
            recorded = error
    if isinstance(recorded, Exception):
        event("train() fails: the preview refuses or flags it")
        assert isinstance(preview, Exception) or "optimizer state mismatch" in pitfalls(preview), recorded
        return
    assert not isinstance(preview, Exception), preview
    event("compared" + (", flagged" if preview.flags else ""))
    assert_equal_runs(preview, recorded)
