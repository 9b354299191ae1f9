"""The registry of schedules, ``SCHEDULES``: every name transformers' ``get_scheduler`` accepts,
its closed form (``lrlib.schedules``) and its arguments, declared as data.

Each parameter declares its domain (``lrlib.domains``: an interval, a whole number, a set of
choices, a bound equal to the optimizer's lr), its default or how the default is computed, and
how the explorer shows it (``lrlib.controls``); each schedule declares which arguments exclude
each other (``Alternatives``) or must agree (``Relation``). Validation (``lrlib.validate``), the
explorer, ``help(lrlib.get_scheduler)``, the README table and ``docs/errors.md`` all read it;
none of them branches on a schedule's name. Adding a schedule means adding one entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .controls import Control, Relative
from .domains import LR, Domain, one_of, real, whole
from .schedules import (
    WSD_TYPES, constant, constant_with_warmup, cosine, cosine_warmup_with_min_lr, cosine_with_min_lr,
    cosine_with_restarts, inverse_sqrt, linear, polynomial, warmup_stable_decay,
)

REQUIRED = object()
"""Marks a parameter with no default: the caller must give it."""


@dataclass(frozen=True)
class Computed:
    """A default computed from other arguments; ``text`` says how, ``needs`` which."""

    text: str
    needs: tuple[str, ...]
    function: Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Param:
    """One argument of a schedule, declared as data.

    ``default`` is a value, ``REQUIRED``, or None: left out (the closed form's own default
    applies, or ``computed`` gives it). ``examples`` are documented valid values; ``fix`` is the
    sentence a refusal ends with; ``rate_of_lr`` names the argument the closed form takes
    instead, ``value / lr``; ``control`` says how the explorer shows it.
    """

    name: str
    domain: Domain
    doc: str
    default: Any = None
    examples: tuple[Any, ...] = ()
    fix: str = ""
    computed: Computed | None = None
    rate_of_lr: str | None = None
    control: Control = field(default_factory=Control)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def optional(self) -> bool:
        """True when the argument may be left out (default None)."""
        return self.default is None

    @property
    def kind(self) -> type:
        """The Python type of its values."""
        return {"real": float, "whole": int, "choice": str, "flag": bool}[self.domain.kind]

    def default_text(self) -> str:
        """The default in words: required, a value, computed, or left out.

        >>> NUM_WARMUP_STEPS.default_text(), LR_PARAM.default_text()
        ('required', 'default 0.001')
        """
        if self.required:
            return "required"
        if self.computed is not None:
            return f"default {self.computed.text}"
        return "may be left out" if self.default is None else f"default {self.default!r}"


@dataclass(frozen=True)
class Relation:
    """``sum(left) op right`` must hold whenever all of them are known (op: <, <= or ==)."""

    left: tuple[str, ...]
    op: str
    right: str
    fix: str

    def holds(self, values: Mapping[str, Any]) -> bool:
        total, right = sum(values[name] for name in self.left), values[self.right]
        return {"<": total < right, "<=": total <= right, "==": total == right}[self.op]

    def text(self) -> str:
        return f"{' + '.join(self.left)} {self.op} {self.right}"


@dataclass(frozen=True)
class Alternatives:
    """Arguments that stand for the same thing: give ``exactly`` one, or at least one."""

    names: tuple[str, ...]
    exactly: bool
    fix: str

    def text(self) -> str:
        return f"{'exactly' if self.exactly else 'at least'} one of {', '.join(self.names)}"


@dataclass(frozen=True)
class Schedule:
    """A named schedule: its closed form, what it needs, and what transformers calls it.

    ``warmup``/``training`` say whether num_warmup_steps/num_training_steps are "required",
    "optional" or "ignored"; ``lr_argument`` names the keyword under which the closed form takes
    the optimizer's lr; ``length`` names the arguments whose sum is where the schedule ends.
    """

    name: str
    function: Callable[..., Any] | None
    transformers_function: str
    summary: str
    warmup: str = "required"  # "required" | "ignored"
    training: str = "required"  # "required" | "optional" | "ignored"
    params: tuple[Param, ...] = field(default_factory=tuple)
    relations: tuple[Relation, ...] = ()
    alternatives: tuple[Alternatives, ...] = ()
    lr_argument: str | None = None
    length: tuple[str, ...] = ()

    @property
    def has_curve(self) -> bool:
        """False for the metric-driven schedules, whose lr depends on what training measures."""
        return self.function is not None

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


DEFAULT_LR = 1e-3
"""The lr every lrlib function that has a default lr uses: AdamW's default, the source article's lr."""

LR_PARAM = Param("lr", real(0.0, low_open=True), "the peak learning rate: the optimizer's lr", default=DEFAULT_LR,
                 examples=(1e-3, 3e-4, 2e-5), fix="Pass the optimizer's lr, e.g. 1e-3.",
                 control=Control(low=1e-6, high=1.0, step=0.05, log=True))
NUM_WARMUP_STEPS = Param(
    "num_warmup_steps", whole(0), "optimizer steps of linear warmup; use 0 for no warmup", default=REQUIRED,
    examples=(100, 0),
    control=Control(low=0, high=Relative("num_training_steps"), step=1))
NUM_TRAINING_STEPS = Param(
    "num_training_steps", whole(1), "optimizer steps of the whole run", default=REQUIRED, examples=(1950, 1),
    fix="lrlib.training_steps computes it from epochs and batches.",
    control=Control(low=1, high=1_000_000, step=1))
COMMON_PARAMS = (LR_PARAM, NUM_WARMUP_STEPS, NUM_TRAINING_STEPS)
"""The arguments every schedule shares (when it uses them)."""

COMMON_RELATIONS = (
    Relation(("num_warmup_steps",), "<=", "num_training_steps",
             "The schedule would end before warmup does: lower num_warmup_steps (a few percent of training is usual)."),
)

_NUM_CYCLES = Param("num_cycles", real(0.0, low_open=True), "waves of the cosine over the decay; 0.5 is one half wave, from 1 to 0",
                    default=0.5, examples=(0.5, 1.0, 3), control=Control(low=0.25, high=5.0, step=0.25))
_MIN_LR = Param("min_lr", real(0.0, LR), "floor of a group at optimizer.defaults['lr'], divided by it", examples=(1e-5, 0.0),
                fix="For a floor relative to each group's lr, pass min_lr_rate instead.", rate_of_lr="min_lr_rate",
                control=Control(low=1e-9, high=1.0, step=0.1, log=True, start=Relative(LR, 0.1)))
_MIN_LR_RATE = Param("min_lr_rate", real(0.0, 1.0), "floor as a fraction of each group's initial lr",
                     examples=(0.1, 0.0, 1.0), control=Control(low=0.0, high=1.0, step=0.01, start=0.1))
_FLOOR = Alternatives(("min_lr_rate", "min_lr"), exactly=True,
                      fix="Example: scheduler_specific_kwargs={'min_lr_rate': 0.1}.")

SCHEDULES: dict[str, Schedule] = {
    s.name: s
    for s in (
        Schedule("linear", linear, "get_linear_schedule_with_warmup", "linear warmup, then linear decay to 0 at T",
                 length=("num_training_steps",)),
        Schedule(
            "cosine", cosine, "get_cosine_schedule_with_warmup",
            "linear warmup, then a half cosine to 0 at T", params=(_NUM_CYCLES,), length=("num_training_steps",),
        ),
        Schedule(
            "cosine_with_restarts", cosine_with_restarts,
            "get_cosine_with_hard_restarts_schedule_with_warmup",
            "linear warmup, then num_cycles cosine decays, each restarting at the peak",
            params=(Param("num_cycles", whole(1), "number of cosine decays (hard restarts)", default=1,
                          examples=(2, 1, 5), control=Control(low=1, high=10, step=1)),),
            length=("num_training_steps",),
        ),
        Schedule(
            "polynomial", polynomial, "get_polynomial_decay_schedule_with_warmup",
            "linear warmup, then (1-p)**power decay from the lr to lr_end",
            params=(
                Param("lr_end", real(0.0, LR, high_open=True),
                      "final lr of a group at optimizer.defaults['lr'], applied to every group as a ratio of it",
                      default=1e-7, examples=(1e-7, 0.0, 1e-4),
                      fix="lr_end is given as the final lr of a group at that lr; transformers divides it by that "
                          "lr and applies the ratio to every group.",
                      control=Control(low=1e-9, high=1.0, step=0.1, log=True)),
                Param("power", real(0.0, low_open=True), "exponent of the decay; 1 is linear", default=1.0,
                      examples=(2.0, 0.5, 1.0), control=Control(low=0.25, high=5.0, step=0.25)),
            ),
            relations=(Relation(("num_warmup_steps",), "<", "num_training_steps",
                                "Its decay phase, num_training_steps - num_warmup_steps, needs at least one step."),),
            lr_argument="lr_init", length=("num_training_steps",),
        ),
        Schedule("constant", constant, "get_constant_schedule", "the optimizer's lr, unchanged: no warmup",
                 warmup="ignored", training="ignored"),
        Schedule(
            "constant_with_warmup", constant_with_warmup, "get_constant_schedule_with_warmup",
            "linear warmup, then constant", training="ignored",
        ),
        Schedule(
            "inverse_sqrt", inverse_sqrt, "get_inverse_sqrt_schedule",
            "linear warmup, then 1/sqrt decay that never ends", training="ignored",
            params=(Param("timescale", whole(1), "decay time scale", examples=(50, 1, 10_000),
                          computed=Computed("num_warmup_steps, or 10000 when it is 0", ("num_warmup_steps",),
                                            lambda v: v["num_warmup_steps"] or 10_000),
                          control=Control(low=1, high=Relative("num_training_steps"), step=1,
                                          start=Relative("num_training_steps", 0.05))),),
        ),
        Schedule(
            "reduce_lr_on_plateau", None, "get_reduce_on_plateau_schedule",
            "torch's ReduceLROnPlateau: lowers the lr when a metric stops improving",
            warmup="ignored", training="ignored",
        ),
        Schedule(
            "cosine_with_min_lr", cosine_with_min_lr, "get_cosine_with_min_lr_schedule_with_warmup",
            "linear warmup, then a half cosine down to a floor", params=(_NUM_CYCLES, _MIN_LR, _MIN_LR_RATE),
            alternatives=(_FLOOR,), length=("num_training_steps",),
        ),
        Schedule(
            "cosine_warmup_with_min_lr", cosine_warmup_with_min_lr,
            "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
            "cosine to a floor, with warmup and decay shifted one step earlier",
            params=(
                _NUM_CYCLES, _MIN_LR, _MIN_LR_RATE,
                Param("warmup_lr_rate", real(0.0, 1.0), "first warmup step's lr as a fraction; left out, 1/W",
                      examples=(0.2, 0.0, 1.0), control=Control(low=0.0, high=1.0, step=0.01, start=0.1)),
            ),
            alternatives=(_FLOOR,), length=("num_training_steps",),
        ),
        Schedule(
            "warmup_stable_decay", warmup_stable_decay, "get_wsd_schedule",
            "warmup, a long constant phase, then a short decay (WSD)", training="optional",
            params=(
                Param("num_decay_steps", whole(0), "length of the final decay", default=REQUIRED, examples=(20, 0),
                      control=Control(low=0, high=Relative("num_training_steps"), step=1,
                                      start=Relative("num_training_steps", 0.1))),
                Param("num_stable_steps", whole(0), "length of the constant phase", examples=(50, 0),
                      computed=Computed("num_training_steps - num_warmup_steps - num_decay_steps",
                                        ("num_training_steps", "num_warmup_steps", "num_decay_steps"),
                                        lambda v: v["num_training_steps"] - v["num_warmup_steps"] - v["num_decay_steps"]),
                      control=Control(low=0, high=Relative("num_training_steps"), step=1,
                                      start=Relative("num_training_steps", 0.5))),
                Param("warmup_type", one_of(*WSD_TYPES), "shape of the warmup", default="linear", examples=WSD_TYPES),
                Param("decay_type", one_of(*WSD_TYPES), "shape of the decay", default="cosine", examples=WSD_TYPES),
                Param("min_lr_ratio", real(0.0, 1.0), "floor and warmup start as a fraction of the lr", default=0.0,
                      examples=(0.1, 0.0, 1.0), control=Control(low=0.0, high=1.0, step=0.01)),
                _NUM_CYCLES,
            ),
            relations=(
                Relation(("num_warmup_steps", "num_decay_steps"), "<=", "num_training_steps",
                         "Shorten the warmup or the decay."),
                Relation(("num_warmup_steps", "num_stable_steps", "num_decay_steps"), "==", "num_training_steps",
                         "Give only one of num_stable_steps and num_training_steps, or make them agree."),
            ),
            alternatives=(Alternatives(("num_training_steps", "num_stable_steps"), exactly=False,
                                       fix="Pass num_training_steps, or num_stable_steps in scheduler_specific_kwargs."),),
            length=("num_warmup_steps", "num_stable_steps", "num_decay_steps"),
        ),
        Schedule(
            "greedy", None, "get_greedy_schedule",
            "transformers' GreedyLR: raises or lowers the lr as a metric improves or stalls",
            warmup="ignored", training="ignored",
        ),
    )
}

SCHEDULE_NAMES: tuple[str, ...] = tuple(SCHEDULES)
"""Every name transformers' ``get_scheduler`` accepts, spelled as transformers spells it."""

CURVE_NAMES: tuple[str, ...] = tuple(name for name, s in SCHEDULES.items() if s.has_curve)
"""The names whose lr is a function of the step alone, so they have a curve."""
