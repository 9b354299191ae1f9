"""The explorer's logic without a browser: controls drive the curves, the picture and the snippet."""

import numpy as np
import pytest
import torch
import transformers

import lrlib
from support import stepped_lrs
from lrlib.registry import CURVE_NAMES


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


def test_a_schedule_shown_again_shows_what_was_set_for_it():
    explorer = lrlib.explore(name="cosine_with_restarts", num_cycles=3)
    explorer.controls["num_cycles"].value = 4
    explorer.controls["name"].value = "cosine"  # its num_cycles is a real number, another setting
    assert explorer.controls["num_cycles"].value == 0.5
    explorer.controls["name"].value = "cosine_with_restarts"
    assert explorer.controls["num_cycles"].value == 4 and '"num_cycles": 4' in explorer.code
    assert explorer.settings.arguments("cosine_with_restarts")["scheduler_specific_kwargs"] == {"num_cycles": 4}


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
    explorer = lrlib.explore(name="polynomial", lr=1e-3, lr_end=1e-4)
    picture = explorer.figure.value
    explorer.controls["lr"].value = 1e-5
    assert "lr_end must be in [0, lr=1e-05), got 0.0001. Here lr is the optimizer&#x27;s default lr" in explorer.message.value
    assert "lrlib-invalid" in explorer.message.value
    assert explorer.code.startswith("# Not a valid schedule yet")
    assert picture in explorer.figure.value and "opacity" in explorer.figure.value  # the last valid one, dimmed
    explorer.controls["lr_end"].value = 1e-6
    assert "lrlib-invalid" not in explorer.message.value


def test_min_lr_and_min_lr_rate_must_be_given_exactly_once():
    explorer = lrlib.explore(name="cosine_with_min_lr")
    assert '"min_lr_rate": 0.1' in explorer.code
    explorer.controls["min_lr_rate"].enabled.value = False
    assert "needs exactly one of min_lr_rate" in explorer.message.value


def test_plot_draws_the_current_settings_with_matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    explorer = lrlib.explore(name="linear", num_training_steps=100, num_warmup_steps=10)
    ax = explorer.plot()
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), explorer.curves["linear"])
    plt.close("all")


# ---------------------------------------------------------------- the explorer never changes a value silently


@pytest.mark.parametrize("defaults,error,pattern", [
    ({"lr": 0}, ValueError, r"lr must be > 0, got 0\."),
    ({"lr": "1e-3"}, TypeError, r"lr must be a number, got '1e-3' \(str\)"),
    ({"num_cycles": -1}, ValueError, r"num_cycles must be > 0, got -1\. For example num_cycles=0\.5"),
    ({"log_y": "no"}, TypeError, r"log_y must be True or False, got 'no' \(str\)"),
    ({"num_training_steps": 1000.9}, TypeError, r"num_training_steps must be a whole number, got 1000\.9 \(float\)\. "
                                                r"Round it yourself, e.g\. math\.ceil\(1000\.9\) == 1001"),
    ({"num_training_steps": True}, TypeError, r"num_training_steps must be a whole number, got True \(bool\): a bool "
                                              r"where a count is expected is probably a mistake"),
    ({"num_warmup_steps": 3000}, ValueError, r"num_warmup_steps=3000 is larger than num_training_steps=1950"),
    ({"name": "warmup_stable_decay", "warmup_type": "exp"}, ValueError,
     r"warmup_type='exp' is not one of 'linear', 'cosine', '1-sqrt'"),
    ({"name": "polynomial", "lr_end": 1e-3}, ValueError, r"lr_end must be in \[0, lr=0\.001\), got 0\.001"),
    ({"name": "cosine_with_min_lr", "min_lr": 1e-5, "min_lr_rate": 0.1}, ValueError,
     r"needs exactly one of min_lr_rate .* min_lr_rate and min_lr were given"),
    ({"name": "cosine", "power": 2.0}, TypeError, r"explore\(\) got power=2\.0, but 'cosine' does not take it; it "
                                                  r"belongs to polynomial"),
    ({"name": "cosine_with_restarts", "num_cycles": True}, TypeError, r"num_cycles must be a whole number, got True"),
    ({"compare": "reduce_lr_on_plateau"}, ValueError, r"'reduce_lr_on_plateau' has no curve"),
])
def test_bad_defaults_are_refused_as_get_scheduler_refuses_them(defaults, error, pattern):
    with pytest.raises(error, match=pattern):
        lrlib.explore(**defaults)


@pytest.mark.parametrize("defaults,key,value", [
    ({"name": "polynomial", "power": 0.1}, "power", 0.1),
    ({"name": "polynomial", "power": 12.5}, "power", 12.5),
    ({"name": "cosine", "num_cycles": 0.1}, "num_cycles", 0.1),
    ({"name": "cosine_with_restarts", "num_cycles": 25}, "num_cycles", 25),
    ({"name": "polynomial", "lr_end": 0.0}, "lr_end", 0.0),
    ({"name": "polynomial", "lr_end": 1e-12}, "lr_end", 1e-12),
    ({"name": "inverse_sqrt", "timescale": 50_000}, "timescale", 50_000),
])
def test_a_valid_value_outside_a_sliders_usual_range_widens_it_and_reaches_the_snippet(defaults, key, value):
    explorer = lrlib.explore(**defaults)
    control = explorer.controls[key]
    control = getattr(control, "control", control)
    assert control.value == value and control.min <= control.value <= control.max or \
        10 ** control.min <= control.value <= 10 ** control.max
    assert "lrlib-invalid" not in explorer.message.value
    assert f'"{key}": {value!r}' in explorer.code


@pytest.mark.parametrize("lr", [10, 1.2345e-4, 2e-7, np.float32(0.5)])
def test_the_lr_given_is_the_lr_drawn_and_pasted(lr):
    explorer = lrlib.explore(name="constant", lr=lr)
    assert f"lr={float(lr)!r})" in explorer.code
    assert explorer.curves["constant"][0] == float(lr)


def test_a_given_min_lr_starts_valid_with_min_lr_rate_left_out():
    explorer = lrlib.explore(name="cosine_with_min_lr", min_lr=1e-4)
    assert "lrlib-invalid" not in explorer.message.value
    assert '"min_lr": 0.0001' in explorer.code and "min_lr_rate" not in explorer.code
    explorer.controls["min_lr_rate"].enabled.value = True  # ticking one floor unticks the other
    assert not explorer.controls["min_lr"].enabled.value
    assert "lrlib-invalid" not in explorer.message.value and "min_lr_rate" in explorer.code


def test_a_given_num_stable_steps_replaces_num_training_steps_in_the_call():
    explorer = lrlib.explore(name="warmup_stable_decay", num_training_steps=300, num_warmup_steps=30,
                             num_stable_steps=200, num_decay_steps=50)
    assert "lrlib-invalid" not in explorer.message.value
    assert "num_training_steps" not in explorer.code and '"num_stable_steps": 200' in explorer.code
    np.testing.assert_allclose(run_snippet(explorer.code, 300), explorer.curves["warmup_stable_decay"],
                               rtol=1e-9, atol=1e-15)


def _documented_combinations():
    """(name, defaults): every schedule alone, with each declared example, and each alternative."""
    for name in CURVE_NAMES:
        schedule = lrlib.SCHEDULES[name]
        yield name, {}
        for param in schedule.params:
            for example in param.examples:
                yield name, {param.name: example}
        for group in schedule.alternatives:
            for member in group.names:
                if member in {p.name for p in schedule.params}:
                    yield name, {member: schedule.param(member).examples[0]}


@pytest.mark.parametrize("name,defaults", list(_documented_combinations()),
                         ids=[f"{n}-{d}" for n, d in _documented_combinations()])
def test_the_explorer_starts_valid_for_every_documented_combination(name, defaults):
    explorer = lrlib.explore(name=name, **defaults)
    assert "lrlib-invalid" not in explorer.message.value, explorer.message.value
    for key, value in defaults.items():
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        assert f'"{key}": {shown}' in explorer.code


# ---------------------------------------------------------------- the training length: a log-scale slider and a box


def test_the_training_length_slider_stops_about_2_percent_apart_at_any_length():
    from lrlib.explorer import count_stops

    stops = count_stops(1_000_000)
    assert stops[0] == 1 and stops[-1] == 1_000_000 and stops == sorted(set(stops))
    assert stops[:50] == list(range(1, 51))  # every whole number while 2% is less than one step
    ratios = np.array(stops[50:]) / np.array(stops[49:-1])
    assert ratios.max() < 1.04 and ratios.min() > 1.01
    assert {100, 1000, 1950, 2000, 10_000, 100_000} <= set(stops)


def test_the_training_length_slider_starts_mid_track_and_one_stop_moves_it_a_little():
    explorer = lrlib.explore()  # the source article's run: 1,950 steps
    steps = explorer.controls["num_training_steps"]
    assert steps.value == 1950 and steps.box.value == 1950
    slider = steps.slider
    assert 0.35 < slider.value / slider.max < 0.6, "1,950 steps should sit mid-track, not at the left edge"
    # a 6-pixel drag on the ~300-pixel track of the linear slider jumped from 1,950 to 20,778
    six_pixels = round(6 / 300 * slider.max)
    slider.value += six_pixels
    assert 1950 < steps.value < 1950 * 1.3
    assert steps.box.value == steps.value and f"num_training_steps={steps.value}," in explorer.code
    assert len(explorer.curves["cosine"]) == steps.value
    slider.value -= 1  # a key press: one stop, about 2%
    assert 1950 < steps.value and "lrlib-invalid" not in explorer.message.value


def test_a_typed_training_length_is_drawn_as_typed_and_the_slider_moves_to_the_nearest_stop():
    explorer = lrlib.explore(num_training_steps=1000, num_warmup_steps=50)
    steps = explorer.controls["num_training_steps"]
    steps.box.value = 1234  # not a stop of the slider
    assert steps.value == 1234 and len(explorer.curves["cosine"]) == 1234
    assert "num_training_steps=1234," in explorer.code
    assert steps.stops[steps.slider.value] == 1230
    assert explorer.controls["num_warmup_steps"].max == 1234


def test_a_long_run_set_from_code_widens_the_slider_and_is_not_clamped():
    explorer = lrlib.explore(num_training_steps=1000, num_warmup_steps=50)
    steps = explorer.controls["num_training_steps"]
    steps.value = 3_000_000  # notebook 10's designer sets it from a training plan
    assert steps.max == 10_000_000 and steps.stops[steps.slider.value] == 3_020_000  # the nearest stop
    assert steps.box.value == 3_000_000 and len(explorer.curves["cosine"]) == 3_000_000


@pytest.mark.parametrize("typed,message", [
    (0, "num_training_steps must be &gt;= 1, got 0"),
    (-5, "num_training_steps must be &gt;= 1, got -5"),
    (20_000_000, "explore() draws every step, up to num_training_steps=10,000,000; got 20,000,000"),
])
def test_a_training_length_that_cannot_be_drawn_is_kept_as_typed_and_refused_with_a_message(typed, message):
    explorer = lrlib.explore(num_training_steps=1000, num_warmup_steps=50)
    steps, warmup = explorer.controls["num_training_steps"], explorer.controls["num_warmup_steps"]
    steps.box.value = typed
    assert steps.value == typed and steps.box.value == typed  # not clamped
    assert "lrlib-invalid" in explorer.message.value and message in explorer.message.value
    assert warmup.value == 50 and warmup.max == 1000  # the other controls are left alone
    assert explorer.code.startswith("# Not a valid schedule yet")
    steps.box.value = 2000
    assert "lrlib-invalid" not in explorer.message.value and len(explorer.curves["cosine"]) == 2000
