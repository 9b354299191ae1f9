"""A live widget's output as a still, for the static editions (the book, the slides).

A notebook stores what each widget showed in its saved widget state (tools/normalize_notebooks.py
keeps it). A static page loads no widget JavaScript, so each widget output becomes HTML read from
that state: its HTML panes and the pictures of its output areas as they were, its controls' values as
one line of text, and a note saying where it is live.
"""

from __future__ import annotations

import base64
import html
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _control(state: dict[str, Any]) -> tuple[str, str, bool] | None:
    """A control's label, its value as a reader sees it, and whether it shows that value itself."""
    if "_options_labels" in state and state.get("index") is not None:
        value: Any = state["_options_labels"][state["index"]]
    elif "value" in state and state.get("_model_name") not in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        value = state["value"]
    else:
        return None
    if isinstance(value, bool):
        value = "on" if value else "off"
    return state.get("description") or "", str(value), state.get("readout", True) is not False


def _controls_line(controls: list[tuple[str, str, bool]]) -> list[str]:
    """Each control as "label: value". A slider that hides its value (readout off) takes the value of
    the unlabelled box beside it, as the explorer's log-scale step slider does."""
    texts = []
    for index, (label, value, shown) in enumerate(controls):
        if not shown:
            beside = controls[index + 1] if index + 1 < len(controls) else None
            if beside is not None and not beside[0]:
                texts.append(f"{label}: {beside[1]}")
            continue
        if label:
            texts.append(f"{label} {value}" if label.endswith(("=", ":")) else f"{label}: {value}")
        elif index == 0 or controls[index - 1][2]:
            texts.append(value)
    return texts


def _output_html(output: dict[str, Any]) -> str:
    """One saved output of an Output widget as HTML: a picture, HTML, or text."""
    data = output.get("data", {})
    if "image/png" in data:
        encoded = "".join(data["image/png"]) if isinstance(data["image/png"], list) else data["image/png"]
        base64.b64decode(encoded, validate=True)
        alt = html.escape("".join(data.get("text/plain", "figure")))
        return f'<img src="data:image/png;base64,{encoded}" alt="{alt}">'
    if "text/html" in data:
        return "".join(data["text/html"])
    text = output.get("text") or data.get("text/plain") or ""
    text = "".join(text) if isinstance(text, list) else text
    return f"<pre>{html.escape(text)}</pre>" if text.strip() else ""


def widget_still(model_id: str, state: dict[str, dict[str, Any]], *, note: str, note_controls_only: str) -> str:
    """HTML for what a widget showed when the notebook was saved, read from its saved state.

    HTML panes and Output areas are shown as they were; controls become one line of their values;
    the last line is ``note``, or ``note_controls_only`` when the widget had drawn nothing yet.
    """
    controls: list[tuple[str, str, bool]] = []
    panes: list[str] = []

    def visit(model: str) -> None:
        entry = state.get(model.removeprefix("IPY_MODEL_"))
        if entry is None:
            return
        model_state = entry["state"]
        if entry["model_name"] in ("HTMLModel", "HTMLMathModel"):
            if model_state.get("value", "").strip():
                panes.append(model_state["value"])
        elif entry["model_name"] == "OutputModel":
            panes.extend(filter(None, map(_output_html, model_state.get("outputs", []))))
        else:
            control = _control(model_state)
            if control is not None:
                controls.append(control)
        for child in model_state.get("children", []):
            visit(child)

    visit(model_id)
    parts = ['<div class="widget-still">']
    if controls:
        parts.append('<p class="widget-still-controls">' + " · ".join(map(html.escape, _controls_line(controls))) + "</p>")
    parts.extend(f'<div class="widget-still-pane">{pane}</div>' for pane in panes)
    parts.append(f'<p class="widget-still-note">{note if panes else note_controls_only}</p></div>')
    return "\n".join(parts)


def replace_widgets_with_stills(notebook: dict[str, Any], *, note: str, note_controls_only: str) -> None:
    """In place: the saved widget state leaves the notebook's metadata, and each widget output
    becomes its still (an HTML output), so a page built from it loads no widget JavaScript."""
    state = notebook.get("metadata", {}).pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                view = data.pop(WIDGET_VIEW)
                data["text/html"] = widget_still(view["model_id"], state, note=note, note_controls_only=note_controls_only)
