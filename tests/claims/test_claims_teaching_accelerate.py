"""The instructor's guide's accelerate claim on two real processes (docs/teaching.md, "The mistakes learners
make"): under ``accelerator.accumulate`` a prepared scheduler moves ``num_processes`` steps per optimizer step and
none on the batches that only accumulate, so it needs ``num_processes`` × the per-process optimizer steps; with
``step_with_optimizer=False`` (``Accelerator(step_scheduler_with_optimizer=False)``) every ``scheduler.step()``
moves it one step, the accumulating batches included.

The two processes run in a child Python (``accelerate.notebook_launcher``, gloo on 127.0.0.1), as in
tests/test_accelerate.py, so the test is bounded in time and no accelerate state leaks into the test process.
"""

import json
import math
import os
import pathlib
import signal
import socket
import subprocess
import sys

import pytest

PROCESSES, BATCHES_PER_PROCESS, ACCUMULATION = 2, 10, 4
TIMEOUT_SECONDS = 180


def worker(results_dir):
    """One process: the same loop twice, the scheduler prepared by accelerate, then wrapped without the optimizer link."""
    import torch
    from accelerate import Accelerator
    from accelerate.scheduler import AcceleratedScheduler
    from torch import nn

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
        optimizer_steps = 0
        for inputs in loader:
            with accelerator.accumulate(model):
                accelerator.backward(model(inputs).sum())
                optimizer_steps += accelerator.sync_gradients
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
        results[label] = {"batches": len(loader), "optimizer_steps": optimizer_steps,
                          "schedule_steps": scheduler.scheduler.last_epoch}
    path = pathlib.Path(results_dir) / f"rank{accelerator.process_index}.json"
    path.write_text(json.dumps(results))


def launch(results_dir):
    from accelerate import notebook_launcher
    from accelerate.utils import patch_environment

    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    loopback = "lo" if sys.platform == "linux" else "lo0"
    with patch_environment(omp_num_threads=1, gloo_socket_ifname=loopback):
        notebook_launcher(worker, args=(results_dir,), num_processes=PROCESSES, use_port=port,
                          master_addr="127.0.0.1")


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    results_dir = tmp_path_factory.mktemp("accelerate_accumulate")
    child = subprocess.Popen([sys.executable, __file__, str(results_dir)], start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=pathlib.Path(__file__).resolve().parents[2])
    try:
        _, errors = child.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail(f"the two-process run took longer than {TIMEOUT_SECONDS} s")
    assert child.returncode == 0, errors
    return [json.loads((results_dir / f"rank{rank}.json").read_text()) for rank in range(PROCESSES)]


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
    launch(sys.argv[1])
