"""The instructor's guide's accelerate claim on two real processes (docs/teaching.md, "The mistakes learners
make"): under ``accelerator.accumulate`` a prepared scheduler moves ``num_processes`` steps per optimizer step and
none on the batches that only accumulate, so it needs ``num_processes`` × the per-process optimizer steps; with
``step_with_optimizer=False`` (``Accelerator(step_scheduler_with_optimizer=False)``) every ``scheduler.step()``
moves it one step, the accumulating batches included.

The two processes run in a child Python (tests/two_processes.py), as for tests/test_accelerate.py.
"""

import json
import math
import pathlib
import sys

import pytest
import two_processes

BATCHES_PER_PROCESS, ACCUMULATION = 10, 4
PROCESSES = two_processes.PROCESSES


def worker(results_dir):
    """One process: the same loop twice, the scheduler prepared by accelerate, then wrapped without the optimizer link."""
    import torch
    from accelerate import Accelerator
    from accelerate.scheduler import AcceleratedScheduler
    from torch import nn

    from support import train_accumulating

    from lrlib.scheduler import get_scheduler

    accelerator = Accelerator(cpu=True, gradient_accumulation_steps=ACCUMULATION)
    results = {}
    for label in ("prepared", "without the optimizer link"):
        torch.manual_seed(0)
        model = nn.Linear(2, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = get_scheduler("linear", optimizer, num_warmup_steps=0, num_training_steps=1000)
        loader = torch.utils.data.DataLoader(torch.randn(PROCESSES * BATCHES_PER_PROCESS, 2), batch_size=1)
        model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
        if label == "prepared":
            scheduler = accelerator.prepare(scheduler)
        else:
            scheduler = AcceleratedScheduler(scheduler, optimizer, step_with_optimizer=False)
        optimizer_steps = train_accumulating(accelerator, model, optimizer, scheduler, loader)
        results[label] = {"batches": len(loader), "optimizer_steps": optimizer_steps,
                          "schedule_steps": scheduler.scheduler.last_epoch}
    path = pathlib.Path(results_dir) / f"rank{accelerator.process_index}.json"
    path.write_text(json.dumps(results))


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    results_dir = tmp_path_factory.mktemp("accelerate_accumulate")
    return two_processes.run(__file__, results_dir)[0]


@pytest.mark.environment
def test_under_accumulation_on_two_processes_a_prepared_scheduler_moves_num_processes_steps_per_optimizer_step(ranks):
    for rank in ranks:
        run = rank["prepared"]
        assert run["batches"] == BATCHES_PER_PROCESS
        # the last, partial window steps the optimizer too: ceil(10 / 4) = 3 optimizer steps per process
        assert run["optimizer_steps"] == math.ceil(BATCHES_PER_PROCESS / ACCUMULATION) == 3
        assert run["schedule_steps"] == PROCESSES * run["optimizer_steps"] == 6


@pytest.mark.environment
def test_without_the_optimizer_link_every_scheduler_step_call_moves_the_schedule_accumulating_batches_included(ranks):
    for rank in ranks:
        run = rank["without the optimizer link"]
        assert run["schedule_steps"] == run["batches"] == BATCHES_PER_PROCESS


if __name__ == "__main__":
    two_processes.launch(worker, sys.argv[1])
