"""``explore()``: pick a schedule, move sliders, watch the curve and the transformers call change.

Every control is built from the registry (``lrlib.registry``): its kind, its usual range and
step, and where it starts. The explorer never changes a value silently: the settings given to
``explore()`` are checked exactly as ``get_scheduler`` checks them (a ValueError or TypeError
naming the argument), a valid value outside a slider's usual range widens the range, and the
snippet shows each given value as given.

The training length spans decades (a toy run of 100 steps, a real one of 100,000), so its control
(``StepsControl``) is a slider on a log scale, which moves by about 2% a stop at any length, with
a box beside it to type the exact number. A typed number the explorer cannot draw (below 1, above
``MAX_STEPS``) is kept as typed and refused with a message, never clamped.

The picture is an SVG the kernel writes from the decimated curves (``lrlib.decimate``) and the
browser draws: a redraw costs the kernel a few milliseconds even for a million steps, where
rendering text and ticks with matplotlib would cost tens. ``Explorer.plot`` draws the same
settings with ``lrlib.plot_curves`` for a static figure.
"""

from __future__ import annotations

import html
import math
import time
import warnings
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.axes import Axes
from matplotlib.ticker import LogLocator, MaxNLocator

from .plot import OKABE_ITO, WARMUP_COLOUR, _step_label, decimate, plot_curves
from .scheduler import lr_curve
from .controls import Relative
from .domains import LR
from .registry import (
    COMMON_PARAMS, CURVE_NAMES, DEFAULT_LR, LR_PARAM, NUM_TRAINING_STEPS, NUM_WARMUP_STEPS, REQUIRED, SCHEDULES, Param,
)
from .validate import check_flag, check_param, check_value, curve_schedule_for

MAX_STEPS = 10_000_000
"""The longest run ``explore()`` draws (it computes every step)."""
WIDTH, HEIGHT = 760, 330
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 30, 44
_STARTS = {"name": "cosine", "compare": None, "log_y": False, "lr": DEFAULT_LR, "num_training_steps": 1950,
           "num_warmup_steps": 100}
"""Where the explorer starts when nothing is given: the source article's run."""
_COMMON = tuple(_STARTS)
_STYLE = {"description_width": "130px"}
_LABELS = {"lr": "lr", "num_training_steps": "training steps", "num_warmup_steps": "warmup steps"}
STOPS_PER_DECADE = 100
"""How many stops a log-scale count slider has per decade: each about 2.3% above the last (3 significant digits make it 1% to 4%)."""


def count_stops(high: int) -> list[int]:
    """The whole numbers a log-scale count slider stops at, from 1 to at least ``high``.

    Every whole number up to about 50, then 100 stops a decade (2% to 4% apart),
    each rounded to 3 significant digits (..., 1910, 1950, 2000, ...), up to the decade that holds ``high``.

    >>> stops = count_stops(1_000_000)
    >>> stops[:5], stops[-1], len(stops)
    ([1, 2, 3, 4, 5], 1000000, 480)
    >>> 1950 in stops, 100_000 in stops
    (True, True)
    """
    decades = max(1, math.ceil(math.log10(max(1, high))))
    values = {float(f"{10 ** (k / STOPS_PER_DECADE):.3g}") for k in range(decades * STOPS_PER_DECADE + 1)}
    return sorted({int(round(v)) for v in values})


def nearest_stop(stops: list[int], value: float) -> int:
    """The index of the stop nearest ``value`` on a log scale (the first or last one outside the range).

    >>> stops = count_stops(10_000)
    >>> stops[nearest_stop(stops, 1950)], stops[nearest_stop(stops, 1234)], nearest_stop(stops, 0)
    (1950, 1230, 0)
    """
    if value <= stops[0]:
        return 0
    if value >= stops[-1]:
        return len(stops) - 1
    above = int(np.searchsorted(stops, value))
    below = above - 1
    return above if math.log(stops[above] / value) < math.log(value / stops[below]) else below


class StepsControl(widgets.HBox):
    """A whole number that spans decades, such as the training length: a slider on a log scale
    (``slider``, which moves ``value`` from stop to stop of ``stops``) and a box to type the exact
    number (``box``). ``value`` is the number, whichever set it.

    A typed number between stops stays as typed (the slider shows the nearest stop); one above
    the slider's range widens the range, up to the decade that holds ``limit``. Nothing is
    clamped: a number below 1 or above ``limit`` stays in ``value`` for the explorer to refuse.
    """

    value = traitlets.Int(1)
    disabled = traitlets.Bool(False)

    def __init__(self, value: int, *, high: int, limit: int, description: str, style: dict, width: int = 560) -> None:
        self.limit = limit
        self.stops = count_stops(max(high, min(value, limit)))
        self._syncing = False
        self.slider = widgets.IntSlider(value=nearest_stop(self.stops, value), min=0, max=len(self.stops) - 1,
                                        readout=False, description=description, style=style,
                                        layout=widgets.Layout(width=f"{width - 120}px"))
        self.box = widgets.IntText(value=value, layout=widgets.Layout(width="110px"))
        self.box.add_class("lrlib-steps-box")
        super().__init__([self.slider, self.box], value=value)
        self.add_class("lrlib-steps")
        self.slider.observe(self._from_slider, "value")
        self.box.observe(self._from_box, "value")

    @property
    def max(self) -> int:
        """The slider's last stop."""
        return self.stops[-1]

    def _from_slider(self, change: Any) -> None:
        if not self._syncing:
            self.value = self.stops[change["new"]]

    def _from_box(self, change: Any) -> None:
        if not self._syncing:
            self.value = change["new"]

    @traitlets.observe("value")
    def _show(self, change: Any) -> None:
        """Put a new value in the box and the slider on its nearest stop, widening the range to hold it."""
        value = change["new"]
        if not hasattr(self, "slider"):
            return
        if self.stops[-1] < value <= self.limit:
            self.stops = count_stops(value)
        self._syncing = True
        try:
            self.slider.max = len(self.stops) - 1
            self.slider.value = nearest_stop(self.stops, value)
            self.box.value = value
        finally:
            self._syncing = False

    @traitlets.observe("disabled")
    def _disable(self, change: Any) -> None:
        self.slider.disabled = self.box.disabled = change["new"]


def _sig(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant digits, so the slider and the snippet agree."""
    return float(f"{value:.{digits}g}")


def start_value(param: Param, values: dict[str, Any]) -> Any:
    """What a parameter's control shows before the user touches it (when nothing is given)."""
    control = param.control
    if control.start is not None:
        return control.at("start", values, param.kind is int)
    if param.default is not None and param.default is not REQUIRED:
        return param.default
    return param.domain.low if param.domain.low not in (None, LR) else 0


def _control(param: Param, value: Any, values: dict[str, Any]) -> widgets.Widget:
    """A widget for one declared argument, showing ``value`` exactly: the slider's usual range
    (``param.control``) is widened to hold any valid value."""
    layout = widgets.Layout(width="560px")
    description = _LABELS.get(param.name, param.name)
    common = dict(description=description, style=_STYLE)
    if param.domain.kind == "choice":
        return widgets.Dropdown(options=list(param.domain.choices), value=value, **common)
    if param.domain.kind == "flag":
        return widgets.Checkbox(value=value, indent=False, description=description)
    control = param.control
    low = control.at("low", values, param.kind is int)
    high = control.at("high", values, param.kind is int)
    if param.name == NUM_TRAINING_STEPS.name:
        return StepsControl(value, high=high, limit=MAX_STEPS, **common)
    if param.kind is int:
        return widgets.IntSlider(value=value, min=min(low, value), max=max(high, value, low),
                                 step=int(control.step or 1), layout=layout, **common)
    if control.log and value > 0:
        return widgets.FloatLogSlider(value=value, base=10, min=math.floor(math.log10(min(low, value))),
                                      max=math.ceil(math.log10(max(high, value))), step=control.step,
                                      layout=layout, **common)
    if control.log:  # a log slider cannot show 0: a linear one from the domain's low end
        low = 0.0
    return widgets.FloatSlider(value=value, min=min(low, value), max=max(high, value),
                               step=control.step or (high - low) / 100, readout_format=".3g", layout=layout, **common)


def _inner(control: widgets.Widget) -> widgets.Widget:
    return control.control if isinstance(control, _Optional) else control


class _Optional(widgets.HBox):
    """An argument that may be left out (default None): a tick box to pass it, and its control."""

    def __init__(self, control: widgets.Widget, enabled: bool) -> None:
        self.enabled = widgets.Checkbox(value=enabled, description="pass", indent=False,
                                        layout=widgets.Layout(width="60px"))
        self.control = control
        control.disabled = not enabled
        self.enabled.observe(lambda change: setattr(control, "disabled", not change["new"]), "value")
        super().__init__([control, self.enabled])


class Explorer(widgets.VBox):
    """The widget ``explore()`` returns. Reach its parts as attributes:

    ``controls`` (name -> widget: the common ones and the shown schedule's parameters),
    ``figure`` (HTML widget holding the SVG), ``message`` (peak/final lr, or the error),
    ``snippet`` (HTML widget) and ``code`` (its text: the transformers call),
    ``curves`` (label -> full lr array as drawn), ``kernel_ms`` (time of the last redraw).
    """

    def __repr__(self) -> str:
        """What a page without a live kernel (GitHub, nbviewer) shows instead of the widget."""
        return f"lrlib.explore: the {self.controls['name'].value!r} explorer appears when the notebook runs live"

    def __init__(self, **defaults: Any) -> None:
        self._given = self._checked(defaults)
        given = self._given
        self._params: dict[str, widgets.Widget] = {}
        self._redraws = 0
        self.curves: dict[str, np.ndarray] = {}
        self.code = ""
        self.kernel_ms = 0.0

        values = {name: given.get(name, _STARTS[name]) for name in _COMMON}
        values["num_warmup_steps"] = given.get("num_warmup_steps", min(_STARTS["num_warmup_steps"],
                                                                      values["num_training_steps"]))
        common = {param.name: _control(param, values[param.name], values) for param in COMMON_PARAMS}
        self.controls: dict[str, widgets.Widget] = {
            "name": widgets.Dropdown(options=list(CURVE_NAMES), value=values["name"], description="schedule",
                                     style=_STYLE),
            "compare": widgets.Dropdown(options=[("(none)", "")] + [(n, n) for n in CURVE_NAMES],
                                        value=values["compare"] or "", description="compare with", style=_STYLE),
            "log_y": widgets.Checkbox(value=values["log_y"], description="log scale", indent=False),
            **common,
        }
        self.controls["num_warmup_steps"].max = max(self.controls["num_warmup_steps"].max, values["num_training_steps"])
        self._params_box = widgets.VBox()
        self.figure = widgets.HTML(layout=widgets.Layout(width=f"{WIDTH + 10}px"))
        self.message = widgets.HTML()
        self.snippet = widgets.HTML()
        self._common_controls = dict(self.controls)
        self._show_params()
        self._compute()  # the given settings, checked as get_scheduler checks them: errors are raised here
        for key in ("lr", "num_training_steps", "num_warmup_steps", "log_y", "compare"):
            self.controls[key].observe(self._on_change, "value")
        self.controls["name"].observe(self._on_schedule, "value")
        c = self._common_controls
        super().__init__([
            widgets.HBox([c["name"], c["compare"], c["log_y"]]),
            c["lr"], c["num_training_steps"], c["num_warmup_steps"],
            self._params_box, self.message, self.figure, self.snippet,
        ])
        self.add_class("lrlib-explore")
        self.redraw()

    @staticmethod
    def _checked(defaults: dict[str, Any]) -> dict[str, Any]:
        """The settings given to ``explore()``, each checked against its declaration."""
        every = {p.name for s in SCHEDULES.values() for p in s.params}
        unknown = sorted(set(defaults) - set(_COMMON) - every)
        if unknown:
            raise TypeError(f"explore() got unknown settings {unknown}; it takes {', '.join(_COMMON)} and the "
                            "schedules' parameters (e.g. num_cycles=2, min_lr_rate=0.1).")
        given = dict(defaults)
        given["name"] = curve_schedule_for(given.get("name", _STARTS["name"])).name
        if given.get("compare") not in (None, ""):
            given["compare"] = curve_schedule_for(given["compare"]).name
        if "log_y" in given:
            given["log_y"] = check_flag("log_y", given["log_y"])
        if "lr" in given:
            given["lr"] = check_param(LR_PARAM, given["lr"])
        if "num_training_steps" in given:
            given["num_training_steps"] = _drawable_steps(given["num_training_steps"])
        if "num_warmup_steps" in given:
            given["num_warmup_steps"] = check_param(NUM_WARMUP_STEPS, given["num_warmup_steps"])
        schedules = [SCHEDULES[given["name"]]] + ([SCHEDULES[given["compare"]]] if given.get("compare") else [])
        lr = given.get("lr", _STARTS["lr"])
        for name in sorted(set(given) & every):
            owner = next((s for s in schedules if any(p.name == name for p in s.params)), None)
            if owner is None:
                takers = [s.name for s in SCHEDULES.values() if any(p.name == name for p in s.params)]
                raise TypeError(f"explore() got {name}={given[name]!r}, but {given['name']!r} does not take it; "
                                f"it belongs to {', '.join(takers)}. Pass name= one of those, or leave {name} out.")
            given[name] = check_param(owner.param(name), given[name], lr)
        return given

    # ------------------------------------------------------------------ controls

    def _values(self) -> dict[str, Any]:
        return {"lr": self._common_controls["lr"].value,
                "num_training_steps": self._common_controls["num_training_steps"].value}

    def _starts_enabled(self, param: Param) -> bool:
        """An optional argument is passed when given, or when it is the first of alternatives none of
        which was given (min_lr_rate, so that a floor is given exactly once)."""
        if param.name in self._given:
            return True
        for schedule in SCHEDULES.values():
            for group in schedule.alternatives:
                if param.name in group.names and not any(n in self._given for n in group.names):
                    return group.names[0] == param.name
        return False

    def _param_control(self, param: Param) -> widgets.Widget:
        """The (cached) control of one parameter; optional ones come with a 'pass' tick box."""
        key = f"{param.name}:{param.kind.__name__}"
        if key not in self._params:
            given = self._given.get(param.name)
            if given is not None:
                try:
                    given = check_param(param, given, self._values()["lr"])
                except (TypeError, ValueError):  # given for another schedule whose domain differs
                    given = None
            value = start_value(param, self._values()) if given is None else given
            control = _control(param, value, self._values())
            if param.optional:
                control = _Optional(control, self._starts_enabled(param))
                control.enabled.observe(self._on_pass, "value")
                control.control.observe(self._on_change, "value")
            else:
                control.observe(self._on_change, "value")
            control.param = param
            self._params[key] = control
        return self._params[key]

    def _show_params(self) -> None:
        schedule = SCHEDULES[self._common_controls["name"].value]
        self.controls = dict(self._common_controls)
        for param in schedule.params:
            self.controls[param.name] = self._param_control(param)
        self._params_box.children = [self.controls[p.name] for p in schedule.params]
        self._common_controls["num_warmup_steps"].disabled = schedule.warmup == "ignored"

    def _on_schedule(self, _change: Any) -> None:
        self._show_params()
        self.redraw()

    def _on_pass(self, change: Any) -> None:
        """Ticking one of exactly-one alternatives (min_lr, min_lr_rate) unticks the others."""
        if change["new"]:
            name = next(c.param.name for c in self._params.values()
                        if isinstance(c, _Optional) and c.enabled is change["owner"])
            others = {n for s in SCHEDULES.values() for g in s.alternatives if g.exactly and name in g.names
                      for n in g.names} - {name}
            for control in self._params.values():
                if isinstance(control, _Optional) and control.param.name in others:
                    control.enabled.value = False
        self.redraw()

    def _on_change(self, change: Any) -> None:
        if change["owner"] in (self._common_controls["num_training_steps"], self._common_controls["lr"]):
            try:
                _drawable_steps(self._common_controls["num_training_steps"].value)
            except ValueError:
                pass  # a length that cannot be drawn changes no other control; redraw says why
            else:
                self._sync_limits()
        self.redraw()

    def _sync_limits(self) -> None:
        """Keep warmup, and every control whose range is declared relative to the training length
        or the lr, within its new range."""
        values = self._values()
        with self.hold_sync():
            self._common_controls["num_warmup_steps"].max = values["num_training_steps"]
            for control in self._params.values():
                inner, declared = _inner(control), control.param.control.high
                if not isinstance(declared, Relative):
                    continue
                high = control.param.control.at("high", values, control.param.kind is int)
                if isinstance(inner, widgets.FloatLogSlider):
                    high = math.ceil(math.log10(high))
                inner.max = max(high, inner.min)

    # ------------------------------------------------------------------ settings

    def _as_given(self, name: str, value: Any, digits: int) -> Any:
        """The value a control shows, as given to explore() if unchanged, else rounded for reading."""
        if name in self._given and value == self._given[name]:
            return self._given[name]
        return _sig(value, digits) if isinstance(value, float) else value

    def _specific(self, name: str) -> dict[str, Any]:
        """The scheduler_specific_kwargs the controls give for schedule ``name``."""
        kwargs = {}
        for param in SCHEDULES[name].params:
            control = self._param_control(param)
            if isinstance(control, _Optional) and not control.enabled.value:
                continue
            inner = _inner(control)
            kwargs[param.name] = self._as_given(param.name, inner.value,
                                                3 if isinstance(inner, widgets.FloatLogSlider) else 6)
        return kwargs

    def settings(self, name: str | None = None) -> dict[str, Any]:
        """The arguments of ``get_scheduler`` (and the optimizer's lr) the controls describe."""
        c = self._common_controls
        name = name or c["name"].value
        schedule = SCHEDULES[name]
        specific = self._specific(name)
        arguments: dict[str, Any] = {"name": name, "lr": self._as_given("lr", c["lr"].value, 3)}
        if schedule.warmup != "ignored":
            arguments["num_warmup_steps"] = c["num_warmup_steps"].value
        # of alternatives that include num_training_steps, pass one: a given partner replaces it
        replaced = any("num_training_steps" in group.names and any(n in specific for n in group.names)
                       for group in schedule.alternatives)
        if schedule.training != "ignored" and not replaced:
            arguments["num_training_steps"] = c["num_training_steps"].value
        arguments["scheduler_specific_kwargs"] = specific
        return arguments

    def _curve(self, name: str) -> np.ndarray:
        arguments = self.settings(name)
        specific = arguments.pop("scheduler_specific_kwargs")
        num_steps = _drawable_steps(self._common_controls["num_training_steps"].value)
        return lr_curve(arguments.pop("name"), num_steps, **arguments, **specific)

    # ------------------------------------------------------------------ drawing

    def _compute(self) -> tuple[dict[str, np.ndarray], list[Any]]:
        """The curves of the schedule and the one compared with, and the warnings they raised."""
        name, compare = self._common_controls["name"].value, self._common_controls["compare"].value
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            curves = {name: self._curve(name)}
            if compare and compare != name:
                curves[compare] = self._curve(compare)
        return curves, caught

    def redraw(self) -> None:
        """Recompute the curves, the picture, the message line and the snippet."""
        start = time.perf_counter()
        try:
            curves, caught = self._compute()
        except (ValueError, TypeError) as error:
            self._show_error(str(error))
        else:
            self.curves = curves
            self._redraws += 1
            self.figure.value = self._svg()
            self.code = self._snippet()
            self.snippet.value = f"<pre class='lrlib-snippet'>{html.escape(self.code)}</pre>"
            notes = "".join(f"<br>⚠ {html.escape(str(w.message))}" for w in caught)
            self.message.value = f"<div class='lrlib-message'>{self._summary()}{notes}</div>"
        self.kernel_ms = 1e3 * (time.perf_counter() - start)

    def _show_error(self, text: str) -> None:
        if "lrlib-stale" not in self.figure.value:  # dim the last valid picture
            self.figure.value = f"<div class='lrlib-stale' style='opacity:0.35'>{self.figure.value}</div>"
        self.message.value = (f"<div class='lrlib-message lrlib-invalid' style='color:#B00020'>"
                              f"⚠ {html.escape(text)}</div>")
        self.code = f"# Not a valid schedule yet: {text}"
        self.snippet.value = f"<pre class='lrlib-snippet'>{html.escape(self.code)}</pre>"

    def _summary(self) -> str:
        parts = []
        for label, curve in self.curves.items():
            peak = int(np.argmax(curve))
            parts.append(f"<b>{html.escape(label)}</b>: peak lr {curve[peak]:.3g} at step {peak:,} · "
                         f"final lr {_final(curve):.3g} at step {len(curve) - 1:,}")
        return "<br>".join(parts)

    def _snippet(self) -> str:
        arguments = self.settings()
        lines = [
            "import torch",
            "from transformers import get_scheduler",
            "",
            f"optimizer = torch.optim.AdamW(model.parameters(), lr={arguments['lr']!r})",
            "scheduler = get_scheduler(",
            f"    {_py(arguments['name'])},",
            "    optimizer,",
        ]
        for key in ("num_warmup_steps", "num_training_steps"):
            if key in arguments:
                lines.append(f"    {key}={_py(arguments[key])},")
        if arguments["scheduler_specific_kwargs"]:
            lines.append(f"    scheduler_specific_kwargs={_py(arguments['scheduler_specific_kwargs'])},")
        lines.append(")")
        return "\n".join(lines)

    def _svg(self) -> str:
        log_y = self._common_controls["log_y"].value
        schedule = SCHEDULES[self._common_controls["name"].value]
        warmup = self._common_controls["num_warmup_steps"].value if schedule.warmup != "ignored" else 0
        steps = self._common_controls["num_training_steps"].value
        title = f"{' vs '.join(self.curves)} · lr {_sig(self._common_controls['lr'].value):g} · {steps:,} steps"
        return _svg_plot(self.curves, warmup=warmup, log_y=log_y, version=self._redraws, title=title)

    def plot(self, ax: Axes | None = None) -> Axes:
        """The current curves drawn by ``lrlib.plot_curves`` (a static matplotlib figure)."""
        schedule = SCHEDULES[self._common_controls["name"].value]
        warmup = self._common_controls["num_warmup_steps"].value if schedule.warmup != "ignored" else None
        return plot_curves(self.curves, ax=ax, num_warmup_steps=warmup, title=schedule.name,
                           log_y=self._common_controls["log_y"].value)


def _drawable_steps(value: Any) -> int:
    """``num_training_steps`` checked as get_scheduler checks it, and short enough to draw every step."""
    steps = check_value("num_training_steps", NUM_TRAINING_STEPS.domain, value, fix=NUM_TRAINING_STEPS.fix)
    if steps > MAX_STEPS:
        raise ValueError(f"explore() draws every step, up to num_training_steps={MAX_STEPS:,}; got {steps:,}. "
                         "Explore a shorter run with the same shape.")
    return steps


def _py(value: Any) -> str:
    """Python source for a value of the snippet, with double-quoted strings."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(k)}: {_py(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _final(curve: np.ndarray) -> float:
    """The last lr, with float dust (below 1e-9 of the peak) read as the 0 it stands for."""
    return float(curve[-1]) if abs(curve[-1]) > 1e-9 * float(np.max(np.abs(curve))) else 0.0


def _ticks(low: float, high: float, log_y: bool) -> np.ndarray:
    locator = LogLocator(base=10, numticks=8) if log_y else MaxNLocator(nbins=6)
    ticks = np.asarray(locator.tick_values(low, high))
    return ticks[(ticks >= low * (1 - 1e-9)) & (ticks <= high * (1 + 1e-9))]


def _svg_plot(curves: dict[str, np.ndarray], *, warmup: int, log_y: bool, version: int, title: str) -> str:
    """An SVG of the curves in the style of ``plot_curves``: axes, ticks, warmup, peak and end."""
    num_steps = max(len(c) for c in curves.values())
    top_value = max(float(np.max(c)) for c in curves.values()) or 1.0
    plot_height = HEIGHT - TOP - BOTTOM
    if log_y:
        positive = [c[c > 0] for c in curves.values()]
        low = max(min((float(p.min()) for p in positive if p.size), default=top_value), top_value * 1e-6)
        low, high = 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(top_value * 1.0001))

        def to_y(value):
            decades = math.log10(high) - np.log10(np.maximum(value, low * 1e-3))  # zeros sink below the frame
            return TOP + plot_height * decades / (math.log10(high) - math.log10(low))
    else:
        low = min(0.0, min(float(np.min(c)) for c in curves.values()))
        high = top_value * 1.1

        def to_y(value):
            return TOP + plot_height * (high - np.asarray(value)) / (high - low)

    span = max(1, num_steps - 1)

    def to_x(step):
        return LEFT + (WIDTH - LEFT - RIGHT) * np.asarray(step) / span

    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    out = [f'<svg class="lrlib-plot" data-version="{version}" xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" '
           f'font-size="11"><defs><clipPath id="lrlib-clip"><rect x="{LEFT}" y="{TOP}" width="{right - LEFT}" '
           f'height="{bottom - TOP}"/></clipPath></defs><rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>'
           f'<text x="{LEFT}" y="{TOP - 10}" font-size="13" font-weight="bold">{html.escape(title)}</text>']
    if warmup:
        x = float(to_x(min(warmup, span)))
        out.append(f'<rect class="warmup" x="{LEFT}" y="{TOP}" width="{x - LEFT:.1f}" height="{bottom - TOP}" '
                   f'fill="{WARMUP_COLOUR}" fill-opacity="0.18"/><text x="{x + 3:.1f}" y="{bottom - 5}" '
                   f'fill="#555">◂ warmup ({warmup:,})</text>')
    for tick in _ticks(0, span, False):
        x = float(to_x(tick))
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{bottom}" stroke="#ddd"/>'
                   f'<text x="{x:.1f}" y="{bottom + 15}" text-anchor="middle">{_step_label(tick)}</text>')
    for tick in _ticks(low, high, log_y):
        y = float(to_y(tick))
        out.append(f'<line x1="{LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end">{tick:.3g}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{right - LEFT}" height="{bottom - TOP}" fill="none" stroke="#444"/>'
               f'<text x="{(LEFT + right) / 2}" y="{HEIGHT - 6}" text-anchor="middle" font-size="12">step</text>'
               f'<text transform="translate(14 {(TOP + bottom) / 2}) rotate(-90)" text-anchor="middle" '
               f'font-size="12">learning rate</text>')
    for row, (label, curve) in enumerate(curves.items()):
        colour = OKABE_ITO[row % len(OKABE_ITO)]
        steps, values = decimate(curve, max_buckets=512)
        xs, ys = to_x(steps), to_y(values)
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs.tolist(), ys.tolist()))
        out.append(f'<polyline class="curve" data-label="{html.escape(label)}" clip-path="url(#lrlib-clip)" '
                   f'fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round" points="{points}"/>')
        peak = int(np.argmax(curve))
        end = _final(curve)
        marks = (("peak", peak, curve[peak], "start", 6), ("end", len(curve) - 1, end, "end", -6))
        for what, step, value, anchor, dx in marks:
            if log_y and value <= 0:
                continue
            x, y = float(to_x(step)), float(to_y(value))
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/><text x="{x + dx:.1f}" '
                       f'y="{y - 7 - 13 * row:.1f}" text-anchor="{anchor}" fill="{colour}">{what} {value:.3g}</text>')
        if len(curves) > 1:
            y = TOP + 14 + 15 * row
            out.append(f'<line x1="{right - 170}" x2="{right - 150}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
                       f'stroke-width="2"/><text x="{right - 145}" y="{y}">{html.escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def explore(**defaults: Any) -> Explorer:
    """A live explorer of transformers' schedules: pick one, move the sliders, copy the call.

    ``defaults`` set the starting values: ``name`` ("cosine"), ``lr`` (1e-3),
    ``num_training_steps`` (1950), ``num_warmup_steps`` (100), ``compare`` (a second schedule
    to draw, or None), ``log_y`` (False), and any schedule parameter (``num_cycles=2``, ...).

    >>> explorer = explore(name="linear", num_training_steps=1000, num_warmup_steps=50)
    >>> explorer.controls["num_warmup_steps"].value = 100
    >>> float(explorer.curves["linear"][100]), "num_warmup_steps=100" in explorer.code
    (0.001, True)
    """
    return Explorer(**defaults)
