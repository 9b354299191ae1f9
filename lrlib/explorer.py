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

What the explorer shows lives in one ``Settings``, which the registry checks as it checks
``get_scheduler``'s arguments; the widgets display it and write to it. The picture is an SVG
(``lrlib.svgplot``) the browser draws; ``Explorer.plot`` draws the same curves with
``lrlib.plot_curves`` for a static figure.
"""

from __future__ import annotations

import html
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.axes import Axes

from .plot import plot_curves
from .svgplot import WIDTH, final_lr, svg_plot
from .scheduler import lr_curve
from .controls import Relative
from .domains import LR
from .registry import (
    COMMON_PARAMS, CURVE_NAMES, DEFAULT_LR, LR_PARAM, NUM_TRAINING_STEPS, NUM_WARMUP_STEPS, REQUIRED, SCHEDULES, Param,
)
from .validate import check_arguments, check_flag, check_param, check_value, curve_schedule_for

MAX_STEPS = 10_000_000
"""The longest run ``explore()`` draws (it computes every step)."""
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


def key(param: Param) -> str:
    """Where ``Settings.values`` keeps a parameter: its name and kind (cosine's num_cycles is a real
    number, cosine_with_restarts's a whole one)."""
    return f"{param.name}:{param.kind.__name__}"


def _takers(name: str) -> list[str]:
    return [s.name for s in SCHEDULES.values() if any(p.name == name for p in s.params)]


@dataclass
class Settings:
    """Everything the explorer shows, in one place: its widgets display it and write to it, and
    the registry checks it (``lrlib.validate.check_arguments``, as ``get_scheduler`` checks them).

    ``name`` is the schedule drawn and ``compare`` a second one (or None); ``lr``,
    ``num_training_steps`` and ``num_warmup_steps`` the arguments every schedule shares;
    ``values`` each schedule parameter's value by ``key(param)``, so a schedule shown again
    shows what was set; ``passed`` the keys of the optional parameters that are passed. A value
    is what the snippet shows: as given to ``explore()``, or a control's value rounded for reading.
    """

    name: str = "cosine"  # where the explorer starts when nothing is given: the source article's run
    compare: str | None = None
    log_y: bool = False
    lr: float = DEFAULT_LR
    num_training_steps: int = 1950
    num_warmup_steps: int = 100
    values: dict[str, Any] = field(default_factory=dict)
    passed: set[str] = field(default_factory=set)

    @classmethod
    def given(cls, **defaults: Any) -> Settings:
        """The settings ``explore(**defaults)`` starts from, each checked as ``get_scheduler``
        checks it (a TypeError or ValueError naming the argument)."""
        every = {p.name for s in SCHEDULES.values() for p in s.params}
        common = ("name", "compare", "log_y", "lr", "num_training_steps", "num_warmup_steps")
        unknown = sorted(set(defaults) - set(common) - every)
        if unknown:
            raise TypeError(f"explore() got unknown settings {unknown}; it takes {', '.join(common)} and the "
                            "schedules' parameters (e.g. num_cycles=2, min_lr_rate=0.1).")
        settings = cls(name=curve_schedule_for(defaults.get("name", cls.name)).name)
        if defaults.get("compare") not in (None, ""):
            settings.compare = curve_schedule_for(defaults["compare"]).name
        settings.log_y = check_flag("log_y", defaults.get("log_y", cls.log_y))
        settings.lr = check_param(LR_PARAM, defaults.get("lr", cls.lr))
        settings.num_training_steps = _drawable_steps(defaults.get("num_training_steps", cls.num_training_steps))
        settings.num_warmup_steps = check_param(
            NUM_WARMUP_STEPS, defaults.get("num_warmup_steps", min(cls.num_warmup_steps, settings.num_training_steps)))
        drawn = [SCHEDULES[name] for name in (settings.name, settings.compare) if name]
        for name in sorted(set(defaults) & every):
            owner = next((s for s in drawn if any(p.name == name for p in s.params)), None)
            if owner is None:
                raise TypeError(f"explore() got {name}={defaults[name]!r}, but {settings.name!r} does not take it; "
                                f"it belongs to {', '.join(_takers(name))}. Pass name= one of those, or leave {name} "
                                "out.")
            param = owner.param(name)
            settings.values[key(param)] = defaults[name]
            if param.optional:
                settings.passed.add(key(param))
        for schedule in SCHEDULES.values():  # of alternatives none of which is given, pass the first
            for group in schedule.alternatives:
                if not any(name in defaults for name in group.names) and group.names[0] in every:
                    settings.passed.add(key(schedule.param(group.names[0])))
        for schedule in drawn:
            arguments = settings.arguments(schedule.name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a warning is shown under the picture, not raised here
                _, checked = check_arguments(
                    schedule.name, lr=settings.lr, num_warmup_steps=arguments.get("num_warmup_steps"),
                    num_training_steps=arguments.get("num_training_steps"),
                    scheduler_specific_kwargs=arguments["scheduler_specific_kwargs"])
            for param in schedule.params:
                if key(param) in settings.values and checked.get(param.name) is not None:
                    settings.values[key(param)] = checked[param.name]
        return settings

    def value(self, param: Param) -> Any:
        """A parameter's value; one never set starts where its control starts."""
        if key(param) not in self.values:
            self.values[key(param)] = start_value(param, {"lr": self.lr, "num_training_steps": self.num_training_steps})
        return self.values[key(param)]

    def arguments(self, name: str) -> dict[str, Any]:
        """The arguments of ``get_scheduler`` for schedule ``name`` (and the optimizer's lr)."""
        schedule = SCHEDULES[name]
        specific = {p.name: self.value(p) for p in schedule.params if not p.optional or key(p) in self.passed}
        arguments: dict[str, Any] = {"name": name, "lr": self.lr}
        if schedule.warmup != "ignored":
            arguments["num_warmup_steps"] = self.num_warmup_steps
        # of alternatives that include num_training_steps, pass one: a given partner replaces it
        replaced = any("num_training_steps" in group.names and any(n in specific for n in group.names)
                       for group in schedule.alternatives)
        if schedule.training != "ignored" and not replaced:
            arguments["num_training_steps"] = self.num_training_steps
        arguments["scheduler_specific_kwargs"] = specific
        return arguments

    def curve(self, name: str) -> np.ndarray:
        """The lr of schedule ``name`` at every step of the run, from ``lr_curve``."""
        arguments = self.arguments(name)
        return lr_curve(arguments.pop("name"), _drawable_steps(self.num_training_steps), **arguments)


class Explorer(widgets.VBox):
    """The widget ``explore()`` returns. Reach its parts as attributes:

    ``settings`` (what it shows, a ``Settings``), ``controls`` (name -> widget: the common ones
    and the shown schedule's parameters), ``figure`` (HTML widget holding the SVG), ``message``
    (peak/final lr, or the error), ``snippet`` (HTML widget) and ``code`` (its text: the
    transformers call), ``curves`` (label -> full lr array as drawn), ``kernel_ms`` (time of the
    last redraw).
    """

    def __repr__(self) -> str:
        """What a page without a live kernel (GitHub, nbviewer) shows instead of the widget."""
        return f"lrlib.explore: the {self.settings.name!r} explorer appears when the notebook runs live"

    def __init__(self, **defaults: Any) -> None:
        self.settings = Settings.given(**defaults)
        settings = self.settings
        self._redraws = 0
        self.curves: dict[str, np.ndarray] = {}
        self.code = ""
        self.kernel_ms = 0.0
        values = {"lr": settings.lr, "num_training_steps": settings.num_training_steps}
        self._common = {
            "name": widgets.Dropdown(options=list(CURVE_NAMES), value=settings.name, description="schedule",
                                     style=_STYLE),
            "compare": widgets.Dropdown(options=[("(none)", "")] + [(n, n) for n in CURVE_NAMES],
                                        value=settings.compare or "", description="compare with", style=_STYLE),
            "log_y": widgets.Checkbox(value=settings.log_y, description="log scale", indent=False),
            **{param.name: _control(param, getattr(settings, param.name), values) for param in COMMON_PARAMS},
        }
        self._common["num_warmup_steps"].max = max(self._common["num_warmup_steps"].max, settings.num_training_steps)
        self.controls: dict[str, widgets.Widget] = {}
        self._params_box = widgets.VBox()
        self.figure = widgets.HTML(layout=widgets.Layout(width=f"{WIDTH + 10}px"))
        self.message = widgets.HTML()
        self.snippet = widgets.HTML()
        self._show_params()
        for name, control in self._common.items():
            control.observe(self._on_schedule if name == "name" else self._on_common, "value")
        c = self._common
        super().__init__([
            widgets.HBox([c["name"], c["compare"], c["log_y"]]),
            c["lr"], c["num_training_steps"], c["num_warmup_steps"],
            self._params_box, self.message, self.figure, self.snippet,
        ])
        self.add_class("lrlib-explore")
        self.redraw()

    # ------------------------------------------------------------------ controls: they show and set self.settings

    def _param_control(self, param: Param) -> widgets.Widget:
        """A control for one parameter of the shown schedule; optional ones come with a 'pass' tick box."""
        values = {"lr": self.settings.lr, "num_training_steps": self.settings.num_training_steps}
        control = _control(param, self.settings.value(param), values)
        control.param = param
        control.observe(self._on_param, "value")
        if not param.optional:
            return control
        optional = _Optional(control, key(param) in self.settings.passed)
        optional.param = param
        optional.enabled.param = param
        optional.enabled.observe(self._on_pass, "value")
        return optional

    def _show_params(self) -> None:
        schedule = SCHEDULES[self.settings.name]
        params = {param.name: self._param_control(param) for param in schedule.params}
        self.controls = {**self._common, **params}
        self._params_box.children = list(params.values())
        self._common["num_warmup_steps"].disabled = schedule.warmup == "ignored"

    def _on_schedule(self, change: Any) -> None:
        self.settings.name = change["new"]
        self._show_params()
        self.redraw()

    def _on_common(self, change: Any) -> None:
        name = next(n for n, control in self._common.items() if control is change["owner"])
        value = change["new"]
        if name == "lr":
            value = _sig(value, 3)
        elif name == "compare":
            value = value or None
        setattr(self.settings, name, value)
        if name in ("lr", "num_training_steps"):
            try:
                _drawable_steps(self.settings.num_training_steps)
            except (TypeError, ValueError):
                pass  # a length that cannot be drawn changes no other control; redraw says why
            else:
                self._sync_limits()
        self.redraw()

    def _on_param(self, change: Any) -> None:
        control = change["owner"]
        value = change["new"]
        if isinstance(value, float):
            value = _sig(value, 3 if isinstance(control, widgets.FloatLogSlider) else 6)
        self.settings.values[key(control.param)] = value
        self.redraw()

    def _on_pass(self, change: Any) -> None:
        """Tick or untick an optional argument; ticking one of exactly-one alternatives (min_lr,
        min_lr_rate) unticks the others."""
        param = change["owner"].param
        if change["new"]:
            self.settings.passed.add(key(param))
            schedule = SCHEDULES[self.settings.name]
            others = {n for g in schedule.alternatives if g.exactly and param.name in g.names for n in g.names}
            for other in others - {param.name}:
                control = self.controls.get(other)
                if isinstance(control, _Optional):
                    control.enabled.value = False
        else:
            self.settings.passed.discard(key(param))
        self.redraw()

    def _sync_limits(self) -> None:
        """Keep warmup, and every control whose range is declared relative to the training length
        or the lr, within its new range."""
        values = {"lr": self.settings.lr, "num_training_steps": self.settings.num_training_steps}
        with self.hold_sync():
            self._common["num_warmup_steps"].max = self.settings.num_training_steps
            for name, control in self.controls.items():
                if name in self._common or not isinstance(control.param.control.high, Relative):
                    continue
                inner, param = _inner(control), control.param
                high = param.control.at("high", values, param.kind is int)
                if isinstance(inner, widgets.FloatLogSlider):
                    high = math.ceil(math.log10(high))
                inner.max = max(high, inner.min)

    # ------------------------------------------------------------------ drawing

    def _compute(self) -> tuple[dict[str, np.ndarray], list[Any]]:
        """The curves of the schedule and the one compared with, and the warnings they raised."""
        name, compare = self.settings.name, self.settings.compare
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            curves = {name: self.settings.curve(name)}
            if compare and compare != name:
                curves[compare] = self.settings.curve(compare)
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
                         f"final lr {final_lr(curve):.3g} at step {len(curve) - 1:,}")
        return "<br>".join(parts)

    def _snippet(self) -> str:
        arguments = self.settings.arguments(self.settings.name)
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
        settings = self.settings
        warmup = settings.num_warmup_steps if SCHEDULES[settings.name].warmup != "ignored" else 0
        title = f"{' vs '.join(self.curves)} · lr {_sig(settings.lr):g} · {settings.num_training_steps:,} steps"
        return svg_plot(self.curves, warmup=warmup, log_y=settings.log_y, version=self._redraws, title=title)

    def plot(self, ax: Axes | None = None) -> Axes:
        """The current curves drawn by ``lrlib.plot_curves`` (a static matplotlib figure)."""
        schedule = SCHEDULES[self.settings.name]
        warmup = self.settings.num_warmup_steps if schedule.warmup != "ignored" else None
        return plot_curves(self.curves, ax=ax, num_warmup_steps=warmup, title=schedule.name, log_y=self.settings.log_y)


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
