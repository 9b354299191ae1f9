"""Claims behind notebook 13's answers (Check yourself), checked against transformers, torch and the
notebook's own code listings, not only against lrlib."""

import math
import pathlib
import re

import nbformat
import pytest
import torch
import transformers
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import lrlib
from lrlib import course

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "13_check_yourself.ipynb"


def listing(question: int) -> str:
    """The code block of the notebook's question ``question``, as written there."""
    cell = next(c for c in nbformat.read(NOTEBOOK, as_version=4).cells
                if c.cell_type == "markdown" and f"**Question {question}.**" in c.source)
    return re.search(r"```python\n(.*?)```", cell.source, re.S).group(1)


def numbered_lines(question: int) -> dict[int, str]:
    """{line number: code} of a listing whose lines start with their number."""
    lines = {}
    for line in listing(question).splitlines():
        number, code = re.match(r"\s*(\d+)  (.*)$", line).groups()
        lines[int(number)] = code
    return lines


def first_lr(name, num_warmup_steps, lr=1e-3, num_training_steps=1000, **kwargs):
    optimizer = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=num_warmup_steps,
                                           num_training_steps=num_training_steps, scheduler_specific_kwargs=kwargs)
    return optimizer, scheduler


def test_cosine_with_one_cycle_is_at_0_halfway_through_the_decay_and_back_at_the_peak_at_the_last_step():
    _, scheduler = first_lr("cosine", 100, num_cycles=1.0)
    lrs = lrlib.trace(scheduler, 1001)[:, 0]
    assert lrs[550] == 0.0 and math.isclose(lrs[1000], 1e-3)


def test_cosine_with_three_hard_restarts_jumps_back_to_the_peak_at_steps_400_and_700():
    _, scheduler = first_lr("cosine_with_restarts", 100, num_cycles=3)
    lrs = lrlib.trace(scheduler, 1000)[:, 0]
    jumps = [step for step in range(101, 1000) if lrs[step] > lrs[step - 1]]
    assert jumps == [400, 700] and math.isclose(lrs[700], 1e-3)


def test_the_first_optimizer_step_runs_at_0_after_a_warmup_and_at_the_peak_without_one_or_under_constant():
    firsts = [optimizer.param_groups[0]["lr"] for optimizer, _ in
              (first_lr("linear", 100), first_lr("linear", 0), first_lr("constant", 100))]
    assert firsts == [0.0, 1e-3, 1e-3]


def test_min_lr_rate_is_a_fraction_of_each_groups_own_lr_so_the_body_of_question_5_ends_at_2e_6():
    groups = [{"params": [nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (2e-5, 1e-4)]
    optimizer = torch.optim.AdamW(groups, lr=1e-4)
    scheduler = transformers.get_scheduler("cosine_with_min_lr", optimizer, num_warmup_steps=100,
                                           num_training_steps=1000, scheduler_specific_kwargs={"min_lr_rate": 0.1})
    for _ in range(1000):
        optimizer.step()
        scheduler.step()
    body, head = (group["lr"] for group in optimizer.param_groups)
    assert math.isclose(body, 2e-6) and math.isclose(head, 1e-5)
    assert course.check("13.body_floor", 2e-6).solved and not course.check("13.body_floor", 1e-5).solved


def test_the_loop_of_question_6_steps_the_optimizer_105_times():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    steps = []
    optimizer.register_step_post_hook(lambda *_: steps.append(1))
    namespace = {"DataLoader": DataLoader, "dataset": TensorDataset(torch.randn(2000, 3), torch.randn(2000, 1)),
                 "model": model, "loss_fn": nn.functional.mse_loss, "optimizer": optimizer,
                 "scheduler": torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)}
    exec(listing(6), namespace)
    assert len(steps) == 105 and course.check("13.loop_steps", len(steps)).solved


def test_the_trainer_reads_warmup_steps_0_1_as_a_ratio_of_its_48_steps_rounded_up_to_5(tmp_path):
    arguments = transformers.TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=16,
                                               gradient_accumulation_steps=4, num_train_epochs=3, warmup_steps=0.1,
                                               report_to=[], use_cpu=True)
    plan = lrlib.trainer_steps(num_examples=1000, per_device_train_batch_size=16, gradient_accumulation_steps=4,
                               num_train_epochs=3, warmup_steps=0.1)
    assert plan.num_training_steps == 48
    assert arguments.get_warmup_steps(48) == plan.num_warmup_steps == 5


def _prepared_linear_lrs(num_training_steps, monkeypatch, num_processes=4, optimizer_steps=48):
    """The lr of each optimizer step of a linear schedule (no warmup) wrapped in accelerate's own
    AcceleratedScheduler, run in one process with AcceleratorState().num_processes replaced by
    ``num_processes``; and the lr after the last step."""
    from accelerate import scheduler as accelerate_scheduler

    state = type("State", (), {"num_processes": num_processes})()
    monkeypatch.setattr(accelerate_scheduler, "AcceleratorState", lambda: state)
    optimizer = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1e-3)
    inner = transformers.get_scheduler("linear", optimizer, num_warmup_steps=0,
                                       num_training_steps=num_training_steps)
    prepared = accelerate_scheduler.AcceleratedScheduler(inner, optimizer)
    prepared.gradient_state = type("Synced", (), {"sync_gradients": True, "adjust_scheduler": False})()
    optimizer.step_was_skipped = False
    lrs = []
    for _ in range(optimizer_steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        prepared.step()
    return lrs, optimizer.param_groups[0]["lr"]


def test_a_prepared_scheduler_on_4_processes_needs_192_to_give_48_optimizer_steps_the_lrs_of_one_process_given_48(
        monkeypatch):
    _, one_process = first_lr("linear", 0, num_training_steps=48)
    single = lrlib.trace(one_process, 49)[:, 0]
    lrs, after = _prepared_linear_lrs(192, monkeypatch)
    assert all(math.isclose(a, b, abs_tol=1e-15) for a, b in zip(lrs, single[:48], strict=True))
    assert lrs[-1] > 0 and after == 0.0  # the schedule ends with the run
    per_process, _ = _prepared_linear_lrs(48, monkeypatch)
    assert sum(lr == 0.0 for lr in per_process) == 36  # given 48: used up after 12 of the 48 optimizer steps
    assert lrlib.training_steps(epochs=3, num_batches=16, world_size=4, prepared_by_accelerate=True) == 192
    assert course.check("13.prepared_count", 192).solved and not course.check("13.prepared_count", 48).solved


def _run_question_9(fixed: bool):
    lines = numbered_lines(9)
    if fixed:  # indent the scheduler's step under the `if`, next to optimizer.step()
        lines[9] = "    " + lines[9]
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    optimizer_steps = []
    optimizer.register_step_post_hook(lambda *_: optimizer_steps.append(1))
    loader = DataLoader(TensorDataset(torch.randn(3200, 3), torch.randn(3200, 1)), batch_size=32)
    namespace = {"EPOCHS": 5, "ACCUM": 4, "math": math, "get_scheduler": transformers.get_scheduler,
                 "train_loader": loader, "model": model, "optimizer": optimizer, "loss_fn": nn.functional.mse_loss}
    exec("\n".join(lines[number] for number in sorted(lines)), namespace)
    return namespace["num_training_steps"], len(optimizer_steps), namespace["scheduler"].last_epoch


def test_line_9_of_question_9_steps_the_scheduler_on_every_batch_and_indenting_it_fixes_the_loop():
    assert numbered_lines(9)[9].strip() == "scheduler.step()"
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):  # torch notices the first one only
        planned, optimizer_steps, scheduler_steps = _run_question_9(fixed=False)
    assert planned == optimizer_steps == 125 and scheduler_steps == 4 * 125
    assert _run_question_9(fixed=True) == (125, 125, 125)


def question(number: int) -> str:
    """The markdown of the notebook's question ``number``."""
    return next(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
                if c.cell_type == "markdown" and f"**Question {number}.**" in c.source)


def _cosine_run():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = transformers.get_scheduler("cosine", optimizer, num_warmup_steps=100, num_training_steps=1000)
    return model, optimizer, scheduler


def _train(model, optimizer, scheduler, steps):
    for _ in range(steps):
        model(torch.ones(1, 3)).sum().backward()
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()


def test_the_resume_of_question_10_repeats_the_warmup_so_50_steps_later_the_lr_is_5e_4_not_3_3e_4(
        tmp_path, monkeypatch):
    model, optimizer, scheduler = _cosine_run()
    _train(model, optimizer, scheduler, 600)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, tmp_path / "step600.pt")
    _train(model, optimizer, scheduler, 50)
    uninterrupted = optimizer.param_groups[0]["lr"]

    torch.manual_seed(1)  # a new process: model and optimizer built again
    fresh_model = nn.Linear(3, 1)
    fresh_optimizer = torch.optim.AdamW(fresh_model.parameters(), lr=1e-3)
    namespace = {"torch": torch, "model": fresh_model, "optimizer": fresh_optimizer,
                 "get_scheduler": transformers.get_scheduler}
    monkeypatch.chdir(tmp_path)
    exec(listing(10), namespace)
    assert fresh_optimizer.param_groups[0]["lr"] == 0.0  # the warmup starts over at once
    _train(fresh_model, fresh_optimizer, namespace["scheduler"], 50)
    resumed = fresh_optimizer.param_groups[0]["lr"]
    assert math.isclose(resumed, 5e-4) and round(uninterrupted, 5) == 3.3e-4
    assert course.check("13.resume_without_scheduler", resumed).solved


def test_wsd_of_question_11_is_at_the_peak_at_1000_halfway_down_at_1800_and_stays_at_0_after_its_end():
    def lrs(name, **specific):
        optimizer = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=1e-3)
        scheduler = transformers.get_scheduler(name, optimizer, num_warmup_steps=100, num_training_steps=2000,
                                               scheduler_specific_kwargs=specific or None)
        curve = lrlib.trace(scheduler, 2501)[:, 0]
        return curve, [curve[step] for step in (1000, 1800, 2500)]

    wsd, at_steps = lrs("warmup_stable_decay", num_decay_steps=400)
    assert math.isclose(at_steps[0], 1e-3) and math.isclose(at_steps[1], 5e-4) and at_steps[2] == 0.0
    assert wsd[1600] == 1e-3 and wsd[1601] < 1e-3 and wsd[2000:].max() == 0.0  # the decay is steps 1600 to 2000
    _, cosine = lrs("cosine")
    assert [float(f"{lr:.1e}") for lr in cosine] == [5.4e-4, 2.7e-5, 1.6e-4]  # row D of the question
    assert course.check("13.wsd_phases", "B").solved


def test_reduce_lr_on_plateau_needs_no_step_count_and_halves_twice_on_the_losses_of_question_12():
    from lrlib.course.answers.nb13 import VAL_LOSSES

    assert ", ".join(map(str, VAL_LOSSES)) in question(12)
    optimizer = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=1e-3)
    scheduler = transformers.get_scheduler("reduce_lr_on_plateau", optimizer,
                                           scheduler_specific_kwargs={"factor": 0.5, "patience": 2})
    after_each_epoch = []
    for val_loss in VAL_LOSSES:
        scheduler.step(val_loss)
        after_each_epoch.append(optimizer.param_groups[0]["lr"])
    assert after_each_epoch == [1e-3] * 4 + [5e-4] * 3 + [2.5e-4]  # cut by the 5th and the 8th step
    assert course.check("13.plateau_lr", after_each_epoch[-1]).solved


def test_the_quiz_panels_are_the_transformers_calls_the_solutions_name_and_the_notebook_hides_them():
    from lrlib.course import quiz_curve

    calls = {"A": ("cosine_with_restarts", {"num_cycles": 2}), "B": ("cosine", {"num_cycles": 0.5}),
             "C": ("cosine", {"num_cycles": 1.5}), "D": ("cosine", {"num_cycles": 1.0})}
    for letter, (name, specific) in calls.items():
        _, scheduler = first_lr(name, 100, lr=1.0, **specific)
        assert max(abs(a - b) for a, b in zip(lrlib.trace(scheduler, 1000)[:, 0], quiz_curve(letter))) < 1e-12
    _, scheduler = first_lr("polynomial", 100, lr=1.0, power=2.0)
    assert max(abs(a - b) for a, b in zip(lrlib.trace(scheduler, 1200)[:, 0], quiz_curve("mystery", 1200))) < 1e-12
    assert course.check("13.num_cycles_curve", "D").solved and course.check("13.mystery_schedule", "polynomial").solved
    code = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    assert not any("answers" in source for source in code)
    plots = [source for source in code if "quiz_curve(" in source]
    assert len(plots) == 2 and not any(name in source for source in plots for name in lrlib.CURVE_NAMES)
