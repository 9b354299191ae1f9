"""The course: what the notebooks need beyond the library, in a layer of its own.

Here are the exercise checks (``check``, ``predicted`` and the checks they are built from), the
expected answers behind them (``answers.nbNN``, one module per notebook), and the experiments the
notebooks run (``experiments`` for notebook 01, ``outcomes`` for notebook 11). The layer uses
lrlib's public functions; the library never imports it, and ``import lrlib`` does not load it, so
the core keeps to numpy and torch. A notebook imports it once, ``from lrlib import course``, and
calls ``course.check("03.which_curve", my_curve, measured)``. Its extra packages (scikit-learn, scipy,
tqdm, matplotlib, ipywidgets, transformers, accelerate) are the ``course`` extra:
``pip install "lrlib[course]"``.
"""

from __future__ import annotations

from . import experiments, outcomes
from .exercises import (QUIZ_CURVES, Feedback, check, check_choice, check_number, check_prediction, is_number,
                        not_a_choice, not_yet, predicted, quiz_curve, right, unanswered, wrong)

__all__ = [
    "Feedback",
    "QUIZ_CURVES",
    "check",
    "check_choice",
    "check_number",
    "check_prediction",
    "experiments",
    "is_number",
    "not_a_choice",
    "not_yet",
    "outcomes",
    "predicted",
    "quiz_curve",
    "right",
    "unanswered",
    "wrong",
]
