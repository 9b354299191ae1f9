"""lrlib: learning-rate warmup and transformers' schedulers, in closed form and in plain sight."""

from .exercises import ExerciseNotSolved, check_schedule, check_value
from .schedules import CURVE_NAMES, SCHEDULE_NAMES, SCHEDULES
from .scheduler import get_scheduler, lr_curve
from .validate import ScheduleWarning

__all__ = [
    "CURVE_NAMES",
    "ExerciseNotSolved",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "ScheduleWarning",
    "check_schedule",
    "check_value",
    "get_scheduler",
    "lr_curve",
]
