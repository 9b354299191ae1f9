"""The explorer's logic without a browser: controls drive the curves, the picture and the snippet."""

import numpy as np
import pytest
import torch
import transformers

import lrlib
from support import stepped_lrs
from lrlib.schedules import CURVE_NAMES


def run_snippet(code, num_steps):
    """Execute the explorer's snippet against a tiny model; return the lrs its scheduler gives."""
    namespace = {"model": torch.nn.Linear(2, 1)}
    exec(compile(code, "<snippet>", "exec"), namespace)
    return np.array(stepped_lrs(namespace["scheduler"], namespace["optimizer"], num_steps))[:, 0]


def test_the_controls_are_built_from_the_registry_and_show_only_the_chosen_schedules_parameters():
    explorer = lrlib.explore(name="polynomial")
    assert list(explorer.controls["name"].options) == list(CURVE_NAMES)
    assert {"lr_end", "power"} <= set(explorer.controls) and "num_cycles" not in explorer.controls
    explorer.controls["name"].value = "warmup_stable_decay"
    shown = {p.name for p in lrlib.SCHEDULES["warmup_stable_decay"].params}
    assert shown <= set(explorer.controls) and "lr_end" not in explorer.controls
    assert list(explorer.controls["warmup_type"].options) == ["linear", "cosine", "1-sqrt"]


def test_defaults_set_the_starting_values():
    explorer = lrlib.explore(name="cosine_with_restarts", lr=3e-4, num_training_steps=5000,
                             num_warmup_steps=250, num_cycles=3)
    assert explorer.controls["num_cycles"].value == 3
    expected = lrlib.lr_curve("cosine_with_restarts", 5000, lr=3e-4, num_warmup_steps=250,
                              num_training_steps=5000, num_cycles=3)
    np.testing.assert_allclose(explorer.curves["cosine_with_restarts"], expected, rtol=1e-12, atol=0)


def test_unknown_defaults_are_refused_with_the_valid_names():
    with pytest.raises(TypeError, match="unknown settings \\['warmup'\\]"):
        lrlib.explore(warmup=100)


def test_changing_a_slider_updates_the_picture_the_message_and_the_snippet():
    explorer = lrlib.explore(name="linear", lr=1e-3, num_training_steps=1000, num_warmup_steps=50)
    picture, code = explorer.figure.value, explorer.code
    explorer.controls["num_warmup_steps"].value = 200
    assert explorer.figure.value != picture
    assert "num_warmup_steps=200," in explorer.code and code != explorer.code
    assert int(np.argmax(explorer.curves["linear"])) == 200
    assert "peak lr 0.001 at step 200" in explorer.message.value


def test_warmup_is_kept_within_the_training_length():
    explorer = lrlib.explore(num_training_steps=1000, num_warmup_steps=800)
    explorer.controls["num_training_steps"].value = 500
    assert explorer.controls["num_warmup_steps"].value == 500
    assert explorer.controls["num_warmup_steps"].max == 500
    assert "lrlib-invalid" not in explorer.message.value


def test_a_million_steps_is_allowed_and_redraws_quickly():
    explorer = lrlib.explore(num_training_steps=1_000_000, num_warmup_steps=10_000)
    assert explorer.controls["num_training_steps"].max >= 1_000_000
    assert len(explorer.curves["cosine"]) == 1_000_000
    assert explorer.figure.value.count(",") < 7000  # decimated: a few thousand points, not a million
    explorer.controls["num_training_steps"].value = 100_000
    assert explorer.kernel_ms < 1000  # generous on a busy CI box; the benchmark measures it properly


def test_log_scale_and_comparison_change_the_picture():
    explorer = lrlib.explore(name="cosine", num_training_steps=400, num_warmup_steps=40)
    linear_picture = explorer.figure.value
    explorer.controls["log_y"].value = True
    assert explorer.figure.value != linear_picture
    explorer.controls["compare"].value = "linear"
    assert set(explorer.curves) == {"cosine", "linear"}
    assert explorer.figure.value.count('class="curve"') == 2
    assert "<b>linear</b>" in explorer.message.value


@pytest.mark.parametrize("name", CURVE_NAMES)
def test_the_snippet_builds_a_transformers_scheduler_whose_lrs_equal_the_drawn_curve(name):
    explorer = lrlib.explore(name=name, lr=2e-3, num_training_steps=120, num_warmup_steps=12)
    assert "transformers import get_scheduler" in explorer.code
    lrs = run_snippet(explorer.code, 120)
    np.testing.assert_allclose(lrs, explorer.curves[name], rtol=1e-9, atol=1e-15)


def test_the_snippet_carries_schedule_specific_arguments():
    explorer = lrlib.explore(name="warmup_stable_decay", num_training_steps=300, num_warmup_steps=30)
    explorer.controls["num_decay_steps"].value = 90
    explorer.controls["decay_type"].value = "1-sqrt"
    assert '"num_decay_steps": 90' in explorer.code and '"decay_type": "1-sqrt"' in explorer.code
    np.testing.assert_allclose(run_snippet(explorer.code, 300), explorer.curves["warmup_stable_decay"],
                               rtol=1e-9, atol=1e-15)


def test_the_snippet_uses_transformers_get_scheduler():
    namespace = {"model": torch.nn.Linear(2, 1)}
    exec(lrlib.explore().code, namespace)
    assert namespace["get_scheduler"] is transformers.get_scheduler


def test_an_invalid_combination_shows_lrlibs_message_not_an_exception():
    explorer = lrlib.explore(name="polynomial", lr=1e-3)
    picture = explorer.figure.value
    explorer.controls["lr_end"].value = 0.01
    assert "lr_end=0.01 must be &gt;= 0 and smaller than lr=0.001" in explorer.message.value
    assert "lrlib-invalid" in explorer.message.value
    assert explorer.code.startswith("# Not a valid schedule yet")
    assert picture in explorer.figure.value and "opacity" in explorer.figure.value  # the last valid one, dimmed
    explorer.controls["lr_end"].value = 1e-6
    assert "lrlib-invalid" not in explorer.message.value


def test_min_lr_and_min_lr_rate_must_be_given_exactly_once():
    explorer = lrlib.explore(name="cosine_with_min_lr")
    assert '"min_lr_rate": 0.1' in explorer.code
    explorer.controls["min_lr_rate"].enabled.value = False
    assert "Give exactly one of min_lr" in explorer.message.value


def test_plot_draws_the_current_settings_with_matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    explorer = lrlib.explore(name="linear", num_training_steps=100, num_warmup_steps=10)
    ax = explorer.plot()
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), explorer.curves["linear"])
    plt.close("all")
