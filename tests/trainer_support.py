"""A real transformers Trainer on a tiny model, a callback that reads the lr of every optimizer step,
and the ways a Trainer gets its param groups, its scheduler and its data."""

import gc

import torch
from hypothesis import strategies as st
from torch import nn
from transformers import Trainer, TrainerCallback, TrainingArguments
from transformers.trainer_callback import PrinterCallback

import lrlib
from lrlib.schedules import WSD_TYPES

# train() starts with accelerate's free_memory(), a full gc.collect(): with transformers loaded it walks
# hundreds of thousands of objects, 0.2 to 0.7 s per run. The objects alive after these imports live as long
# as the test process anyway; frozen (ignored by the collector), they make each run take milliseconds.
gc.freeze()


class TinyRegression(nn.Module):
    """Two layers (so an optimizer can have two param groups) and a loss: what the Trainer needs."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 4)
        self.out = nn.Linear(4, 1)

    def forward(self, x, y):
        return {"loss": nn.functional.mse_loss(self.out(torch.tanh(self.hidden(x))).squeeze(-1), y)}


class RecordLRs(TrainerCallback):
    """Every param group's lr just before each optimizer step."""

    def __init__(self):
        self.lrs = []

    def on_pre_optimizer_step(self, args, state, control, optimizer=None, **kwargs):
        self.lrs.append([group["lr"] for group in optimizer.param_groups])


def examples(count):
    generator = torch.Generator().manual_seed(0)
    return [{"x": torch.randn(4, generator=generator), "y": torch.randn((), generator=generator)} for _ in range(count)]


class Stream(torch.utils.data.IterableDataset):
    """The examples as an iterable dataset, with or without a length."""

    def __init__(self, count):
        self.items = examples(count)

    def __iter__(self):
        return iter(self.items)


class SizedStream(Stream):
    def __len__(self):
        return len(self.items)


DATASETS = {"list": examples, "iterable": Stream, "iterable with len": SizedStream}


def layer_groups(model, lrs):
    """One param group per layer of ``TinyRegression``, at ``lrs``."""
    return [{"params": list(layer.parameters()), "lr": lr} for layer, lr in zip([model.hidden, model.out], lrs)]


class LayerwiseTrainer(Trainer):
    """Layer-wise lrs the common way: ``create_optimizer`` overridden (``group_lrs`` set on the class)."""

    group_lrs = (2e-3, 5e-4)

    def create_optimizer(self, model=None):
        if self.optimizer is None:
            self.optimizer = torch.optim.AdamW(layer_groups(self.model, self.group_lrs), lr=self.group_lrs[0])
        return self.optimizer


class OwnScheduleTrainer(Trainer):
    """``create_scheduler`` overridden: three steps of warmup, then 0.9 ** step, whatever the arguments say."""

    def create_scheduler(self, num_training_steps, optimizer=None):
        if self.lr_scheduler is None:
            self.lr_scheduler = torch.optim.lr_scheduler.LambdaLR(
                optimizer or self.optimizer, lambda step: min(1.0, (step + 1) / 3) * 0.9 ** step)
            self._created_lr_scheduler = True
        return self.lr_scheduler


class IgnoredOverrideTrainer(Trainer):
    """``create_optimizer_and_scheduler`` overridden: a constant lr of 0.5 that train() never builds."""

    def create_optimizer_and_scheduler(self, num_training_steps):
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.5)
        self.lr_scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda step: 1.0)


GROUPS_BY = ("Trainer's own", "optimizers=", "optimizer_cls_and_kwargs", "create_optimizer override")


def make_trainer(output_dir, num_examples, *, lr=1e-3, group_lrs=None, groups_by=None, dataset="list",
                 trainer_class=Trainer, **arguments):
    """A Trainer (CPU, no saving unless asked, no logging) and its lr recorder.

    ``group_lrs`` gives it two param groups at those lrs, by ``groups_by`` (one of ``GROUPS_BY``:
    an AdamW passed in ``optimizers=`` by default, its groups in ``optimizer_cls_and_kwargs``, or a
    subclass overriding ``create_optimizer``); ``dataset`` is a key of ``DATASETS``.
    """
    torch.manual_seed(0)
    model = TinyRegression()
    options = {}
    groups_by = groups_by or ("optimizers=" if group_lrs is not None else "Trainer's own")
    if groups_by == "optimizers=":
        options["optimizers"] = (torch.optim.AdamW(layer_groups(model, group_lrs), lr=group_lrs[0]), None)
    elif groups_by == "optimizer_cls_and_kwargs":
        options["optimizer_cls_and_kwargs"] = (torch.optim.AdamW, {"params": layer_groups(model, group_lrs),
                                                                   "lr": group_lrs[0]})
    elif groups_by == "create_optimizer override":
        trainer_class = type("Layerwise" + trainer_class.__name__, (LayerwiseTrainer, trainer_class),
                             {"group_lrs": tuple(group_lrs)})
    recorder = RecordLRs()
    arguments = {"save_strategy": "no", **arguments}
    args = TrainingArguments(output_dir=str(output_dir), report_to="none", logging_strategy="no",
                             disable_tqdm=True, use_cpu=True, learning_rate=lr, seed=0, **arguments)
    trainer = trainer_class(model=model, args=args, train_dataset=DATASETS[dataset](num_examples),
                            callbacks=[recorder], **options)
    trainer.remove_callback(PrinterCallback)
    return trainer, recorder


# Every schedule with a curve, with its own arguments drawn (hypothesis strategies, for lr_scheduler_kwargs).
CYCLES = st.sampled_from([0.5, 1.0, 1.5])
SCHEDULE_KWARGS = {
    "linear": st.just({}),
    "cosine": st.fixed_dictionaries({}, optional={"num_cycles": CYCLES}),
    "cosine_with_restarts": st.fixed_dictionaries({}, optional={"num_cycles": st.integers(1, 3)}),
    "polynomial": st.fixed_dictionaries({}, optional={"power": st.sampled_from([0.5, 1.0, 2.0]),
                                                      "lr_end": st.sampled_from([0.0, 1e-7, 1e-5])}),
    "constant": st.just({}),
    "constant_with_warmup": st.just({}),
    "inverse_sqrt": st.fixed_dictionaries({}, optional={"timescale": st.integers(1, 10)}),
    "cosine_with_min_lr": st.one_of(
        st.fixed_dictionaries({"min_lr_rate": st.sampled_from([0.0, 0.1, 0.5])}, optional={"num_cycles": CYCLES}),
        st.fixed_dictionaries({"min_lr": st.sampled_from([1e-5, 1e-4])})),
    "cosine_warmup_with_min_lr": st.fixed_dictionaries(
        {"min_lr_rate": st.sampled_from([0.1, 0.3])},
        optional={"warmup_lr_rate": st.sampled_from([0.0, 0.2]), "num_cycles": CYCLES}),
    "warmup_stable_decay": st.fixed_dictionaries(
        {"num_decay_steps": st.integers(0, 3)},
        optional={"warmup_type": st.sampled_from(WSD_TYPES), "decay_type": st.sampled_from(WSD_TYPES),
                  "min_lr_ratio": st.sampled_from([0.0, 0.1])}),
}
assert set(SCHEDULE_KWARGS) == set(lrlib.CURVE_NAMES)
