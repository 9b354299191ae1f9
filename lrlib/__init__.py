"""lrlib: learning-rate warmup and transformers' schedulers, in closed form and in plain sight.

``import lrlib`` loads the core only (numpy and torch). The plotting helpers and the explorer widget
load on first use, so ``lrlib.plot_schedule`` and ``from lrlib import explore`` work as if they had
been imported eagerly. The notebooks' exercise checks and experiments are a layer of their own,
``lrlib.course`` (``from lrlib import course``), that the library never imports.
"""

from __future__ import annotations

import importlib

from .compare import max_relative_difference, record_lrs
from .guard import ScheduleGuard
from .tracing import trace
from .registry import CURVE_NAMES, SCHEDULE_NAMES, SCHEDULES
from .scheduler import get_scheduler, lr_curve
from .preview import RunPreview, preview_run
from .steps import TrainerSteps, trainer_steps, training_steps, warmup_steps
from .validate import ScheduleWarning

__version__ = "0.1.0"  # the only place the version is written: pyproject.toml reads it from here

# Public names whose module needs matplotlib or ipywidgets: name -> the submodule that defines it.
_LAZY = {
    "Explorer": "explorer",
    "explore": "explorer",
    "decimate": "plot",
    "plot_curves": "plot",
    "plot_schedule": "plot",
}
# Submodules that `import lrlib` leaves unloaded; `lrlib.<name>` imports them.
_SUBMODULES = {"explorer", "plot"}

__all__ = sorted([
    "CURVE_NAMES",
    "RunPreview",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "ScheduleGuard",
    "ScheduleWarning",
    "TrainerSteps",
    "get_scheduler",
    "lr_curve",
    "max_relative_difference",
    "preview_run",
    "record_lrs",
    "trace",
    "trainer_steps",
    "training_steps",
    "warmup_steps",
    *_LAZY,
])


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
