"""Library behaviour the instructor's guide (docs/teaching.md) states beyond what the notebooks test."""

import math

import torch
from torch import nn


def test_under_accelerate_accumulation_a_prepared_scheduler_moves_only_on_the_batches_that_step_the_optimizer():
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, GradientState

    from lrlib.scheduler import get_scheduler

    batches, accumulation = 10, 4
    try:
        accelerator = Accelerator(cpu=True, gradient_accumulation_steps=accumulation)
        model = nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = get_scheduler("linear", optimizer, num_warmup_steps=0, num_training_steps=100)
        loader = torch.utils.data.DataLoader(torch.randn(batches, 2), batch_size=1)
        model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
        optimizer_steps = 0
        for inputs in loader:
            with accelerator.accumulate(model):
                accelerator.backward(model(inputs).sum())
                optimizer_steps += accelerator.sync_gradients
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
        # one process: one schedule step per optimizer step, the last, partial window included
        assert optimizer_steps == math.ceil(batches / accumulation) == scheduler.scheduler.last_epoch == 3
    finally:
        AcceleratorState._reset_state(reset_partial_state=True)
        GradientState._reset_state()
