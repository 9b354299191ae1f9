"""``ScheduleGuard``: a drop-in scheduler wrapper that notices when the loop and the schedule disagree.

It counts ``scheduler.step()`` calls itself and ``optimizer.step()`` calls through the
optimizer's public ``register_step_post_hook``, and warns ``ScheduleWarning`` once per kind of
problem, with the numbers. It assumes what transformers' schedules assume: one scheduler step
after every optimizer step.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch

from .validate import ScheduleWarning, check_step_count

PROBLEMS = {
    "past_end": "the schedule was stepped past num_training_steps",
    "scheduler_too_often": "the scheduler stepped more than once between two optimizer steps",
    "optimizer_too_often": "the optimizer stepped more than once without a scheduler step",
    "before_optimizer": "scheduler.step() was called before the first optimizer.step()",
    "restarted": "a fresh schedule was started on an optimizer that has already trained",
}
"""The kinds of problem ScheduleGuard reports, each at most once per guard."""


def _format_lr(lr: float) -> str:
    return "0" if lr == 0 else np.format_float_scientific(lr, precision=1, unique=False, exp_digits=1)


def _optimizer_has_stepped(optimizer: torch.optim.Optimizer) -> int | None:
    """Steps the optimizer has taken according to its state (None: it has not stepped)."""
    if not optimizer.state:
        return None
    steps = [float(state["step"]) for state in optimizer.state.values() if "step" in state]
    return int(max(steps)) if steps else 0


class ScheduleGuard:
    """Wrap a scheduler; step, save and load it as usual; get a ``ScheduleWarning`` when the loop
    and the schedule disagree, and a one-sentence ``summary()`` of how much of it was used.

    The warnings (each at most once, see ``PROBLEMS``): the schedule is stepped past
    ``num_training_steps``; the scheduler steps more than once between two optimizer steps
    (e.g. once per micro-batch under gradient accumulation); the optimizer steps more than
    once without a scheduler step (e.g. the scheduler stepped once per epoch); the scheduler
    steps before the optimizer ever did; a schedule starts from step 0 on an optimizer that
    has already trained (a resume that forgot ``scheduler.load_state_dict``). Wrap the
    scheduler right after creating it (or after loading its state), and call ``close()``, or
    use ``with``, to remove the optimizer hook.

    >>> import lrlib
    >>> model = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    >>> scheduler = lrlib.get_scheduler("linear", optimizer, num_warmup_steps=2, num_training_steps=8)
    >>> with ScheduleGuard(scheduler, num_training_steps=8) as guard:
    ...     for _ in range(3):
    ...         optimizer.step()
    ...         guard.step()
    ...     print(guard.summary())
    stepped 3 of 8 planned steps (38%); last lr 8.3e-4 = 83% of peak
    """

    def __init__(self, scheduler: Any, num_training_steps: int) -> None:
        optimizer = getattr(scheduler, "optimizer", None)
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"scheduler must be a torch scheduler with an .optimizer, got {type(scheduler).__name__}."
            )
        self.scheduler = scheduler
        self.optimizer = optimizer
        self.num_training_steps = check_step_count("num_training_steps", num_training_steps, minimum=1)
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.steps = int(getattr(scheduler, "last_epoch", 0))
        self._start = self.steps
        self.optimizer_steps = 0
        self._scheduler_steps_since_optimizer = 0
        self._optimizer_steps_since_scheduler = 0
        self._steps_before_wrap = _optimizer_has_stepped(optimizer)
        self._peak_lr = self._first_lr = self._lr()
        self._handle = optimizer.register_step_post_hook(self._after_optimizer_step)

    def __getattr__(self, name: str) -> Any:
        if name == "scheduler":
            raise AttributeError(name)
        return getattr(self.scheduler, name)

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
        if kind in self._warned:
            return
        self._warned.add(kind)
        self.warnings.append(message)
        warnings.warn(message, ScheduleWarning, stacklevel=3)

    def _check_past_end(self, step: int) -> None:
        if step > self.num_training_steps:
            self._warn(
                "past_end",
                f"Training went past the end of the schedule: step {step} > num_training_steps="
                f"{self.num_training_steps}. From here on the lr is whatever the schedule does past its end "
                "(cosine climbs back up). Recount num_training_steps with lrlib.training_steps.",
            )

    def _check_restart(self) -> None:
        if self._steps_before_wrap is not None and self.steps == 0:
            taken = f"{self._steps_before_wrap} steps" if self._steps_before_wrap else "steps"
            self._warn(
                "restarted",
                f"The optimizer had already taken {taken}, but the schedule starts again at step 0: warmup "
                "repeats. When resuming, load the scheduler's state too: "
                "scheduler.load_state_dict(checkpoint['scheduler']).",
            )

    def _after_optimizer_step(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        if self.optimizer_steps == 0:
            self._check_restart()
            if self._steps_before_wrap is None and self._scheduler_steps_since_optimizer == 1:
                self._warn(
                    "before_optimizer",
                    "scheduler.step() was called before the first optimizer.step(), so the schedule's first lr "
                    f"({_format_lr(self._first_lr)}) was never used and every step runs one step ahead. Call "
                    "optimizer.step() first, then scheduler.step().",
                )
        self.optimizer_steps += 1
        self._scheduler_steps_since_optimizer = 0
        self._optimizer_steps_since_scheduler += 1
        if self._optimizer_steps_since_scheduler == 2:
            self._warn(
                "optimizer_too_often",
                f"optimizer.step() ran {self._optimizer_steps_since_scheduler} times without a scheduler.step() "
                f"(optimizer steps: {self.optimizer_steps}, scheduler steps: {self.steps}). Step the scheduler "
                "after every optimizer step, not once per epoch, or the schedule lags behind training.",
            )
        self._check_past_end(self._start + self.optimizer_steps)

    def step(self, *args: Any, **kwargs: Any) -> None:
        """Step the wrapped scheduler (arguments are passed on) and check the loop."""
        if self.optimizer_steps == 0:
            self._check_restart()
        self.scheduler.step(*args, **kwargs)
        self.steps += 1
        self._optimizer_steps_since_scheduler = 0
        self._scheduler_steps_since_optimizer += 1
        self._peak_lr = max(self._peak_lr, self._lr())
        if self._scheduler_steps_since_optimizer == 2:
            self._warn(
                "scheduler_too_often",
                f"scheduler.step() ran {self._scheduler_steps_since_optimizer} times without an "
                f"optimizer.step() in between (scheduler steps: {self.steps}, optimizer steps: "
                f"{self.optimizer_steps}). Under gradient accumulation, step the scheduler only when the "
                "optimizer steps.",
            )
        self._check_past_end(self.steps)

    def get_last_lr(self) -> list[Any]:
        """The wrapped scheduler's ``get_last_lr()``."""
        return self.scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The wrapped scheduler's ``state_dict()``: checkpoints stay interchangeable."""
        return self.scheduler.state_dict()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load the wrapped scheduler's state and continue counting from its step."""
        self.scheduler.load_state_dict(state_dict)
        self.steps = int(getattr(self.scheduler, "last_epoch", self.steps))
        self._start = self.steps - self.optimizer_steps
        self._peak_lr = max(self._peak_lr, self._lr())

    def summary(self) -> str:
        """One sentence: the share of the schedule used and the last lr against the peak
        (param group 0; the peak is the highest lr seen, or the group's base lr if higher)."""
        share = 100 * self.steps / self.num_training_steps
        lr = self._lr()
        base = getattr(self.scheduler, "base_lrs", None)
        peak = max(self._peak_lr, float(base[0])) if base else self._peak_lr
        ratio = f"{100 * lr / peak:.0f}% of peak" if peak > 0 else "peak 0"
        return (
            f"stepped {self.steps} of {self.num_training_steps} planned steps ({share:.0f}%); "
            f"last lr {_format_lr(lr)} = {ratio}"
        )
