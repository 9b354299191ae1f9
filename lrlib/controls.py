"""How the explorer shows an argument: ``Control``, a hint the registry declares next to each
parameter (its slider's usual range, step, scale and starting value), and ``Relative``, a bound
that follows another argument (warmup up to the training length, a floor at a tenth of the lr).

These are hints for a widget, not rules: validation reads only the parameter's ``Domain``, and
the explorer widens a slider's range to show any valid value it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Relative:
    """A value proportional to another argument: ``factor * of`` (a whole number for counts)."""

    of: str
    factor: float = 1.0

    def value(self, values: Mapping[str, Any], whole_number: bool) -> Any:
        result = self.factor * values[self.of]
        return max(0, int(result)) if whole_number else result


@dataclass(frozen=True)
class Control:
    """How the explorer shows an argument: the usual range of its slider (widened to fit any
    valid value given), its step, a log scale, and where it starts when nothing is given.

    >>> Control(low=0, high=Relative("num_training_steps", 0.5)).at("high", {"num_training_steps": 101}, True)
    50
    """

    low: float | Relative | None = None
    high: float | Relative | None = None
    step: float | None = None
    log: bool = False
    start: Any = None

    def at(self, bound: str, values: Mapping[str, Any], whole_number: bool) -> Any:
        """``low``, ``high`` or ``start`` as a number, a ``Relative`` one computed from ``values``."""
        declared = getattr(self, bound)
        return declared.value(values, whole_number) if isinstance(declared, Relative) else declared
