"""lrlib.ScheduleGuard: one warning per kind of loop/schedule mismatch, with the numbers."""

import gc
import json
import os
import subprocess
import sys
import textwrap
import warnings

import pytest
import torch
import transformers

import lrlib
from lrlib.guard import PROBLEMS

T = 20


def make_run(num_warmup_steps=4, num_training_steps=T, name="linear"):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = lrlib.get_scheduler(name, optimizer, num_warmup_steps=num_warmup_steps,
                                    num_training_steps=num_training_steps)
    return model, optimizer, scheduler


def train_step(model, optimizer, scale=1.0):
    loss = model(torch.ones(4, 3)).pow(2).mean() * scale
    loss.backward()


def run(loop, **run_arguments):
    """Run ``loop(model, optimizer, guard)`` and return the guard and the ScheduleWarnings it raised."""
    model, optimizer, scheduler = make_run(**run_arguments)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # torch's own order check fires in the buggy loops too; these tests are about the guard's.
        warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step..` before")
        with lrlib.ScheduleGuard(scheduler, T) as guard:
            loop(model, optimizer, guard)
    assert all(issubclass(w.category, lrlib.ScheduleWarning) for w in caught), [str(w.message) for w in caught]
    return guard, [str(w.message) for w in caught]


def correct_loop(steps):
    def loop(model, optimizer, guard):
        for _ in range(steps):
            optimizer.zero_grad()
            train_step(model, optimizer)
            optimizer.step()
            guard.step()
    return loop


def test_a_correct_loop_raises_no_warning_and_uses_the_whole_schedule():
    guard, caught = run(correct_loop(T))
    assert caught == []
    assert guard.summary() == "stepped 20 of 20 planned steps (100%); last lr 0 = 0% of peak"


def test_a_correct_accumulation_loop_raises_no_warning():
    def loop(model, optimizer, guard):
        for index in range(4 * T):
            train_step(model, optimizer, scale=0.25)
            if (index + 1) % 4 == 0:
                optimizer.step()
                optimizer.zero_grad()
                guard.step()
    guard, caught = run(loop)
    assert caught == []
    assert (guard.steps, guard.optimizer_steps) == (T, T)


def test_stepping_past_the_end_warns_once_with_the_numbers():
    guard, caught = run(correct_loop(T + 10))
    assert caught == [guard.warnings[0]]
    assert "step 21 > num_training_steps=20" in caught[0]
    assert "lrlib.training_steps" in caught[0]
    assert guard.summary().startswith("stepped 30 of 20 planned steps (150%)")


def test_stepping_the_scheduler_per_micro_batch_warns_once():
    def loop(model, optimizer, guard):
        for index in range(4 * 5):
            train_step(model, optimizer, scale=0.25)
            if (index + 1) % 4 == 0:
                optimizer.step()
                optimizer.zero_grad()
            guard.step()
    guard, caught = run(loop)
    assert len(caught) == 1
    assert caught[0].startswith("scheduler.step() ran 2 times without an optimizer.step() in between "
                                "(scheduler steps: 2, optimizer steps: 0)")
    assert "gradient accumulation" in caught[0]


def test_stepping_the_scheduler_once_per_epoch_warns_once():
    def loop(model, optimizer, guard):
        for _ in range(3):
            for _ in range(5):
                optimizer.zero_grad()
                train_step(model, optimizer)
                optimizer.step()
            guard.step()
    guard, caught = run(loop)
    assert len(caught) == 1
    assert caught[0].startswith("optimizer.step() ran 2 times without a scheduler.step() "
                                "(optimizer steps: 2, scheduler steps: 0)")
    assert "not once per epoch" in caught[0]


def test_stepping_the_scheduler_before_the_optimizer_warns_once():
    def loop(model, optimizer, guard):
        for _ in range(T):
            optimizer.zero_grad()
            train_step(model, optimizer)
            guard.step()
            optimizer.step()
    guard, caught = run(loop)
    assert len(caught) == 1
    assert caught[0].startswith("scheduler.step() was called before the first optimizer.step(), so the "
                                "schedule's first lr (0) was never used")


def checkpoint_after(steps):
    model, optimizer, scheduler = make_run()
    correct_loop(steps)(model, optimizer, scheduler)
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}


def resumed_run(checkpoint, load_scheduler, through_guard=False):
    model, optimizer, scheduler = make_run()
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    if load_scheduler and not through_guard:
        scheduler.load_state_dict(checkpoint["scheduler"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        guard = lrlib.ScheduleGuard(scheduler, T)
        if through_guard:
            guard.load_state_dict(checkpoint["scheduler"])
        correct_loop(T - 8)(model, optimizer, guard)
        guard.close()
    return guard, [str(w.message) for w in caught]


def test_resuming_without_the_scheduler_state_warns_that_warmup_starts_again():
    guard, caught = resumed_run(checkpoint_after(8), load_scheduler=False)
    assert len(caught) == 1
    assert caught[0].startswith("The optimizer had already taken 8 steps, but the schedule starts again at step 0")
    assert guard.summary().startswith("stepped 12 of 20 planned steps (60%)")


@pytest.mark.parametrize("through_guard", [False, True])
def test_resuming_with_the_scheduler_state_is_silent_and_exact(through_guard):
    guard, caught = resumed_run(checkpoint_after(8), load_scheduler=True, through_guard=through_guard)
    assert caught == []
    assert guard.summary() == "stepped 20 of 20 planned steps (100%); last lr 0 = 0% of peak"
    assert guard.get_last_lr() == [0.0]


def test_each_kind_warns_only_once_however_often_it_happens():
    def loop(model, optimizer, guard):
        for _ in range(3 * T):  # per-epoch stepping for three "epochs" and far past the end
            for _ in range(3):
                optimizer.step()
            guard.step()
            guard.step()
    guard, caught = run(loop)
    kinds = sorted(guard.counts.warned)
    assert kinds == ["optimizer_too_often", "past_end", "scheduler_too_often"]
    assert len(caught) == 3 == len(guard.warnings)
    assert set(kinds) <= set(PROBLEMS)


def test_guard_forwards_to_the_scheduler():
    _, optimizer, scheduler = make_run()
    guard = lrlib.ScheduleGuard(scheduler, T)
    optimizer.step()
    guard.step()
    assert guard.get_last_lr() == scheduler.get_last_lr() == [0.00025]
    assert guard.state_dict()["scheduler"] == scheduler.state_dict()
    assert guard.last_epoch == 1 and guard.base_lrs == [1e-3] and guard.optimizer is optimizer
    assert lrlib.trace(guard, 3)[:, 0].tolist() == [0.00025, 0.0005, 0.00075]
    guard.close()


def test_close_removes_the_optimizer_hook():
    _, optimizer, scheduler = make_run()
    guard = lrlib.ScheduleGuard(scheduler, T)
    optimizer.step()
    guard.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(5):
            optimizer.step()
    assert guard.optimizer_steps == 1


def test_step_arguments_are_passed_on():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=4)
    with lrlib.ScheduleGuard(scheduler, 100) as guard:
        optimizer.step()
        guard.step(0.5)
    assert scheduler.T_cur == 0.5


def test_summary_reports_the_share_used_and_the_lr_against_the_peak():
    model, optimizer, scheduler = make_run(num_warmup_steps=20, num_training_steps=200, name="cosine")
    with lrlib.ScheduleGuard(scheduler, 200) as guard:
        correct_loop(50)(model, optimizer, guard)
        assert guard.summary() == "stepped 50 of 200 planned steps (25%); last lr 9.3e-4 = 93% of peak"


def test_summary_measures_a_one_cycle_schedule_against_its_highest_lr():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=10)
    with lrlib.ScheduleGuard(scheduler, 10) as guard:
        for _ in range(6):
            optimizer.step()
            guard.step()
        assert guard.summary().endswith("of peak")
        assert "= 100% of peak" not in guard.summary()
        assert guard.counts.peak_lr == pytest.approx(1.0)


def test_guard_refuses_what_is_not_a_scheduler():
    with pytest.raises(TypeError, match="got int"):
        lrlib.ScheduleGuard(3, 10)
    _, _, scheduler = make_run()
    with pytest.raises(ValueError, match="num_training_steps must be >= 1, got 0"):
        lrlib.ScheduleGuard(scheduler, 0)


# ---------------------------------------------------------------- lifecycle


def test_a_guard_dropped_without_close_leaves_no_hook_behind():
    _, optimizer, scheduler = make_run()
    guard = lrlib.ScheduleGuard(scheduler)
    assert len(optimizer._optimizer_step_post_hooks) == 1
    del guard
    gc.collect()
    assert len(optimizer._optimizer_step_post_hooks) == 0


def test_a_new_guard_on_the_same_optimizer_replaces_the_old_ones_hook_and_the_correct_loop_is_silent():
    model, optimizer, scheduler = make_run()
    forgotten = lrlib.ScheduleGuard(scheduler)  # never closed, still referenced (as in a notebook namespace)
    optimizer.step()
    forgotten.step()
    fresh = lrlib.get_scheduler("linear", optimizer, num_warmup_steps=4, num_training_steps=T)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step..` before")
        with lrlib.ScheduleGuard(fresh) as guard:
            correct_loop(T - 1)(model, optimizer, guard)
    assert [str(w.message) for w in caught] == []
    assert forgotten.optimizer_steps == 1 and forgotten.warnings == []
    assert len(optimizer._optimizer_step_post_hooks) == 0


def test_warnings_point_at_the_users_line_from_the_optimizer_hook_and_from_step():
    model, optimizer, scheduler = make_run()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lrlib.ScheduleGuard(scheduler) as guard:
            optimizer.step()
            optimizer.step()  # optimizer_too_often, raised inside torch's step through the hook
            guard.step()
            guard.step()  # scheduler_too_often, raised inside guard.step
    ours = [w for w in caught if issubclass(w.category, lrlib.ScheduleWarning)]
    assert len(ours) == 2
    assert all(w.filename == __file__ for w in ours), [(w.filename, w.lineno) for w in ours]


def test_state_dict_carries_the_guards_counters_and_a_resume_continues_them():
    model, optimizer, scheduler = make_run()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        with lrlib.ScheduleGuard(scheduler) as guard:
            correct_loop(5)(model, optimizer, guard)
            optimizer.step()
            optimizer.step()  # warns optimizer_too_often once
            guard.step()
            checkpoint = {"optimizer": optimizer.state_dict(), "scheduler": guard.state_dict()}
    saved = checkpoint["scheduler"]["guard"]
    assert saved["num_training_steps"] == T and saved["counts"]["optimizer_steps"] == 7
    assert list(saved["counts"]["warned"]) == ["optimizer_too_often"]
    assert json.loads(json.dumps(saved)) == saved  # plain values: torch.save(weights_only) and JSON both take it

    model, optimizer, scheduler = make_run()
    optimizer.load_state_dict(checkpoint["optimizer"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lrlib.ScheduleGuard(scheduler) as resumed:
            resumed.load_state_dict(checkpoint["scheduler"])
            assert (resumed.steps, resumed.optimizer_steps, resumed.warnings) == (6, 7, guard.warnings)
            for _ in range(2):
                optimizer.step()
            resumed.step()  # the same kind again: already reported, so not again
    assert [str(w.message) for w in caught] == []
    assert (resumed.steps, resumed.optimizer_steps) == (7, 9)
    assert resumed.summary().startswith("stepped 7 of 20 planned steps (35%)")


def test_a_bare_scheduler_state_still_loads_into_a_guard():
    model, optimizer, scheduler = make_run()
    correct_loop(8)(model, optimizer, scheduler)
    state = scheduler.state_dict()
    _, _, fresh = make_run()
    with lrlib.ScheduleGuard(fresh) as guard:
        guard.load_state_dict(state)
        assert guard.steps == 8


def test_num_training_steps_is_read_from_an_lrlib_scheduler_and_cross_checked():
    _, _, scheduler = make_run(num_training_steps=T)
    with lrlib.ScheduleGuard(scheduler) as guard:
        assert guard.num_training_steps == T
    with pytest.raises(ValueError, match=r"num_training_steps=30, but the scheduler was built to end after 20 steps"):
        lrlib.ScheduleGuard(scheduler, 30)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    wsd = lrlib.get_scheduler("warmup_stable_decay", optimizer, num_warmup_steps=2,
                              scheduler_specific_kwargs={"num_stable_steps": 5, "num_decay_steps": 3})
    with lrlib.ScheduleGuard(wsd) as guard:
        assert guard.num_training_steps == 10


def test_a_scheduler_without_a_known_end_needs_num_training_steps():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    scheduler = transformers.get_scheduler("linear", optimizer, num_warmup_steps=2, num_training_steps=10)
    with pytest.raises(ValueError, match=r"ScheduleGuard needs num_training_steps: LambdaLR does not say where"):
        lrlib.ScheduleGuard(scheduler)
    with pytest.raises(TypeError, match=r"num_training_steps must be a whole number, got True \(bool\): a bool"):
        lrlib.ScheduleGuard(scheduler, True)


@pytest.mark.parametrize("make", [
    lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o),
    lambda o: transformers.get_scheduler("greedy", o),
])
def test_metric_driven_schedulers_are_refused_with_the_reason(make):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)
    with pytest.raises(ValueError, match=r"follows a metric passed to step\(metric\).*no planned length"):
        lrlib.ScheduleGuard(make(optimizer), 10)


def test_a_guard_of_a_guard_is_refused():
    _, _, scheduler = make_run()
    with lrlib.ScheduleGuard(scheduler) as guard:
        with pytest.raises(TypeError, match="already a ScheduleGuard"):
            lrlib.ScheduleGuard(guard)


ACCELERATE_RUN = textwrap.dedent("""
    import json, warnings
    import torch
    from accelerate import Accelerator
    import lrlib

    accelerator = Accelerator(cpu=True, gradient_accumulation_steps=2)
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = lrlib.get_scheduler("linear", optimizer, num_warmup_steps=2, num_training_steps=10)
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lrlib.ScheduleGuard(scheduler) as guard:   # num_training_steps read from the inner scheduler
            for index in range(20):                     # 20 micro-batches, 10 optimizer steps
                with accelerator.accumulate(model):
                    accelerator.backward(model(torch.ones(4, 3)).pow(2).mean())
                    optimizer.step()
                    guard.step()                        # called every micro-batch, as accelerate's examples do
                    optimizer.zero_grad()
            traced = lrlib.trace(guard, 2)[:, 0].tolist()
    print(json.dumps({"type": type(scheduler).__name__, "steps": guard.steps, "optimizer_steps": guard.optimizer_steps,
                      "planned": guard.num_training_steps, "inner": scheduler.scheduler.last_epoch,
                      "warnings": [str(w.message) for w in caught], "summary": guard.summary(), "traced": traced}))
""")


@pytest.mark.environment
def test_an_accelerate_prepared_scheduler_is_counted_by_its_inner_steps_without_false_alarms():
    result = subprocess.run([sys.executable, "-c", ACCELERATE_RUN], capture_output=True, text=True, check=True,
                            env={**os.environ, "ACCELERATE_USE_CPU": "1"})
    run = json.loads(result.stdout.splitlines()[-1])
    assert run["type"] == "AcceleratedScheduler"
    assert (run["steps"], run["optimizer_steps"], run["planned"], run["inner"]) == (10, 10, 10, 10)
    assert run["warnings"] == []
    assert run["summary"] == "stepped 10 of 10 planned steps (100%); last lr 0 = 0% of peak"
    assert run["traced"] == [0.0, 0.0]


def test_a_guard_state_from_elsewhere_is_refused_with_what_it_should_hold():
    model, optimizer, scheduler = make_run()
    with lrlib.ScheduleGuard(scheduler) as guard:
        correct_loop(3)(model, optimizer, guard)
        state = guard.state_dict()
    _, _, fresh = make_run()
    with lrlib.ScheduleGuard(fresh) as resumed:
        with pytest.raises(ValueError, match=r"state_dict\['guard'\] is not what ScheduleGuard.state_dict\(\) saves"):
            resumed.load_state_dict({"scheduler": state["scheduler"], "guard": {**state["guard"]["counts"]}})
        assert resumed.steps == 0 and fresh.last_epoch == 0  # nothing loaded
    _, _, longer = make_run(num_training_steps=2 * T)
    with lrlib.ScheduleGuard(longer) as other_plan:
        with pytest.raises(ValueError, match=rf"planned num_training_steps={T}, this one {2 * T}: resume with the same"):
            other_plan.load_state_dict(state)
