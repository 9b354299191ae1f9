"""The notebooks on Colab, simulated: Colab's own torch and other versions of numpy, matplotlib and
ipywidgets than the lock, a stand-in `google.colab` module, and the colab-setup cell installing
lrlib[course] from this checkout (LRLIB_SOURCE) instead of the repository.

What runs there is the instructor's copy (each exercise's solution in place of its stub), so one run of
a notebook checks two things: it runs on Colab's versions (its asserts are its claims; its outputs are
not compared), and every solution passes its check. The learner's copy, stubs untouched, is what nbval
runs in the tested environment; the two copies differ in the stub cells only.

The simulated environment lives in .venv/colab-sim and is reused when present (delete it to start
over).
"""

import copy
import json
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import instructor_copy  # noqa: E402
import navigation  # noqa: E402
import versions  # noqa: E402
from instructor_support import assert_every_check_ticks  # noqa: E402

SIM = ROOT / ".venv" / "colab-sim"
PYTHON = SIM / "bin" / "python"
# What stands for Colab's preinstalled packages: its torch (the lock's, to download nothing more), and
# other versions than requirements.lock.
COLAB = {"torch": versions.LOCK["torch"], "numpy": "2.0.2", "matplotlib": "3.10.9", "ipywidgets": "8.1.5"}
KERNEL_TOOLS = ["ipykernel", "nbclient", "nbformat"]
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


def installed_in_colab(names):
    """Installed versions in the simulated Colab, without local labels (torch's +cpu); None if absent."""
    code = ("import json, importlib.metadata as m\n"
            "def v(n):\n    try: return m.version(n).split('+')[0]\n    except m.PackageNotFoundError: return None\n"
            f"print(json.dumps({{n: v(n) for n in {sorted(names)!r}}}))")
    return json.loads(subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    ready = SIM / ".ready"
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(SIM)], check=True)
        others = "".join(line + "\n" for line in (ROOT / "requirements.lock").read_text().splitlines()
                         if line.split("==")[0].lower() not in COLAB)
        constraints = tmp_path_factory.mktemp("colab") / "constraints.txt"
        constraints.write_text(others)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-c", str(constraints), *(f"{n}=={v}" for n, v in COLAB.items()), *KERNEL_TOOLS], check=True)
        ready.write_text(json.dumps(COLAB) + "\n")
    assert installed_in_colab(COLAB) == COLAB
    stand_in = tmp_path_factory.mktemp("colab") / "site"
    (stand_in / "google" / "colab").mkdir(parents=True)
    (stand_in / "google" / "colab" / "__init__.py").write_text('"""Stands in for Colab\'s google.colab."""\n')
    return stand_in


def run_notebook(path, env, executed=None):
    """Run ``path`` in the simulated Colab, from notebooks/; the kernel's sys.prefix. ``executed``: where
    to write the notebook as run."""
    result = subprocess.run([str(PYTHON), "-c", RUN_NOTEBOOK, str(path), str(ROOT / "notebooks"),
                             *([str(executed)] if executed else [])], env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{path.name} failed on the simulated Colab:\n{result.stderr[-3000:]}"
    return result.stdout.strip().splitlines()[-1]


def test_the_set_up_cell_installs_lrlib_and_the_course_packages_and_keeps_colabs_packages(colab):
    contents = navigation.load_contents()
    first = ROOT / "notebooks" / contents["notebooks"][0]["file"]
    env = {**os.environ, "PYTHONPATH": str(colab), "LRLIB_SOURCE": ROOT.as_uri(), "HF_HUB_OFFLINE": "1"}
    prefix = run_notebook(first, env)  # its colab-setup cell runs pip inside the notebook's kernel
    assert pathlib.Path(prefix) == SIM
    installed = installed_in_colab([*COLAB, "lrlib", "transformers", "accelerate", "scikit-learn"])
    assert {name: installed[name] for name in COLAB} == COLAB, "the set-up cell changed a package Colab had"
    assert installed["lrlib"] == __import__("lrlib").__version__


@pytest.mark.parametrize("entry", navigation.load_contents()["notebooks"][1:], ids=lambda entry: entry["file"][:2])
def test_every_notebook_solved_runs_on_the_simulated_colab_and_each_check_says_tick(colab, entry, tmp_path):
    # The set-up cell is the same in every notebook (tests/test_docs.py); after notebook 00 ran it,
    # the rest run without the stand-in, so it does nothing and each notebook's own cells are timed.
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("PYTHONPATH", None)
    if installed_in_colab(["lrlib"]).get("lrlib") is None:
        pytest.skip("lrlib is not installed in the simulated Colab: the set-up cell's test failed")
    learner = nbformat.read(ROOT / "notebooks" / entry["file"], as_version=4)
    solved, executed = tmp_path / entry["file"], tmp_path / f"run_{entry['file']}"
    nbformat.write(instructor_copy.solved(copy.deepcopy(learner)), solved)
    assert pathlib.Path(run_notebook(solved, env, executed)) == SIM
    assert installed_in_colab(COLAB) == COLAB
    assert_every_check_ticks(entry["file"], learner, nbformat.read(executed, as_version=4))
