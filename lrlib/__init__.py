"""lrlib: learning-rate warmup and transformers' schedulers, in closed form and in plain sight."""

from .compare import max_relative_difference, record_lrs
from .exercises import ExerciseNotSolved, check_schedule, check_value
from .explore import Explorer, explore
from .guard import ScheduleGuard
from .lookahead import trace
from .plot import decimate, plot_curves, plot_schedule
from .schedules import CURVE_NAMES, SCHEDULE_NAMES, SCHEDULES
from .scheduler import get_scheduler, lr_curve
from .steps import training_steps, warmup_steps
from .validate import ScheduleWarning

__all__ = [
    "CURVE_NAMES",
    "ExerciseNotSolved",
    "Explorer",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "ScheduleGuard",
    "ScheduleWarning",
    "check_schedule",
    "check_value",
    "decimate",
    "explore",
    "get_scheduler",
    "lr_curve",
    "max_relative_difference",
    "plot_curves",
    "plot_schedule",
    "record_lrs",
    "trace",
    "training_steps",
    "warmup_steps",
]
