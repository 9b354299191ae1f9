"""A real transformers Trainer on a tiny model, and a callback that reads the lr of every optimizer step."""

import torch
from torch import nn
from transformers import Trainer, TrainerCallback, TrainingArguments
from transformers.trainer_callback import PrinterCallback


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


def make_trainer(output_dir, num_examples, *, lr=1e-3, group_lrs=None, **arguments):
    """A Trainer (CPU, no saving, no logging) and its lr recorder; ``group_lrs`` gives it an AdamW with two groups."""
    torch.manual_seed(0)
    model = TinyRegression()
    optimizers = (None, None)
    if group_lrs is not None:
        groups = [{"params": layer.parameters(), "lr": value} for layer, value in zip([model.hidden, model.out], group_lrs)]
        optimizers = (torch.optim.AdamW(groups, lr=group_lrs[0]), None)
    recorder = RecordLRs()
    args = TrainingArguments(output_dir=str(output_dir), report_to="none", save_strategy="no", logging_strategy="no",
                             disable_tqdm=True, use_cpu=True, learning_rate=lr, seed=0, **arguments)
    trainer = Trainer(model=model, args=args, train_dataset=examples(num_examples), callbacks=[recorder],
                      optimizers=optimizers)
    trainer.remove_callback(PrinterCallback)
    return trainer, recorder
