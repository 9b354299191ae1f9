"""The explorer's picture: ``svg_plot`` writes the curves as an SVG the browser draws, in the
style of ``lrlib.plot_curves`` (axes, ticks, the warmup shaded, peak and end marked).

The kernel writes it from the decimated curves (``lrlib.decimate``): a redraw costs a few
milliseconds even for a million steps, where rendering text and ticks with matplotlib would cost
tens. Only matplotlib's tick locators are used, to place ticks where ``plot_curves`` would.
"""

from __future__ import annotations

import html
import math

import numpy as np
from matplotlib.ticker import LogLocator, MaxNLocator

from .plot import OKABE_ITO, WARMUP_COLOUR, _step_label, decimate

WIDTH, HEIGHT = 760, 330
"""The picture's size in pixels."""
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 30, 44


def final_lr(curve: np.ndarray) -> float:
    """The last lr, with float dust (below 1e-9 of the peak) read as the 0 it stands for."""
    return float(curve[-1]) if abs(curve[-1]) > 1e-9 * float(np.max(np.abs(curve))) else 0.0


def _ticks(low: float, high: float, log_y: bool) -> np.ndarray:
    locator = LogLocator(base=10, numticks=8) if log_y else MaxNLocator(nbins=6)
    ticks = np.asarray(locator.tick_values(low, high))
    return ticks[(ticks >= low * (1 - 1e-9)) & (ticks <= high * (1 + 1e-9))]


def svg_plot(curves: dict[str, np.ndarray], *, warmup: int, log_y: bool, version: int, title: str) -> str:
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
        end = final_lr(curve)
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
