"""book/bookedition.py on small made-up notebooks: what a page keeps, leaves out and shows instead."""

import json
import sys

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "book"))
from bookedition import WIDGET_NOTE, WIDGET_NOTE_CONTROLS_ONLY, notebook_for_the_book  # noqa: E402
from widget_stills import WIDGET_VIEW, widget_still  # noqa: E402  (bookedition put tools/ on the path)


def model(name, **state):
    return {"model_name": name, "state": {"_model_name": name, **state}}


STATE = {
    "box": model("VBoxModel", children=["IPY_MODEL_steps", "IPY_MODEL_exact", "IPY_MODEL_plot"]),
    "steps": model("IntSliderModel", description="training steps", value=208, readout=False),
    "exact": model("IntTextModel", description="", value=1950),
    "plot": model("HTMLModel", value="<svg class='plot'></svg>"),
    "alone": model("DropdownModel", description="schedule", index=1, _options_labels=["linear", "cosine"]),
}


def test_a_still_shows_the_saved_panes_and_the_values_a_reader_saw():
    still = widget_still("box", STATE, note=WIDGET_NOTE, note_controls_only=WIDGET_NOTE_CONTROLS_ONLY)
    assert "training steps: 1950" in still and "208" not in still  # the slider hides its log-scale position
    assert "<svg class='plot'></svg>" in still and WIDGET_NOTE in still


def test_a_widget_with_only_controls_says_it_shows_results_when_run():
    still = widget_still("alone", STATE, note=WIDGET_NOTE, note_controls_only=WIDGET_NOTE_CONTROLS_ONLY)
    assert "schedule: cosine" in still and WIDGET_NOTE_CONTROLS_ONLY in still


def test_a_page_leaves_out_navigation_and_colab_cells_and_the_widget_state():
    notebook = {
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": STATE}}},
        "cells": [
            {"cell_type": "markdown", "metadata": {"tags": ["nav-header"]}, "source": "[contents](00.ipynb)"},
            {"cell_type": "code", "metadata": {"tags": ["colab-setup"]}, "source": "", "outputs": []},
            {"cell_type": "code", "metadata": {}, "source": "explore()",
             "outputs": [{"output_type": "display_data", "data": {WIDGET_VIEW: {"model_id": "box"}, "text/plain": "x"}}]},
        ],
    }
    page = json.loads(notebook_for_the_book(json.dumps(notebook)))
    assert "widgets" not in page["metadata"]
    assert [("remove-cell" in cell["metadata"]["tags"]) for cell in page["cells"]] == [True, True, False]
    output = page["cells"][2]["outputs"][0]["data"]
    assert WIDGET_VIEW not in output and "widget-still" in output["text/html"]
