"""`make lab` as a learner starts it, with no desktop browser: the URL it prints opens notebook 00
of the learner's copy, a kernel runs without the "Kernel is running over TCP without encryption"
warning, and links to headings behave as docs/maintaining.md ("Links to headings") says: a link to a
heading of the same notebook lands on it; a link to a heading of another notebook names that
section in its text, and lands on it once that notebook is open (JupyterLab 4.6 opens a notebook
that was not open yet at its top).

The server is the command `make -n lab` prints, run from the repository with the JupyterLab
settings `make lab` installs (binder/overrides.json), on a copy of the notebooks whose links went
through tools/navigation.py, in a temporary folder instead of my_notebooks/.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from .conftest import CHROMIUM, SCREENSHOTS, stop
from .test_explore_in_jupyterlab import NOTEBOOK, run_all_and_wait

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import navigation  # noqa: E402

FIRST = "00_start_here.ipynb"
CURRENT_TAB = """(name) => [...document.querySelectorAll('.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel')]
  .some(tab => tab.textContent === name)"""
# the heading with this id (JupyterLab's data-jupyter-id) in the notebook on show, and where it is
HEADING_PLACE = """(anchor) => {
  const panel = document.querySelector('%s');
  const heading = panel && panel.querySelector('[data-jupyter-id="' + CSS.escape(anchor) + '"]');
  if (!heading) return null;
  const view = panel.querySelector('.jp-WindowedPanel-outer').getBoundingClientRect();
  const box = heading.getBoundingClientRect();
  return {top: box.top - view.top, bottom: box.bottom - view.top, height: view.height, text: heading.textContent};
}""" % NOTEBOOK
IN_VIEW = "(anchor) => { const p = (%s)(anchor); return !!p && p.top >= -1 && p.bottom <= p.height + 1; }" % HEADING_PLACE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_lab_command() -> list[str]:
    """The `jupyter lab ...` command of `make lab`, as make would run it."""
    plan = subprocess.run(["make", "--no-print-directory", "-n", "lab"], cwd=REPO, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")})
    line = next(line for line in plan.stdout.replace("\\\n", " ").splitlines() if "bin/jupyter lab" in line)
    return shlex.split(line)


def learners_copy(folder: Path) -> None:
    """The notebooks as the learner gets them after the lead's `make nav`: links naming their sections."""
    contents = navigation.load_contents()
    for entry in contents["notebooks"]:
        notebook, _ = navigation.with_section_names(nbformat.read(REPO / "notebooks" / entry["file"], as_version=4),
                                                    contents["headings"])
        nbformat.write(notebook, folder / entry["file"])


@pytest.fixture(scope="module")
def make_lab():
    """`make lab`'s server (port, root and settings folders changed only); yields (printed URL, log path)."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests")
    pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
    installed = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json"
    assert installed.exists() and installed.read_text() == (REPO / "binder/overrides.json").read_text(), \
        "install make lab's JupyterLab settings: make .venv/share/jupyter/lab/settings/overrides.json"
    # a short folder: a kernel's Unix socket path must stay under about 100 characters
    base = Path(tempfile.mkdtemp(prefix="lab-", dir="/tmp"))
    root = base / "mine"
    root.mkdir()
    learners_copy(root)
    command = make_lab_command()
    assert "--ServerApp.root_dir=my_notebooks" in command
    command[command.index("--ServerApp.root_dir=my_notebooks")] = f"--ServerApp.root_dir={root}"
    command += ["--no-browser", f"--ServerApp.port={_free_port()}", "--ServerApp.port_retries=0",
                f"--LabApp.user_settings_dir={base / 'settings'}", f"--LabApp.workspaces_dir={base / 'workspaces'}"]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_VERBOSITY="error", JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "run"), IPYTHONDIR=str(base / "ipython"))
    log_path = base / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not (printed := re.search(r"http://127\.0\.0\.1:\d+/\S*token=\w+", log_path.read_text())):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"make lab's server did not print its URL:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield printed.group(0), log_path
    finally:
        stop(server)
        if SCREENSHOTS.parent.exists():  # artifacts/, kept by CI
            shutil.copy(log_path, SCREENSHOTS.parent / "make_lab.log")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def page(browser, make_lab):
    """A page of the session's Chromium (conftest.py), for make lab's server."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def open_url(page, url: str, notebook: str, reset: bool = True) -> None:
    """Open the URL; ``reset``: with no other notebook open (JupyterLab otherwise restores the last layout)."""
    page.goto(url.replace("?", "?reset&") if reset else url)
    page.wait_for_function(CURRENT_TAB, arg=notebook)
    page.locator(f"{NOTEBOOK} .jp-MarkdownOutput").first.wait_for()


def test_the_url_make_lab_prints_opens_notebook_00_whose_kernel_runs_without_the_tcp_warning(page, make_lab):
    url, log_path = make_lab
    assert re.match(rf"http://127\.0\.0\.1:\d+/lab/tree/{FIRST}\?token=\w+$", url), url
    open_url(page, url, FIRST, reset=False)  # the URL exactly as printed
    title = json.loads((REPO / "notebooks/contents.json").read_text())["notebooks"][0]["title"]
    assert page.locator(f"{NOTEBOOK} h1").first.inner_text().startswith(f"00 · {title}")
    run_all_and_wait(page, FIRST, server_log=log_path)  # a failure quotes make lab's log
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "make_lab_00.png")
    log = log_path.read_text()
    assert "Kernel started" in log
    assert "without encryption" not in log, [line for line in log.splitlines() if "encryption" in line]


def links_to_headings(same_notebook: bool):
    """(notebook, link text as shown, target notebook, anchor) for links to a heading, in the learner's copy."""
    contents = navigation.load_contents()
    for entry in contents["notebooks"]:
        notebook, _ = navigation.with_section_names(nbformat.read(REPO / "notebooks" / entry["file"], as_version=4),
                                                    contents["headings"])
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "markdown" or {"nav-header", "nav-footer"} & set(cell.metadata.get("tags", [])):
                continue
            for text, target in navigation.LINK.findall(re.sub(r"```.*?```", "", cell.source, flags=re.S)):
                file, _, anchor = target.partition("#")
                if same_notebook and not file and anchor in contents["headings"][entry["file"]]:
                    below = [i for i, c in enumerate(notebook.cells) if c.cell_type == "markdown"
                             and anchor in navigation.headings(nbformat.v4.new_notebook(cells=[c]))]
                    if below and below[0] - index >= 8:  # far enough down to start off-screen
                        yield entry["file"], navigation.heading_text(text), entry["file"], anchor
                elif not same_notebook and file in contents["headings"] and file != entry["file"] \
                        and anchor in contents["headings"][file]:
                    yield entry["file"], navigation.heading_text(text), file, anchor


def click_link(page, text: str) -> None:
    page.locator(f"{NOTEBOOK} .jp-MarkdownOutput a", has_text=text).first.click()


def test_a_link_to_a_heading_of_the_same_notebook_lands_on_it(page, make_lab):
    found = next(links_to_headings(same_notebook=True), None)
    if found is None:
        pytest.skip("no notebook links to one of its own headings far below the link")
    notebook, text, _, anchor = found
    url, _ = make_lab
    open_url(page, url.replace(FIRST, notebook), notebook)
    assert not page.evaluate(IN_VIEW, anchor), "the heading is on screen before the click: the test proves nothing"
    click_link(page, text)
    page.wait_for_function(IN_VIEW, arg=anchor, timeout=20_000)
    page.screenshot(path=SCREENSHOTS / "link_within_a_notebook.png")


def test_a_link_to_another_notebooks_heading_names_the_section_and_lands_once_that_notebook_is_open(page, make_lab):
    found = next(links_to_headings(same_notebook=False), None)
    if found is None:
        pytest.skip("no notebook links to a heading of another notebook")
    notebook, text, target, anchor = found
    url, _ = make_lab
    open_url(page, url.replace(FIRST, notebook), notebook)
    click_link(page, text)  # the target opens, at its top in JupyterLab 4.6.6
    page.wait_for_function(CURRENT_TAB, arg=target)
    page.wait_for_function(f"(anchor) => !!({HEADING_PLACE})(anchor)", arg=anchor)
    heading = page.evaluate(HEADING_PLACE, anchor)
    shown = heading["text"].rstrip("¶").strip()
    assert navigation.names_section(text, shown), f"the link {text!r} does not name the section {shown!r} it opens"
    print(f"\nfirst click on {text!r}: {target} opened with the heading at {heading['top']:.0f} px "
          f"of a {heading['height']:.0f} px view")
    page.locator(".lm-TabBar-tab", has_text=notebook).first.click()  # back, and the same link again
    page.wait_for_function(CURRENT_TAB, arg=notebook)
    click_link(page, text)
    page.wait_for_function(CURRENT_TAB, arg=target)
    page.wait_for_function(IN_VIEW, arg=anchor, timeout=20_000)
    page.screenshot(path=SCREENSHOTS / "link_to_another_notebook.png")
