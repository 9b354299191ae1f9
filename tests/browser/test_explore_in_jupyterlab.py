"""lrlib.explore() in JupyterLab in Chromium, used as a person uses it: keyboard, dropdown, typing."""

from __future__ import annotations

import re
import shutil
import statistics
import time
from pathlib import Path

import nbformat
import pytest

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]

EXPLORE_CELL = 'import lrlib\nlrlib.explore(name="cosine", num_training_steps=100_000, num_warmup_steps=2_000)'

# Records, in the page, the time from a key press to the frame after the plot's SVG changed.
LATENCY_PROBE = """() => {
  window.__lrlib = {latencies: [], pressed: null, version: null};
  const probe = window.__lrlib;
  document.addEventListener('keydown', () => { probe.pressed = performance.now(); }, true);
  const root = document.querySelector('.lrlib-explore');
  probe.version = root.querySelector('.lrlib-plot').dataset.version;
  new MutationObserver(() => {
    const svg = root.querySelector('.lrlib-plot');
    if (!svg || svg.dataset.version === probe.version) return;
    probe.version = svg.dataset.version;
    const pressed = probe.pressed;
    probe.pressed = null;
    if (pressed === null) return;
    requestAnimationFrame(() => setTimeout(() => probe.latencies.push(performance.now() - pressed)));
  }).observe(root, {subtree: true, childList: true});
}"""


def write_notebook(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(notebook, path)


def dismiss_kernel_dialog(page) -> bool:
    """Accept JupyterLab's "Select Kernel" dialog if it shows (python3 is preselected)."""
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    if accept.count() and accept.first.is_visible():
        accept.first.click()
        return True
    return False


def wait_until(page, condition_js: str, seconds: float) -> None:
    """Poll a page condition, accepting a kernel dialog that may pop up meanwhile."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition_js):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {seconds:.0f} s: {condition_js}")
        dismiss_kernel_dialog(page)
        page.wait_for_timeout(250)


def act_until(page, action, condition_js: str, seconds: float, retry_every: float = 15) -> None:
    """Do ``action``, and do it again every ``retry_every`` s (or after a kernel dialog) until the condition holds.

    On a busy machine a menu click can land before the notebook is the current widget and do nothing.
    """
    deadline = time.monotonic() + seconds
    action()
    retry_at = time.monotonic() + retry_every
    while not page.evaluate(condition_js):
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f"still false after {seconds:.0f} s: {condition_js}")
        if dismiss_kernel_dialog(page) or now > retry_at:
            action()
            retry_at = time.monotonic() + retry_every
        page.wait_for_timeout(250)


def menu_command(page, menu: str, item: str) -> None:
    if page.locator(".lm-Menu").count():  # a previous click may have left a menu open
        page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).click()


def run_all_cells(page) -> None:
    menu_command(page, "Run", "Run All Cells")


def clear_all_outputs(page) -> None:
    menu_command(page, "Edit", "Clear Outputs of All Cells")


NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show
PROMPTS = "[...document.querySelectorAll('%s .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)" % NOTEBOOK
ALL_CELLS_RAN = "() => { const prompts = %s; return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p)); }" % PROMPTS
NO_CELL_RAN = "() => { const prompts = %s; return prompts.length > 0 && prompts.every(p => !/\\[(\\*|\\d+)\\]/.test(p)); }" % PROMPTS
ANY_CELL_STARTED = "() => %s.some(p => /\\[(\\*|\\d+)\\]/.test(p))" % PROMPTS
KERNEL_STATUS = "() => document.querySelector('%s .jp-Notebook-ExecutionIndicator')?.dataset.status" % NOTEBOOK
KERNEL_READY = """() => !document.querySelector('.jp-Dialog')
  && !!document.querySelector("%s .jp-Notebook-ExecutionIndicator[data-status='idle']")""" % NOTEBOOK
# the kernel idle, no cell waiting or running, and some cell not run: a run that stopped short
STALLED = """() => { const prompts = %s;
  return !prompts.some(p => /\\[\\*\\]/.test(p)) && !prompts.every(p => /\\[\\d+\\]/.test(p))
    && !!document.querySelector("%s .jp-Notebook-ExecutionIndicator[data-status='idle']"); }""" % (PROMPTS, NOTEBOOK)


def wait_for_every_cell(page, seconds: float, stalled_for: float = 10) -> int:
    """Wait until every cell has run; Run All again after a kernel dialog or once the run has stalled
    for ``stalled_for`` s (on a busy machine a kernel can restart, dropping the cells it had queued).
    The number of runs started again."""
    deadline, stalled_since, again = time.monotonic() + seconds, None, 0
    while not page.evaluate(ALL_CELLS_RAN):
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f"not every cell ran within {seconds:.0f} s ({again} runs started again)")
        stalled_since = (stalled_since or now) if page.evaluate(STALLED) else None
        if dismiss_kernel_dialog(page) or (stalled_since and now - stalled_since > stalled_for):
            run_all_cells(page)
            stalled_since, again = None, again + 1
        page.wait_for_timeout(250)
    return again


def run_all_and_wait(page, name: str, seconds: float = 300, server_log: Path | None = None) -> None:
    """Clear every output, run every cell from the Run menu, and wait until each has run.

    Clearing first makes the numbered prompts proof of this run: a notebook with stored outputs shows
    numbers before anything runs. ``seconds`` bounds a wait on a condition, not a pace. On failure the
    message holds the prompts, the kernel's state, the errors shown and the server log's tail.
    """
    try:
        wait_until(page, KERNEL_READY, 120)
        dismiss_kernel_dialog(page)
        act_until(page, lambda: clear_all_outputs(page), NO_CELL_RAN, 90)
        act_until(page, lambda: run_all_cells(page), ANY_CELL_STARTED, 90)
        wait_for_every_cell(page, seconds)
    except Exception as error:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"failed_run_{Path(name).stem}.png")
        errors = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        log = server_log.read_text()[-2000:] if server_log and server_log.exists() else "(no server log)"
        raise AssertionError(f"{name}: not every cell ran; prompts {page.evaluate('() => ' + PROMPTS)}, "
                             f"kernel {page.evaluate(KERNEL_STATUS)}, errors {errors.all_inner_texts()}; "
                             f"server log:\n{log}") from error


def open_and_run_all(page, lab, notebook: str) -> None:
    """Open a notebook, then run every cell from the Run menu and wait until each has run."""
    lab.start_kernel(notebook)  # so JupyterLab attaches to it instead of asking which kernel to use
    page.goto(lab.url(notebook))
    run_all_and_wait(page, notebook, server_log=lab.log_path)


def assert_no_traceback(page) -> None:
    errors = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.all_inner_texts()
    text = page.locator(f"{NOTEBOOK} .jp-Notebook").inner_text()
    assert "Traceback" not in text  # error outputs render as stderr; a printed "ValueError: ..." may be a lesson


def plot_version(page) -> str:
    return page.locator(".lrlib-explore .lrlib-plot").get_attribute("data-version")


def slider_handle(page, label: str):
    slider = page.locator(".lrlib-explore .widget-slider").filter(has=page.locator(".widget-label", has_text=label))
    return slider.locator(".noUi-handle").first


def wait_for_steps(page, steps: int) -> None:
    """Wait until the picture's title says the run has ``steps`` steps."""
    page.wait_for_function("(title) => (document.querySelector('.lrlib-explore .lrlib-plot text') || {}).textContent"
                           "?.endsWith(title)", arg=f"{steps:,} steps")


def steps_box(page):
    return page.locator(".lrlib-explore .lrlib-steps-box input")


def test_explorer_answers_the_keyboard_the_dropdown_and_typed_values(page, lab, screenshots):
    write_notebook(lab.root / "explore_test.ipynb", EXPLORE_CELL)
    open_and_run_all(page, lab, "explore_test.ipynb")
    explorer = page.locator(".lrlib-explore")
    explorer.locator(".lrlib-plot").wait_for()
    page.screenshot(path=screenshots / "explore_1_start.png")

    # the keyboard: focus the warmup slider, press ArrowRight, the curve redraws
    page.evaluate(LATENCY_PROBE)
    handle = slider_handle(page, "warmup steps")
    handle.focus()
    before = explorer.locator(".lrlib-plot").inner_html()
    presses = 9
    for done in range(1, presses + 1):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => window.__lrlib.latencies.length >= {done}")
    assert explorer.locator(".lrlib-plot").inner_html() != before
    assert "peak lr 0.001 at step 2,009" in explorer.locator(".lrlib-message").inner_text()
    latencies = page.evaluate("() => window.__lrlib.latencies")
    median = statistics.median(latencies)
    print(f"\nbrowser: key press -> new picture, 100k steps: median {median:.0f} ms over {presses} presses "
          f"(min {min(latencies):.0f}, max {max(latencies):.0f})")
    page.screenshot(path=screenshots / "explore_2_after_keyboard.png")

    # the training length: a log-scale slider, so a key press or a small drag moves it by a few percent
    steps = slider_handle(page, "training steps")
    steps.focus()
    page.keyboard.press("ArrowRight")
    wait_for_steps(page, 102_000)  # the next stop after 100,000
    assert steps_box(page).input_value() == "102000"
    box = steps.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 6, box["y"] + box["height"] / 2)  # one move: one value, no stale reply
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('.lrlib-explore .lrlib-steps-box input').value !== '102000'")
    dragged = int(steps_box(page).input_value())
    assert 102_000 < dragged < 140_000, f"a 6-pixel drag took the training length from 102,000 to {dragged:,}"
    wait_for_steps(page, dragged)  # the kernel has drawn the drag: its reply cannot overwrite what is typed next
    # and a box beside it takes the exact number, drawn as typed
    steps_box(page).click()
    page.keyboard.press("Control+A")
    page.keyboard.type("123456")
    page.keyboard.press("Enter")
    wait_for_steps(page, 123_456)
    page.wait_for_function("() => document.querySelector('.lrlib-explore .lrlib-snippet').textContent"
                           ".includes('num_training_steps=123456,')")  # the snippet arrives just after the picture
    page.screenshot(path=screenshots / "explore_2b_training_steps.png")

    # the dropdown: another schedule, another picture and another call
    version = plot_version(page)
    explorer.locator(".widget-dropdown select").first.select_option("warmup_stable_decay")
    page.wait_for_function(f"() => document.querySelector('.lrlib-explore .lrlib-plot').dataset.version != {version}")
    assert "warmup_stable_decay" in explorer.locator(".lrlib-message").inner_text()
    assert '"warmup_stable_decay"' in explorer.locator(".lrlib-snippet").inner_text()
    assert explorer.locator(".widget-label", has_text="num_decay_steps").count() == 1
    page.screenshot(path=screenshots / "explore_3_wsd.png")

    # typing: an lr_end above the lr is refused with lrlib's message, in the widget
    explorer.locator(".widget-dropdown select").first.select_option("polynomial")
    readout = explorer.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text="lr_end")).locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.01")
    page.keyboard.press("Enter")
    message = explorer.locator(".lrlib-message.lrlib-invalid")
    message.wait_for()
    assert "lr_end must be in [0, lr=0.001), got 0.01" in message.inner_text()
    page.screenshot(path=screenshots / "explore_4_invalid.png")
    assert_no_traceback(page)
    assert median <= 250, f"slider to picture took {median:.0f} ms (target 100 ms on an idle machine)"


def calls_explore(path: Path) -> bool:
    cells = nbformat.read(path, as_version=4).cells
    return any(c.cell_type == "code" and "lrlib.explore(" in c.source for c in cells)


def collection_notebook() -> Path | None:
    """The lowest-numbered notebook that calls lrlib.explore, else the lowest-numbered one."""
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return next((path for path in notebooks if calls_explore(path)), notebooks[0] if notebooks else None)


def test_a_notebook_of_the_collection_runs_in_jupyterlab_without_a_traceback(page, lab, screenshots):
    source = collection_notebook()
    if source is None:
        pytest.skip("no notebooks/NN_*.ipynb exists yet")
    shutil.copy(source, lab.root / source.name)
    open_and_run_all(page, lab, source.name)
    if calls_explore(source):
        plot = page.locator(".lrlib-explore .lrlib-plot").first
        plot.wait_for(state="attached")
        plot.evaluate("svg => svg.closest('.lrlib-explore').scrollIntoView()")
        plot.wait_for()
    assert_no_traceback(page)
    page.screenshot(path=screenshots / f"notebook_{source.stem}.png")
    code_cells = [c for c in nbformat.read(lab.root / source.name, as_version=4).cells if c.cell_type == "code"]
    assert page.locator(f"{NOTEBOOK} .jp-CodeCell").count() == len(code_cells)
