"""Two real processes on CPU: a schedule ends exactly at the last step when counted as lrlib says.

accelerate steps a *prepared* scheduler ``num_processes`` times per optimizer step (accelerate
1.15 ``AcceleratedScheduler.step``), so it needs the whole-run count; a plain DDP loop steps its own
scheduler once per optimizer step, so it needs the per-process count. ``lrlib.steps.training_steps``
gives each with ``prepared_by_accelerate``. The wrong count ends a prepared schedule P times too
early, and stretches a DDP schedule P times too long.

The two processes run in a child Python (tests/two_processes.py: ``accelerate.notebook_launcher``, gloo on
127.0.0.1), so the test is bounded in time and no accelerate state leaks into the test process.
"""

import json
import pathlib
import sys

import pytest
import two_processes

from lrlib.steps import training_steps

NUM_EXAMPLES, BATCH_SIZE, EPOCHS, PEAK = 330, 8, 2, 0.1
PROCESSES = two_processes.PROCESSES


def worker(results_dir, counts):
    """One process of the run: four short trainings, each recording the lr of every optimizer step."""
    import torch
    from accelerate import Accelerator
    from torch import nn
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    from lrlib.scheduler import get_scheduler

    accelerator = Accelerator(cpu=True)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(NUM_EXAMPLES, 4, generator=generator)
    dataset = TensorDataset(x, x.sum(dim=1, keepdim=True))
    results = {}
    for convention, label, num_training_steps in counts:
        torch.manual_seed(0)
        model = nn.Linear(4, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=PEAK)
        scheduler = get_scheduler("linear", optimizer, num_warmup_steps=0, num_training_steps=num_training_steps)
        if convention == "accelerate":
            loader = DataLoader(dataset, batch_size=BATCH_SIZE)
            model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
            sampler = None
        else:  # plain DDP: torch's own wrapper and sampler, the scheduler stepped by hand
            model = nn.parallel.DistributedDataParallel(model)
            sampler = DistributedSampler(dataset, shuffle=False)
            loader = DataLoader(dataset, batch_size=BATCH_SIZE, sampler=sampler)
        lrs = []
        for epoch in range(EPOCHS):
            if sampler is not None:
                sampler.set_epoch(epoch)
            for inputs, targets in loader:
                loss = nn.functional.mse_loss(model(inputs), targets)
                loss.backward()
                lrs.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
        results[f"{convention}/{label}"] = {"lrs": lrs, "final_lr": optimizer.param_groups[0]["lr"],
                                            "batches_per_process": len(loader)}
    path = pathlib.Path(results_dir) / f"rank{accelerator.process_index}.json"
    path.write_text(json.dumps(results))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    results_dir = tmp_path_factory.mktemp("accelerate")
    plan = dict(epochs=EPOCHS, num_examples=NUM_EXAMPLES, batch_size=BATCH_SIZE, world_size=PROCESSES)
    right_accelerate = training_steps(**plan, prepared_by_accelerate=True)
    right_ddp = training_steps(**plan)
    counts = [("accelerate", "right", right_accelerate), ("accelerate", "wrong", right_ddp),
              ("ddp", "right", right_ddp), ("ddp", "wrong", right_accelerate)]
    (results_dir / "counts.json").write_text(json.dumps(counts))
    ranks, errors = two_processes.run(__file__, results_dir)
    return {"counts": {f"{c}/{label}": t for c, label, t in counts}, "ranks": ranks, "stderr": errors}


@pytest.mark.environment
def test_the_counts_differ_by_the_number_of_processes(runs):
    counts = runs["counts"]
    assert counts["accelerate/right"] == PROCESSES * counts["ddp/right"] == 2 * 2 * 21


@pytest.mark.environment
def test_a_prepared_scheduler_counted_as_lrlib_says_ends_exactly_at_the_last_step(runs):
    for rank in runs["ranks"]:
        run = rank["accelerate/right"]
        assert len(run["lrs"]) == EPOCHS * run["batches_per_process"] == 42
        assert run["lrs"][-1] > 0
        assert run["final_lr"] == 0.0
        # the count from len(loader) after prepare, as the docstring says, is the same
        assert training_steps(epochs=EPOCHS, num_batches=run["batches_per_process"], world_size=PROCESSES,
                              prepared_by_accelerate=True) == runs["counts"]["accelerate/right"]


@pytest.mark.environment
def test_a_plain_ddp_scheduler_counted_per_process_ends_exactly_at_the_last_step(runs):
    for rank in runs["ranks"]:
        run = rank["ddp/right"]
        assert len(run["lrs"]) == runs["counts"]["ddp/right"] == training_steps(epochs=EPOCHS, num_batches=run["batches_per_process"])
        assert run["lrs"][-1] > 0
        assert run["final_lr"] == 0.0


@pytest.mark.environment
def test_a_prepared_scheduler_given_the_per_process_count_ends_p_times_too_early(runs):
    for rank in runs["ranks"]:
        lrs = rank["accelerate/wrong"]["lrs"]
        at_zero = sum(lr == 0.0 for lr in lrs)
        assert at_zero == len(lrs) - len(lrs) // PROCESSES   # the second half of the run at lr = 0


@pytest.mark.environment
def test_a_ddp_scheduler_given_the_whole_run_count_stops_halfway_down(runs):
    for rank in runs["ranks"]:
        run = rank["ddp/wrong"]
        assert run["final_lr"] == pytest.approx(PEAK / PROCESSES)


@pytest.mark.environment
def test_the_run_prints_no_warning(runs):
    assert "Warning" not in runs["stderr"]


def test_world_size_with_num_batches_is_refused_unless_the_scheduler_is_prepared():
    with pytest.raises(ValueError, match=r"world_size=2 has no effect with num_batches=20.*prepared_by_accelerate=True"):
        training_steps(epochs=2, num_batches=20, world_size=2)
    assert training_steps(epochs=2, num_batches=20, world_size=2, prepared_by_accelerate=True) == 80


def test_prepared_by_accelerate_must_be_a_bool_and_the_message_says_what_each_value_means():
    with pytest.raises(TypeError, match=r"prepared_by_accelerate must be True \(the scheduler goes through "
                                        r"Accelerator.prepare\) or False .* got 'yes' \(str\)"):
        training_steps(epochs=2, num_batches=20, prepared_by_accelerate="yes")


def test_one_process_counts_the_same_under_both_conventions():
    assert training_steps(epochs=3, num_examples=100, batch_size=8, prepared_by_accelerate=True) == \
        training_steps(epochs=3, num_examples=100, batch_size=8) == 39


if __name__ == "__main__":
    directory = sys.argv[1]
    counts_read = [tuple(c) for c in json.loads((pathlib.Path(directory) / "counts.json").read_text())]
    two_processes.launch(worker, directory, counts_read)
