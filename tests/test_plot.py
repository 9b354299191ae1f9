"""What the plot helpers draw: the lines' data, the warmup span, labels, and the decimation."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import lrlib  # noqa: E402
from lrlib.plot import OKABE_ITO  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def curve_lines(ax):
    """The lines that draw curves (not the peak/end markers)."""
    return [line for line in ax.lines if line.get_gid() is None and len(line.get_xdata()) > 1]


def test_plot_curves_draws_each_step_of_a_short_curve_exactly():
    curve = lrlib.lr_curve("cosine", 300, lr=1e-3, num_warmup_steps=30, num_training_steps=300)
    ax = lrlib.plot_curves({"cosine": curve}, num_warmup_steps=30)
    (line,) = curve_lines(ax)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(300))
    np.testing.assert_array_equal(line.get_ydata(), curve)
    assert to_hex(line.get_color()) == OKABE_ITO[0].lower()


def test_plot_curves_labels_axes_and_title_and_returns_the_axes():
    fig, given = plt.subplots()
    ax = lrlib.plot_curves(np.linspace(0, 1, 10), ax=given, title="what to see")
    assert ax is given
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "learning rate", "what to see")


def test_warmup_is_a_shaded_labelled_span_from_zero_to_the_warmup_length():
    ax = lrlib.plot_curves(lrlib.lr_curve("linear", 100, num_warmup_steps=20, num_training_steps=100),
                           num_warmup_steps=20)
    (span,) = [p for p in ax.patches if p.get_gid() == "warmup"]
    assert (span.get_x(), span.get_x() + span.get_width()) == (0, 20)  # a Rectangle in matplotlib >= 3.9
    assert "warmup" in span.get_label()
    assert any("warmup" in text.get_text() for text in ax.texts)


def test_no_span_without_warmup_and_legend_only_for_several_lines():
    one = lrlib.plot_curves(np.ones(10))
    assert not [p for p in one.patches if p.get_gid() == "warmup"]
    assert one.get_legend() is None
    two = lrlib.plot_curves({"a": np.ones(10), "b": np.zeros(10)})
    assert [t.get_text() for t in two.get_legend().get_texts()] == ["a", "b"]


def test_peak_and_end_are_annotated_with_their_values():
    curve = lrlib.lr_curve("linear", 101, lr=1e-3, num_warmup_steps=10, num_training_steps=100)
    ax = lrlib.plot_curves(curve)
    labels = {a.get_gid(): a for a in ax.texts if a.get_gid()}
    assert labels["peak-label"].get_text() == "peak 0.001"
    assert labels["peak-label"].xy == (10, pytest.approx(1e-3))
    assert labels["end-label"].get_text() == "end 0"
    assert len(lrlib.plot_curves(curve, annotate=False).texts) == 0


def test_a_two_dimensional_array_draws_one_line_per_param_group():
    groups = np.stack([lrlib.lr_curve("linear", 50, lr=lr, num_warmup_steps=5, num_training_steps=50)
                       for lr in (1e-3, 5e-4)], axis=1)
    ax = lrlib.plot_curves({"linear": groups})
    lines = curve_lines(ax)
    assert [line.get_label() for line in lines] == ["linear · group 0", "linear · group 1"]
    np.testing.assert_array_equal(lines[1].get_ydata(), groups[:, 1])
    assert len({line.get_color() for line in lines}) == 2


def test_log_y_sets_a_log_scale():
    ax = lrlib.plot_schedule("inverse_sqrt", 500, lr=1e-3, num_warmup_steps=50, log_y=True)
    assert ax.get_yscale() == "log"


def test_plot_schedule_draws_lr_curve_and_marks_the_end_of_training():
    ax = lrlib.plot_schedule("cosine", 150, lr=2e-3, num_warmup_steps=10, num_training_steps=100, num_cycles=0.5)
    (line,) = curve_lines(ax)
    expected = lrlib.lr_curve("cosine", 150, lr=2e-3, num_warmup_steps=10, num_training_steps=100)
    np.testing.assert_array_equal(line.get_ydata(), expected)
    assert ax.get_title() == "cosine: lr 0.002, 10 warmup steps, 100 training steps"
    assert [line.get_xdata()[0] for line in ax.lines if line.get_gid() == "end-of-training"] == [100]


def test_plot_schedule_refuses_bad_arguments_with_lrlibs_message():
    with pytest.raises(ValueError, match="num_warmup_steps=200 is larger than num_training_steps=100"):
        lrlib.plot_schedule("linear", 100, num_warmup_steps=200, num_training_steps=100)


def test_decimate_keeps_short_curves_whole():
    steps, values = lrlib.decimate(np.arange(100.0))
    np.testing.assert_array_equal(steps, np.arange(100))


def test_decimate_keeps_endpoints_peaks_and_every_restart_jump_of_a_long_curve():
    n = 1_000_000
    curve = lrlib.lr_curve("cosine_with_restarts", n, lr=1e-3, num_warmup_steps=7_777,
                           num_training_steps=n - 3, num_cycles=5)
    steps, values = lrlib.decimate(curve)
    assert len(steps) <= 6 * 1024
    np.testing.assert_array_equal(values, curve[steps])
    assert steps[0] == 0 and steps[-1] == n - 1
    kept = set(steps.tolist())
    jumps = np.flatnonzero(np.diff(curve) > 1e-4)  # each restart: last low step, then the peak
    assert len(jumps) == 4
    for jump in jumps:
        assert {jump, jump + 1} <= kept
    assert 7_777 in kept and values.max() == curve.max() and values.min() == curve.min()


def test_decimate_keeps_both_edges_of_every_local_peak_and_trough():
    rng = np.random.default_rng(0)
    levels = rng.random(200)
    curve = np.repeat(levels, rng.integers(50, 150, len(levels)))  # flat phases of random length
    steps, values = lrlib.decimate(curve, max_buckets=64)
    np.testing.assert_array_equal(values, curve[steps])
    edges = np.flatnonzero(np.diff(curve))  # last step of each flat phase; the next starts at edge + 1
    starts, ends = np.r_[0, edges + 1], np.r_[edges, len(curve) - 1]
    kept = set(steps.tolist())
    for i in range(1, len(levels) - 1):
        if (levels[i] - levels[i - 1]) * (levels[i] - levels[i + 1]) > 0:  # a peak or a trough
            assert {starts[i], ends[i]} <= kept, f"phase {i} ({starts[i]}..{ends[i]}) lost an edge"


def test_plotting_a_million_steps_draws_no_more_points_than_a_short_curve():
    long = lrlib.plot_curves(lrlib.lr_curve("cosine", 1_000_000, num_warmup_steps=10_000, num_training_steps=1_000_000))
    (line,) = curve_lines(long)
    assert len(line.get_xdata()) <= 6 * 1024


@pytest.mark.parametrize("log_y", [False, True], ids=["linear y", "log y"])
@pytest.mark.parametrize("groups", [1, 2, 3])
def test_every_peak_label_stays_inside_the_axes_under_the_title(groups, log_y):
    curve = np.stack([lrlib.lr_curve("polynomial", 200, lr=1e-3, num_warmup_steps=20 + 10 * i, num_training_steps=200,
                                     lr_end=1e-7, power=2.0) for i in range(groups)], axis=1)
    fig, ax = plt.subplots(figsize=(6, 3), dpi=80)
    lrlib.plot_curves(curve, ax=ax, num_warmup_steps=20, title="a title", log_y=log_y)
    fig.canvas.draw()
    frame = ax.get_window_extent()
    labels = [text for text in ax.texts if text.get_gid() == "peak-label"]
    assert len(labels) == groups
    for label in labels:
        assert label.get_window_extent().y1 <= frame.y1, f"{label.get_text()!r} rises above the axes into the title"
    plt.close(fig)
