"""The source article's plotting script (its section 7), restated in our own code from its figures.

What the script does, as docs/claims.md records it (read against the article): 50 epochs, a batch
size of 32, the example count written as the literal 1235 (``len(train_loader)`` appears only in a
comment), the step count ``epochs * ceil(count / batch_size)``, and a loop that for every batch steps
the optimizer, then the scheduler, then appends param group 0's lr. Nothing of the article's text or
code is copied here; the claims tests run this restatement against lrlib, torch and transformers.
"""

import math

import torch
import transformers
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 50
BATCH_SIZE = 32
EXAMPLES = 1235  # the literal the script uses for its example count


def planned_steps(count: int) -> int:
    """The script's step count for ``count``, which it means to be a number of examples."""
    return EPOCHS * math.ceil(count / BATCH_SIZE)


def train_loader() -> DataLoader:
    """A loader over the script's examples in its batches: what ``len(train_loader)`` would measure."""
    return DataLoader(TensorDataset(torch.zeros(EXAMPLES, 1)), batch_size=BATCH_SIZE)


def plotted_learning_rates(name: str = "cosine", num_warmup_steps: int = 100) -> list[float]:
    """The curve the script plots: a fresh AdamW (lr 1e-3) on a small linear layer, transformers'
    scheduler over ``planned_steps(EXAMPLES)``, and for each batch of each epoch: optimizer step,
    scheduler step, then group 0's lr appended."""
    optimizer = torch.optim.AdamW(torch.nn.Linear(10, 2).parameters(), lr=1e-3)
    scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=num_warmup_steps,
                                           num_training_steps=planned_steps(EXAMPLES))
    plotted = []
    for _ in range(EPOCHS):
        for _ in range(0, EXAMPLES, BATCH_SIZE):
            optimizer.step()
            scheduler.step()
            plotted.append(optimizer.param_groups[0]["lr"])
    return plotted
