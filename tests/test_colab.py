"""The notebooks on Colab, simulated: Colab's own torch and other versions of numpy, matplotlib and
ipywidgets than the lock, a stand-in `google.colab` module, and the colab-setup cell installing
lrlib[course] from this checkout (LRLIB_SOURCE) instead of the repository.

What runs there is the instructor's copy (each exercise's solution in place of its stub), so one run of
a notebook checks two things: it runs on Colab's versions (its asserts are its claims; its outputs are
not compared), and every solution passes its check. The learner's copy, stubs untouched, is what nbval
runs in the tested environment; the two copies differ in the stub cells only.

The simulated environment (tools/colab_sim.py) lives in .venv/colab-sim; make test builds it while it
installs .venv. In each test run, the first test to need it runs notebook 00's set-up cell there (pip
inside the kernel) under a lock; the notebooks then run on both xdist workers (tests/conftest.py
schedules them one by one).
"""

import copy
import json
import os
import pathlib
import subprocess
import sys
import uuid

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_sim  # noqa: E402
import instructor_copy  # noqa: E402
import navigation  # noqa: E402
from instructor_support import assert_every_check_ticks  # noqa: E402

COLAB, SIM, PYTHON = colab_sim.COLAB, colab_sim.SIM, colab_sim.PYTHON
SET_UP_RUN = SIM / ".set-up-run.json"  # what notebook 00's set-up cell did, and in which test run
RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
if len(sys.argv) > 3:
    nbformat.write(notebook, sys.argv[3])
print(notebook.cells[-1].outputs[0]["text"].strip())
"""
pytestmark = pytest.mark.slow
# One id for the whole test run, shared by its xdist workers (a run without xdist makes its own).
TEST_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


def installed_in_colab(names):
    """Installed versions in the simulated Colab, without local labels (torch's +cpu); None if absent."""
    code = ("import json, importlib.metadata as m\n"
            "def v(n):\n    try: return m.version(n).split('+')[0]\n    except m.PackageNotFoundError: return None\n"
            f"print(json.dumps({{n: v(n) for n in {sorted(names)!r}}}))")
    return json.loads(subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, check=True).stdout)


def set_up_cell_run(tmp_path_factory):
    """Run notebook 00, whose colab-setup cell pip-installs lrlib[course] inside its kernel, with the
    stand-in google.colab on the path: the kernel's sys.prefix, and the installed versions after it."""
    stand_in = tmp_path_factory.mktemp("colab") / "site"
    (stand_in / "google" / "colab").mkdir(parents=True)
    (stand_in / "google" / "colab" / "__init__.py").write_text('"""Stands in for Colab\'s google.colab."""\n')
    first = ROOT / "notebooks" / navigation.load_contents()["notebooks"][0]["file"]
    env = {**os.environ, "PYTHONPATH": str(stand_in), "LRLIB_SOURCE": ROOT.as_uri(), "HF_HUB_OFFLINE": "1"}
    prefix = run_notebook(first, env)
    return {"prefix": prefix, "installed": installed_in_colab([*COLAB, "lrlib", "transformers", "accelerate", "scikit-learn"])}


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The simulated Colab after notebook 00's set-up cell ran there, once per test run: the first
    worker to get here runs it, the other waits on the lock and reads what it found."""
    colab_sim.build()
    assert installed_in_colab(COLAB) == COLAB
    with colab_sim.held(SIM / ".set-up-run.lock"):
        done = json.loads(SET_UP_RUN.read_text()) if SET_UP_RUN.exists() else {}
        if done.get("test run") != TEST_RUN:
            SET_UP_RUN.unlink(missing_ok=True)
            done = {"test run": TEST_RUN, **set_up_cell_run(tmp_path_factory)}
            SET_UP_RUN.write_text(json.dumps(done))
    return done


def run_notebook(path, env, executed=None):
    """Run ``path`` in the simulated Colab, from notebooks/; the kernel's sys.prefix. ``executed``: where
    to write the notebook as run."""
    result = subprocess.run([str(PYTHON), "-c", RUN_NOTEBOOK, str(path), str(ROOT / "notebooks"),
                             *([str(executed)] if executed else [])], env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{path.name} failed on the simulated Colab:\n{result.stderr[-3000:]}"
    return result.stdout.strip().splitlines()[-1]


def test_the_set_up_cell_installs_lrlib_and_the_course_packages_and_keeps_colabs_packages(colab):
    assert pathlib.Path(colab["prefix"]) == SIM
    installed = colab["installed"]
    assert {name: installed[name] for name in COLAB} == COLAB, "the set-up cell changed a package Colab had"
    assert installed["lrlib"] == __import__("lrlib").__version__
    assert all(installed[name] for name in ("transformers", "accelerate", "scikit-learn")), installed


@pytest.mark.parametrize("entry", navigation.load_contents()["notebooks"][1:], ids=lambda entry: entry["file"][:2])
def test_every_notebook_solved_runs_on_the_simulated_colab_and_each_check_says_tick(colab, entry, tmp_path):
    # The set-up cell is the same in every notebook (tests/test_docs.py); after notebook 00's ran (the
    # fixture), the rest run without the stand-in, so it does nothing and each notebook's own cells are timed.
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("PYTHONPATH", None)
    assert colab["installed"]["lrlib"], "notebook 00's set-up cell did not install lrlib: see its test"
    learner = nbformat.read(ROOT / "notebooks" / entry["file"], as_version=4)
    solved, executed = tmp_path / entry["file"], tmp_path / f"run_{entry['file']}"
    nbformat.write(instructor_copy.solved(copy.deepcopy(learner)), solved)
    assert pathlib.Path(run_notebook(solved, env, executed)) == SIM
    assert installed_in_colab(COLAB) == COLAB
    assert_every_check_ticks(entry["file"], learner, nbformat.read(executed, as_version=4))
