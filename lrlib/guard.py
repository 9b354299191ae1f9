"""``ScheduleGuard``: a drop-in scheduler wrapper that notices when the loop and the schedule disagree.

It counts the wrapped scheduler's steps itself and ``optimizer.step()`` calls through the
optimizer's public ``register_step_post_hook``, and warns ``ScheduleWarning`` once per kind of
problem, with the numbers, at the user's line. It assumes what transformers' schedules assume:
one scheduler step after every optimizer step. An accelerate-prepared scheduler
(``accelerate.scheduler.AcceleratedScheduler.step``) steps its inner scheduler ``num_processes``
times per call in each process (once with ``split_batches``) and not at all on accumulation
micro-steps or skipped optimizer steps; with ``step_scheduler_with_optimizer=False`` it steps it
once on every call. The guard counts the inner scheduler's ``last_epoch``.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import warnings
import weakref
from typing import Any

import numpy as np
import torch

from .tracing import metric_driven
from .registry import SCHEDULES
from .validate import ScheduleWarning, check_step_count, user_stacklevel

PROBLEMS = {
    "past_end": "the schedule was stepped past num_training_steps",
    "scheduler_too_often": "the scheduler stepped more than once between two optimizer steps",
    "optimizer_too_often": "the optimizer stepped more than once without a scheduler step",
    "before_optimizer": "scheduler.step() was called before the first optimizer.step()",
    "restarted": "a fresh schedule was started on an optimizer that has already trained",
}
"""The kinds of problem ScheduleGuard reports, each at most once per guard."""


@dataclasses.dataclass
class Counts:
    """What a ``ScheduleGuard`` has counted: all of its state that changes, saved and restored as one.

    ``steps`` is the scheduler's step (its ``last_epoch``), ``start`` where it was when counting
    began, ``optimizer_steps`` the optimizer steps seen since; the two ``since`` counters are what
    the order checks compare. ``steps_before_wrap`` is the optimizer's own step count when it was
    wrapped (None: it had not stepped). ``first_lr`` and ``peak_lr`` are param group 0's lr at the
    start and the highest seen. ``warned`` maps each kind of problem reported (see ``PROBLEMS``) to
    its message.
    """

    steps: int
    start: int
    first_lr: float
    peak_lr: float
    steps_before_wrap: int | None
    optimizer_steps: int = 0
    scheduler_steps_since_optimizer: int = 0
    optimizer_steps_since_scheduler: int = 0
    warned: dict[str, str] = dataclasses.field(default_factory=dict)


def _format_lr(lr: float) -> str:
    return "0" if lr == 0 else np.format_float_scientific(lr, precision=1, unique=False, exp_digits=1)


def _optimizer_has_stepped(optimizer: torch.optim.Optimizer) -> int | None:
    """Steps the optimizer has taken according to its state (None: it has not stepped)."""
    if not optimizer.state:
        return None
    steps = [float(state["step"]) for state in optimizer.state.values() if "step" in state]
    return int(max(steps)) if steps else 0


def _is_accelerated(scheduler: Any) -> bool:
    """An ``accelerate.scheduler.AcceleratedScheduler`` (without importing accelerate)."""
    module = sys.modules.get("accelerate.scheduler")
    return module is not None and isinstance(scheduler, module.AcceleratedScheduler)


def _steps_per_optimizer_step(scheduler: Any) -> int:
    """How many steps of the inner scheduler one ``scheduler.step()`` after an optimizer step makes."""
    if not _is_accelerated(scheduler) or not scheduler.step_with_optimizer or scheduler.split_batches:
        return 1
    from accelerate.state import AcceleratorState

    return AcceleratorState().num_processes


def _real_optimizer(optimizer: Any) -> Any:
    """The torch optimizer under wrappers such as accelerate's ``AcceleratedOptimizer``."""
    while isinstance(getattr(optimizer, "optimizer", None), torch.optim.Optimizer):
        optimizer = optimizer.optimizer
    return optimizer


def planned_steps(scheduler: Any) -> int | None:
    """Where an lrlib ``get_scheduler`` schedule ends (its ``length`` in the registry), else None."""
    lambdas = getattr(scheduler, "lr_lambdas", None)
    first = lambdas[0] if lambdas else None
    if not isinstance(first, functools.partial):
        return None
    schedule = next((s for s in SCHEDULES.values() if s.has_curve and s.function is first.func), None)
    if schedule is None or not schedule.length:
        return None
    return sum(first.keywords[name] for name in schedule.length)


class _Hook:
    """The optimizer post-step hook of one guard, held weakly: a dropped guard stops counting."""

    def __init__(self, guard: ScheduleGuard) -> None:
        self.guard = weakref.ref(guard)

    def __call__(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        guard = self.guard()
        if guard is not None:
            guard._after_optimizer_step()


def _guards_on(optimizer: torch.optim.Optimizer) -> list[ScheduleGuard]:
    """The live guards whose hook ``optimizer`` carries, read from the optimizer's post-step hooks
    (torch 2.x keeps them in ``_optimizer_step_post_hooks``, which has no public reader)."""
    hooks = list(getattr(optimizer, "_optimizer_step_post_hooks", {}).values())
    return [guard for guard in (hook.guard() for hook in hooks if isinstance(hook, _Hook)) if guard is not None]


class ScheduleGuard:
    """Wrap a scheduler; step, save and load it as usual; get a ``ScheduleWarning`` when the loop
    and the schedule disagree, and a one-sentence ``summary()`` of how much of it was used.

    The warnings (each at most once, see ``PROBLEMS``): the schedule is stepped past
    ``num_training_steps``; the scheduler steps more than once between two optimizer steps
    (e.g. once per micro-batch under gradient accumulation); the optimizer steps more than
    once without a scheduler step (e.g. the scheduler stepped once per epoch); the scheduler
    steps before the optimizer ever did; a schedule starts from step 0 on an optimizer that
    has already trained (a resume that forgot ``scheduler.load_state_dict``).

    ``num_training_steps`` may be left out for a schedule from ``lrlib.get_scheduler`` that has
    an end: the guard reads it (and, when it is given, checks that the two agree). An
    accelerate-prepared scheduler is understood: the guard counts its inner scheduler's steps.
    Metric-driven schedulers (ReduceLROnPlateau) are refused: they have no planned length.

    The optimizer hook holds the guard weakly, and a new guard on the same optimizer removes
    the old one's hook, so no hook outlives its guard; ``close()`` (or ``with``) removes it now.
    Everything the guard counts is one record, ``guard.counts`` (a ``Counts``);
    ``state_dict()`` saves the scheduler's state and that record.

    >>> import lrlib
    >>> model = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    >>> scheduler = lrlib.get_scheduler("linear", optimizer, num_warmup_steps=2, num_training_steps=8)
    >>> with ScheduleGuard(scheduler) as guard:
    ...     for _ in range(3):
    ...         optimizer.step()
    ...         guard.step()
    ...     print(guard.summary())
    stepped 3 of 8 planned steps (38%); last lr 8.3e-4 = 83% of peak
    """

    def __init__(self, scheduler: Any, num_training_steps: int | None = None) -> None:
        if isinstance(scheduler, ScheduleGuard):
            raise TypeError("scheduler is already a ScheduleGuard: wrap the scheduler itself, once.")
        inner = scheduler.scheduler if _is_accelerated(scheduler) else scheduler
        optimizer = _real_optimizer(getattr(inner, "optimizer", None))
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"scheduler must be a torch scheduler with an .optimizer, got {type(scheduler).__name__}."
            )
        if metric_driven(inner):
            raise ValueError(
                f"{type(inner).__name__} follows a metric passed to step(metric), not the step count, so it has "
                "no planned length to check a loop against. Step it once per evaluation, without a guard."
            )
        self.scheduler = scheduler
        self.optimizer = optimizer
        self._inner = inner
        self.num_training_steps = self._planned(num_training_steps)
        self._per_optimizer_step = _steps_per_optimizer_step(scheduler)
        steps, lr = int(getattr(inner, "last_epoch", 0)), self._lr()
        self.counts = Counts(steps=steps, start=steps, first_lr=lr, peak_lr=lr,
                             steps_before_wrap=_optimizer_has_stepped(optimizer))
        for previous in _guards_on(optimizer):  # one guard counts an optimizer: the newest
            previous.close()
        self._handle = optimizer.register_step_post_hook(_Hook(self))
        weakref.finalize(self, self._handle.remove)

    def _planned(self, num_training_steps: Any) -> int:
        planned = planned_steps(self._inner)
        if num_training_steps is None:
            if planned is None:
                raise ValueError(
                    f"ScheduleGuard needs num_training_steps: {type(self._inner).__name__} does not say where its "
                    "schedule ends. Pass the run's optimizer steps, e.g. lrlib.training_steps(epochs=..., "
                    "num_batches=len(train_loader))."
                )
            return planned
        num_training_steps = check_step_count("num_training_steps", num_training_steps, minimum=1)
        if planned is not None and planned != num_training_steps:
            raise ValueError(
                f"num_training_steps={num_training_steps}, but the scheduler was built to end after {planned} "
                "steps. Leave num_training_steps out (the guard reads it from the scheduler), or build the "
                "scheduler with the count you mean."
            )
        return num_training_steps

    def __getattr__(self, name: str) -> Any:
        if name in ("scheduler", "_inner", "counts") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.scheduler, name)

    @property
    def steps(self) -> int:
        """The scheduler's step: how far into the schedule the run is."""
        return self.counts.steps

    @property
    def optimizer_steps(self) -> int:
        """The optimizer steps seen since the guard began counting."""
        return self.counts.optimizer_steps

    @property
    def warnings(self) -> list[str]:
        """The messages warned so far, one per kind of problem, in the order they came."""
        return list(self.counts.warned.values())

    def __enter__(self) -> ScheduleGuard:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Remove the hook from the optimizer; the guard stops counting optimizer steps."""
        self._handle.remove()

    def _lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def _warn(self, kind: str, message: str) -> None:
        if kind in self.counts.warned:
            return
        self.counts.warned[kind] = message
        callers = [torch] + [sys.modules[name] for name in ("accelerate",) if name in sys.modules]
        warnings.warn(message, ScheduleWarning, stacklevel=user_stacklevel(*callers))

    def _check_past_end(self, step: int) -> None:
        if step > self.num_training_steps:
            self._warn(
                "past_end",
                f"Training went past the end of the schedule: step {step} > num_training_steps="
                f"{self.num_training_steps}. From here on the lr is whatever the schedule does past its end "
                "(cosine climbs back up). Recount num_training_steps with lrlib.training_steps.",
            )

    def _check_restart(self) -> None:
        before = self.counts.steps_before_wrap
        if before is not None and self.counts.steps == 0:
            taken = f"{before} steps" if before else "steps"
            self._warn(
                "restarted",
                f"The optimizer had already taken {taken}, but the schedule starts again at step 0: warmup "
                "repeats. When resuming, load the scheduler's state too: "
                "scheduler.load_state_dict(checkpoint['scheduler']).",
            )

    def _after_optimizer_step(self) -> None:
        counts = self.counts
        if counts.optimizer_steps == 0:
            self._check_restart()
            if counts.steps_before_wrap is None and counts.scheduler_steps_since_optimizer == 1:
                self._warn(
                    "before_optimizer",
                    "scheduler.step() was called before the first optimizer.step(), so the schedule's first lr "
                    f"({_format_lr(counts.first_lr)}) was never used and every step runs one step ahead. Call "
                    "optimizer.step() first, then scheduler.step().",
                )
        counts.optimizer_steps += 1
        counts.scheduler_steps_since_optimizer = 0
        counts.optimizer_steps_since_scheduler += 1
        if counts.optimizer_steps_since_scheduler == 2:
            self._warn(
                "optimizer_too_often",
                f"optimizer.step() ran {counts.optimizer_steps_since_scheduler} times without a scheduler.step() "
                f"(optimizer steps: {counts.optimizer_steps}, scheduler steps: {counts.steps}). Step the scheduler "
                "after every optimizer step, not once per epoch, or the schedule lags behind training.",
            )
        self._check_past_end(counts.start + counts.optimizer_steps * self._per_optimizer_step)

    def step(self, *args: Any, **kwargs: Any) -> None:
        """Step the wrapped scheduler (arguments are passed on) and check the loop."""
        counts = self.counts
        if counts.optimizer_steps == 0:
            self._check_restart()
        before = self._inner.last_epoch
        self.scheduler.step(*args, **kwargs)
        if _is_accelerated(self.scheduler):
            advanced = self._inner.last_epoch - before
            if advanced == 0:  # accelerate skipped it: no optimizer step happened (accumulation, overflow)
                return
            counts.steps += advanced
        else:
            counts.steps += 1
        counts.optimizer_steps_since_scheduler = 0
        counts.scheduler_steps_since_optimizer += 1
        counts.peak_lr = max(counts.peak_lr, self._lr())
        if counts.scheduler_steps_since_optimizer == 2:
            self._warn(
                "scheduler_too_often",
                f"scheduler.step() ran {counts.scheduler_steps_since_optimizer} times without an "
                f"optimizer.step() in between (scheduler steps: {counts.steps}, optimizer steps: "
                f"{counts.optimizer_steps}). Under gradient accumulation, step the scheduler only when the "
                "optimizer steps.",
            )
        self._check_past_end(counts.steps)

    def get_last_lr(self) -> list[Any]:
        """The wrapped scheduler's ``get_last_lr()``."""
        return self.scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """``{"scheduler": the wrapped scheduler's state_dict(), "guard": {"num_training_steps": the plan,
        "counts": the guard's counts as a dict}}``: plain values, for ``torch.save`` or JSON."""
        return {"scheduler": self.scheduler.state_dict(),
                "guard": {"num_training_steps": self.num_training_steps, "counts": dataclasses.asdict(self.counts)}}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a guard's ``state_dict()`` (scheduler and counts), or a bare scheduler's state;
        then continue counting from there."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}.")
        if set(state_dict) != {"scheduler", "guard"}:
            self.scheduler.load_state_dict(state_dict)
            counts = self.counts
            counts.steps = int(getattr(self._inner, "last_epoch", counts.steps))
            counts.start = counts.steps - counts.optimizer_steps
            counts.peak_lr = max(counts.peak_lr, self._lr())
            return
        saved = state_dict["guard"]
        fields = {field.name for field in dataclasses.fields(Counts)}
        if not isinstance(saved, dict) or set(saved) != {"num_training_steps", "counts"} or set(saved["counts"]) != fields:
            raise ValueError(
                "state_dict['guard'] is not what ScheduleGuard.state_dict() saves ({'num_training_steps', 'counts'}, "
                f"counts with {sorted(fields)}): save the guard's state_dict() with this lrlib, or load the "
                "scheduler's own state (state_dict['scheduler'])."
            )
        if saved["num_training_steps"] != self.num_training_steps:
            raise ValueError(
                f"The checkpoint's guard planned num_training_steps={saved['num_training_steps']}, this "
                f"one {self.num_training_steps}: resume with the same plan."
            )
        self.scheduler.load_state_dict(state_dict["scheduler"])
        counts = dict(saved["counts"])
        self.counts = Counts(**{**counts, "warned": dict(counts["warned"])})

    def summary(self) -> str:
        """One sentence: the share of the schedule used and the last lr against the peak
        (param group 0; the peak is the highest lr seen, or the group's base lr if higher)."""
        share = 100 * self.steps / self.num_training_steps
        lr = self._lr()
        base = getattr(self._inner, "base_lrs", None)
        peak = max(self.counts.peak_lr, float(base[0])) if base else self.counts.peak_lr
        ratio = f"{100 * lr / peak:.0f}% of peak" if peak > 0 else "peak 0"
        return (
            f"stepped {self.steps} of {self.num_training_steps} planned steps ({share:.0f}%); "
            f"last lr {_format_lr(lr)} = {ratio}"
        )
