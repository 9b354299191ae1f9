"""preview_run explains its count, flags the pitfalls the collection teaches, touches nothing, and refuses
what train() refuses. That it equals a real Trainer's lrs step for step is tested with the other Trainer
plans in test_trainer.py, on drawn plans in test_preview_properties.py, and for resumed runs in
test_preview_resume.py."""

import copy
import random
import types
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from trainer_support import IgnoredOverrideTrainer, OwnScheduleTrainer, Stream, TinyRegression, examples, make_trainer

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
    # The Trainer's own AdamW has two groups at learning_rate (with and without weight decay); the plan, one.
    assert from_trainer.lrs.shape == (15, 2) and from_args.lrs.shape == (15, 1)
    np.testing.assert_array_equal(np.broadcast_to(from_args.lrs, (15, 2)), from_trainer.lrs)


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
    assert ("given as a learning rate, divided by optimizer.defaults['lr']=0.001, and applied as a ratio to "
            "every group" in flag.message)
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


# ---------------------------------------------------------------- a Trainer: its own construction, on copies


def same(a, b):
    """Equal, tensors and arrays included, nested in dicts, lists and tuples."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and torch.equal(a, b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def raw(optimizer):
    return getattr(optimizer, "optimizer", optimizer)


def snapshot(trainer):
    """What a preview must leave as it was: the model, optimizer, scheduler, arguments, the trainer's
    attributes, the accelerator's registry of loaders, and every random generator."""
    optimizer, scheduler = trainer.optimizer, trainer.lr_scheduler
    cls_and_kwargs = trainer.optimizer_cls_and_kwargs
    return {
        "model": copy.deepcopy(trainer.model.state_dict()),
        "optimizer": None if optimizer is None else (copy.deepcopy(optimizer.state_dict()), sorted(vars(raw(optimizer)))),
        "scheduler": None if scheduler is None else copy.deepcopy(scheduler.state_dict()),
        "args": trainer.args.to_dict(),
        "attributes": {key: id(value) for key, value in vars(trainer).items()},
        "state": (trainer._created_lr_scheduler, trainer.state.global_step, trainer._train_batch_size),
        "loaders": len(trainer.accelerator._dataloaders),
        "optimizer_cls_and_kwargs": None if cls_and_kwargs is None else sorted(cls_and_kwargs[1]),
        "rng": (torch.get_rng_state(), random.getstate(), np.random.get_state()),
    }


def given_scheduler(trainer):
    trainer.lr_scheduler = torch.optim.lr_scheduler.StepLR(trainer.optimizer, step_size=2, gamma=0.5)


SITUATIONS = {
    "the Trainer's own optimizer": dict(),
    "optimizers=(optimizer, scheduler)": dict(group_lrs=(1e-3, 2e-4), then=given_scheduler),
    "optimizer_cls_and_kwargs with params": dict(group_lrs=(1e-3, 2e-4), groups_by="optimizer_cls_and_kwargs"),
    "a create_optimizer override": dict(group_lrs=(1e-3, 2e-4), groups_by="create_optimizer override"),
    "a create_scheduler override": dict(trainer_class=OwnScheduleTrainer),
    "trained once": dict(then=lambda trainer: trainer.train()),
    "trained once, then resumed": dict(save_strategy="steps", save_steps=2, then=lambda trainer: trainer.train(),
                                       resume_from_checkpoint="checkpoint-2"),
}


@pytest.mark.parametrize("situation", SITUATIONS.values(), ids=SITUATIONS.keys())
def test_the_preview_leaves_trainer_model_optimizer_scheduler_and_random_state_as_they_were(situation, tmp_path):
    situation = dict(situation)
    then, checkpoint = situation.pop("then", None), situation.pop("resume_from_checkpoint", None)
    trainer, _ = make_trainer(tmp_path, 24, per_device_train_batch_size=4, num_train_epochs=2, warmup_steps=2,
                              lr_scheduler_type="cosine", **situation)
    if then is not None:
        then(trainer)
    before = snapshot(trainer)
    options = {} if checkpoint is None else {"resume_from_checkpoint": tmp_path / checkpoint}
    preview = preview_run(trainer, **options)
    assert len(preview.lrs) > 0
    after = snapshot(trainer)
    for part in before:
        assert same(before[part], after[part]), part


def test_a_create_optimizer_and_scheduler_override_is_flagged_because_train_never_calls_it(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=2,
                                     trainer_class=IgnoredOverrideTrainer)
    preview = preview_run(trainer)
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))
    assert max(max(row) for row in recorder.lrs) == 1e-3  # the override's lr of 0.5 never trained
    assert [flag.pitfall for flag in preview.flags] == ["override not called"]


def test_a_scheduler_given_without_its_optimizer_is_flagged_and_the_trainers_lr_shown(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=1)
    elsewhere = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    trainer.lr_scheduler = torch.optim.lr_scheduler.StepLR(elsewhere, step_size=1, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        preview = preview_run(trainer)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler\.step\(\)` before `optimizer\.step\(\)`"):
        trainer.train()  # torch notices that the scheduler's optimizer never steps
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))
    assert (preview.lrs == 1e-3).all() and "scheduler on another optimizer" in flags(preview)


def test_a_run_shorter_than_the_warmup_of_inverse_sqrt_is_flagged(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=1,
                                     warmup_steps=8, lr_scheduler_type="inverse_sqrt")
    preview = preview_run(trainer)
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))
    assert flags(preview) == ["ends during warmup"] and preview.lrs.max() < 1e-3


def test_steps_the_run_cannot_know_in_advance_are_flagged(tmp_path):
    trainer, _ = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=1)
    trainer.args.fp16, trainer.args.auto_find_batch_size = True, True  # set after the Trainer exists: CPU only here
    assert flags(preview_run(trainer)) == ["may skip steps", "batch size may change"]
    stream, _ = make_trainer(tmp_path, 40, per_device_train_batch_size=8, max_steps=6, dataset="iterable",
                             gradient_accumulation_steps=2)
    (flag,) = preview_run(stream).flags
    assert flag.pitfall == "length unknown" and "at least gradient_accumulation_steps=2 batches" in flag.message


def test_a_trainer_with_model_init_is_previewed_with_a_new_optimizer_at_each_train(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=1)
    trainer.model_init = TinyRegression
    trainer.train()
    trainer.args.learning_rate = 3e-3  # used: model_init makes train() build a new optimizer
    preview = preview_run(trainer)
    recorder.lrs.clear()
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))
    assert preview.lrs.max() == 3e-3 and "model_init" in preview.derivation[-1]


# ---------------------------------------------------------------- what train() refuses, the preview refuses


def train_outcome(trainer, recorder):
    """What train() does: the exception it raises, or the number of optimizer steps it takes."""
    try:
        trainer.train()
    except Exception as error:  # noqa: BLE001 - whatever train() does is what the preview is compared with
        return error
    return len(recorder.lrs)


REFUSED = {
    "train_dataset=None": (dict(), lambda t: setattr(t, "train_dataset", None), ValueError,
                           "training requires a train_dataset.*train_dataset=dataset"),
    "train_dataset=None with max_steps": (dict(max_steps=5), lambda t: setattr(t, "train_dataset", None), ValueError,
                                          "training requires a train_dataset.*with or without max_steps"),
    "a str for a dataset": (dict(), lambda t: setattr(t, "train_dataset", "imdb"), TypeError,
                            "train_dataset='imdb' is a str, not a dataset.*load_dataset"),
    "a str for a dataset, with max_steps": (dict(max_steps=3), lambda t: setattr(t, "train_dataset", "imdb"),
                                            TypeError, "train_dataset='imdb' is a str"),
    "an empty dataset": (dict(), lambda t: setattr(t, "train_dataset", []), ValueError, "train_dataset is empty"),
    "drop_last with fewer examples than a batch": (dict(dataloader_drop_last=True), lambda t: setattr(
        t, "train_dataset", examples(5)), ValueError, "dataloader_drop_last=True with 5 example.*not one full batch"),
    "drop_last with fewer examples than a batch, with max_steps": (
        dict(dataloader_drop_last=True, max_steps=4), lambda t: setattr(t, "train_dataset", examples(5)), ValueError,
        "dataloader_drop_last=True with 5.*stops at step 0"),
    "a dataset without a length, without max_steps": (dict(), lambda t: setattr(t, "train_dataset", Stream(40)),
                                                      ValueError, "max_steps must be set to a positive value"),
    "lr_scheduler_kwargs set to a list": (dict(), lambda t: setattr(t.args, "lr_scheduler_kwargs", [("power", 2.0)]),
                                          TypeError, "lr_scheduler_kwargs must be a mapping"),
    "lr_scheduler_kwargs set to a string": (dict(lr_scheduler_type="cosine"), lambda t: setattr(
        t.args, "lr_scheduler_kwargs", '{"num_cycles": 1}'), TypeError, "lr_scheduler_kwargs=.* is a string"),
}


@pytest.mark.parametrize("arguments, spoil, error, words", REFUSED.values(), ids=REFUSED.keys())
def test_what_train_refuses_the_preview_refuses_naming_the_argument(arguments, spoil, error, words, tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, **arguments)
    spoil(trainer)
    with pytest.raises(error, match=words):
        preview_run(trainer)
    outcome = train_outcome(trainer, recorder)
    assert isinstance(outcome, Exception) or outcome == 0, f"train() took {outcome} steps"


@pytest.mark.parametrize("max_steps", [-1, 5])
def test_the_advice_for_a_missing_dataset_fixes_it(max_steps, tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, max_steps=max_steps)
    trainer.train_dataset = None
    with pytest.raises(ValueError, match=r"trainer\.train_dataset = dataset"):
        preview_run(trainer)
    trainer.train_dataset = examples(40)  # as advised
    preview = preview_run(trainer)
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))


def test_the_advice_for_drop_last_fixes_it(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 5, per_device_train_batch_size=8, dataloader_drop_last=True)
    with pytest.raises(ValueError, match="set dataloader_drop_last=False"):
        preview_run(trainer)
    trainer.args.dataloader_drop_last = False
    preview = preview_run(trainer)
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))


def test_what_cannot_be_previewed_is_refused_with_the_reason(tmp_path):
    trainer, _ = make_trainer(tmp_path, 40, per_device_train_batch_size=8)
    trainer.args.lr_scheduler_type = "reduce_lr_on_plateau"  # TrainingArguments wants an eval strategy with it
    with pytest.raises(ValueError, match="has no curve: its lr depends on a metric"):
        preview_run(trainer)
    trainer, _ = make_trainer(tmp_path, 40, per_device_train_batch_size=8)
    trainer.create_optimizer = lambda model=None: None  # a function that could act on the trainer itself
    with pytest.raises(ValueError, match="replaced on the instance"):
        preview_run(trainer)


def test_a_method_bound_to_the_trainer_runs_on_the_copy(tmp_path):
    trainer, recorder = make_trainer(tmp_path, 40, per_device_train_batch_size=8, num_train_epochs=1)

    def create_optimizer(self, model=None):
        if self.optimizer is None:
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.25)
        return self.optimizer

    trainer.create_optimizer = types.MethodType(create_optimizer, trainer)
    preview = preview_run(trainer)
    assert trainer.optimizer is None
    trainer.train()
    np.testing.assert_array_equal(preview.lrs, np.array(recorder.lrs))


def test_only_a_transformers_trainer_is_previewed_as_one():
    with pytest.raises(TypeError, match="takes a transformers Trainer"):
        preview_run(SimpleNamespace(args=None, train_dataset=[]))
    with pytest.raises(TypeError, match="takes only resume_from_checkpoint"):
        preview_run(make_trainer("unused", 8, per_device_train_batch_size=8)[0], num_examples=8)
