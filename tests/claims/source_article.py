"""The two pieces of the source article's script that claims of notebooks 00, 03 and 09 are about,
quoted verbatim so that the tests run them as the article wrote them, on any machine.

Source: "transformers进行学习率调整lr_scheduler(warmup)", section 7 (可视化学习率过程), its plotting
script: https://blog.csdn.net/qq_34950042/article/details/140648589. The article's text is not ours;
these twelve lines are quoted for testing what the notebooks say about them.
"""

import math

import torch
import transformers
from torch.utils.data import DataLoader, TensorDataset

STEP_COUNT = """\
epochs = 50
batch_size = 32
#train_loader = ***
#num_train_loader = len(train_loader)
num_train_loader = 1235

num_training_steps = epochs * math.ceil(num_train_loader/batch_size) # 总的训练步数
"""

PLOT_LOOP = """\
for epoch in range(epochs):
    # for batch in train_loader:
    for step in range(0, num_train_loader, batch_size):
        optimizer.step()
        scheduler.step()
        learning_rates.append(optimizer.param_groups[0]['lr'])
"""

COMMENTED_VARIANT = "#num_train_loader = len(train_loader)"


def step_count() -> dict:
    """The names the article's step count sets, run as written."""
    names = {"math": math}
    exec(STEP_COUNT, names)
    return names


def step_count_with_len_train_loader() -> dict:
    """The step count with its commented-out line in use: ``train_loader`` a real DataLoader over the
    article's number of examples, and the literal line it stands in for left out."""
    as_written = step_count()
    examples = TensorDataset(torch.zeros(as_written["num_train_loader"], 1))
    lines = [line.lstrip("#") if line == COMMENTED_VARIANT else line for line in STEP_COUNT.splitlines()
             if not line.startswith("num_train_loader = ") and not line.startswith("#train_loader")]
    names = {"math": math, "train_loader": DataLoader(examples, batch_size=as_written["batch_size"])}
    exec("\n".join(lines), names)
    return names


def plotted_learning_rates(name: str = "cosine", num_warmup_steps: int = 100) -> list[float]:
    """What the article's loop appends: its own AdamW on ``nn.Linear(10, 2)`` at lr 1e-3 and
    transformers' scheduler over the article's step count, stepped by the quoted loop."""
    names = step_count()
    optimizer = torch.optim.AdamW(torch.nn.Linear(10, 2).parameters(), lr=1e-3)
    names.update(optimizer=optimizer, learning_rates=[], scheduler=transformers.get_scheduler(
        name, optimizer, num_warmup_steps=num_warmup_steps, num_training_steps=names["num_training_steps"]))
    exec(PLOT_LOOP, names)
    return names["learning_rates"]
