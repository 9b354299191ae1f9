"""lrlib: learning-rate warmup and transformers' schedulers, in closed form and in plain sight."""

from .schedules import CURVE_NAMES, SCHEDULE_NAMES, SCHEDULES
from .scheduler import get_scheduler, lr_curve
from .validate import ScheduleWarning

__all__ = [
    "CURVE_NAMES",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "ScheduleWarning",
    "get_scheduler",
    "lr_curve",
]
