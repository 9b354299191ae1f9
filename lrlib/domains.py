"""The values an argument accepts, as data: ``Domain`` and its constructors ``real``, ``whole``
and ``one_of``.

A domain is an interval (each end open or closed, an end may be the optimizer's lr, ``LR``), a
whole number at least some minimum, a set of choices, or a flag. Validation
(``lrlib.validate.check_value``) checks a value against it and ``text`` says it in words, so the
messages, ``help(lrlib.get_scheduler)`` and the README table say the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

LR = "lr"
"""A bound equal to the optimizer's default lr (``optimizer.defaults['lr']``), as in transformers."""


@dataclass(frozen=True)
class Domain:
    """The values an argument accepts.

    ``kind`` is ``"real"`` (a finite number), ``"whole"`` (an int; a bool is refused), ``"choice"``
    (one of ``choices``) or ``"flag"`` (True or False). Numbers lie between ``low`` and ``high``
    (None: unbounded; ``LR``: the optimizer's lr), each end closed unless ``low_open``/``high_open``.

    >>> Domain("real", low=0.0, high=LR, high_open=True).text(lr=1e-3)
    'in [0, lr=0.001)'
    """

    kind: str
    low: float | str | None = None
    high: float | str | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] = ()

    def bounds(self, lr: float | None = None) -> tuple[float | None, float | None]:
        """``low`` and ``high`` as numbers, ``LR`` replaced by ``lr``."""
        low, high = (lr if bound == LR else bound for bound in (self.low, self.high))
        return low, high

    def contains(self, value: Any, lr: float | None = None) -> bool:
        """Whether a value of the right type lies in the domain."""
        if self.kind in ("choice", "flag"):
            return value in (self.choices or (False, True))
        low, high = self.bounds(lr)
        if not math.isfinite(value):
            return False
        above = low is None or (value > low if self.low_open else value >= low)
        below = high is None or (value < high if self.high_open else value <= high)
        return above and below

    def text(self, lr: float | None = None) -> str:
        """The domain in words: ``> 0``, ``in [0, 1]``, ``one of 'linear', 'cosine'``."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "flag":
            return "True or False"
        names = [_bound_text(bound, lr) for bound in (self.low, self.high)]
        if self.high is None and self.low is not None:
            words = f"{'>' if self.low_open else '>='} {names[0]}"
        elif self.low is None and self.high is not None:
            words = f"{'<' if self.high_open else '<='} {names[1]}"
        elif self.low is None:
            words = "any value"
        else:
            words = f"in {'(' if self.low_open else '['}{names[0]}, {names[1]}{')' if self.high_open else ']'}"
        return f"a whole number {words}" if self.kind == "whole" else words


def _bound_text(bound: Any, lr: float | None) -> str:
    if bound == LR:
        return "lr" if lr is None else f"lr={lr!r}"
    return f"{bound:g}" if isinstance(bound, float) else str(bound)


def real(low: float | str | None = None, high: float | str | None = None, *, low_open: bool = False,
         high_open: bool = False) -> Domain:
    """A finite number between ``low`` and ``high``."""
    return Domain("real", low, high, low_open, high_open)


def whole(minimum: int = 0) -> Domain:
    """A whole number >= ``minimum``."""
    return Domain("whole", low=minimum)


def one_of(*choices: Any) -> Domain:
    """One of ``choices``."""
    return Domain("choice", choices=tuple(choices))
