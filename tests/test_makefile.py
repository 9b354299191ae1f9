"""The Makefile's targets exist, `make help` lists them, and `make test` fails when any step fails."""

import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import versions  # noqa: E402

pytestmark = [pytest.mark.environment, pytest.mark.skipif(shutil.which("make") is None, reason="needs make")]


def make(*args, extra=None, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    if extra is not None:
        env["MAKEFILES"] = str(extra)  # read before Makefile, here and in every sub-make
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_every_phony_target_plans_something_and_help_lists_the_ones_people_run():
    database = make("-p", "-n", "help").stdout  # make's own reading of the Makefile
    phony = next(line for line in database.splitlines() if line.startswith(".PHONY:")).split(":", 1)[1].split()
    assert {"test", "unit", "lab"} <= set(phony)
    for target in phony:
        plan = make("-n", target)
        assert plan.returncode == 0 and plan.stdout.strip(), f".PHONY names {target}, but make -n {target} plans nothing"
        assert "Nothing to be done" not in plan.stdout, f".PHONY names {target} but no rule makes it"
    listed = make("help").stdout
    for target in ("lab", "mine", "fresh", "test", "unit", "notebooks", "browser", "instructor", "benchmarks", "execute", "nav", "clean",
                   "book", "slides"):
        assert f"make {target}" in listed


def test_make_test_runs_the_notebooks_on_plain_kernels_and_two_threads_and_both_transformers_ends():
    assert "ATEN_CPU_CAPABILITY=default" in make("-n", "notebooks-plain-kernels").stdout
    assert "OMP_NUM_THREADS=2" in make("-n", "notebooks-two-threads").stdout
    for plan in (make("-n", "notebooks-plain-kernels").stdout, make("-n", "notebooks-two-threads").stdout):
        assert "--nbval " in plan and "--dist loadfile" in plan and plan.rstrip().endswith("notebooks")
    plan = make("-n", "transformers-range").stdout
    for release in (versions.TRANSFORMERS_LOWEST, versions.TRANSFORMERS_NEWEST):
        assert f"LRLIB_EXPECT_TRANSFORMERS={release} " in plan and f"tools/transformers_at.py {release})" in plan
    assert plan.count("tests/test_conformance.py") == 2


def test_make_test_runs_the_notebooks_on_two_threads_again_only_where_torch_runs_another_number(monkeypatch):
    def planned(threads):
        """What make -n test does with that step (make -n still runs its loop: it calls $(MAKE))."""
        monkeypatch.setenv("OMP_NUM_THREADS", threads)  # torch's default thread count, as make test-everything ran
        lines = make("-n", "test", "TEST_STEPS=notebooks-two-threads").stdout.splitlines()
        return [line for line in lines if line.startswith(("=== ", "OMP_NUM_THREADS="))]

    assert [line[:39] for line in planned("2")] == ["=== make notebooks-two-threads: not run"]
    again = planned("1")
    assert again[0] == "=== make notebooks-two-threads" and again[1].startswith("OMP_NUM_THREADS=2 ")
    assert "--nbval " in again[1]


def test_make_test_runs_every_step_and_fails_if_one_collected_no_test(tmp_path):
    if not pathlib.Path("/usr/bin/chromium").exists() or make("-q", ".venv/.installed").returncode != 0:
        pytest.skip("make test's prerequisites are not installed: this would install them")
    (tmp_path / "empty").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not the project's set-up: a pytest that starts in a second
    steps = tmp_path / "steps.mk"
    steps.write_text(f"collects-nothing:\n\tPYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(PYTEST) -q -c {tmp_path / 'pytest.ini'} "
                     f"{tmp_path / 'empty'}\n")
    result = make("test", "TEST_STEPS=collects-nothing help", extra=steps)
    assert result.returncode != 0
    assert "make help: this list" in result.stdout, "the step after the failed one did not run"
    assert "make test: FAILED: collects-nothing" in result.stdout


def test_make_slides_converts_the_committed_outputs_of_01_to_12_with_reveal_and_mathjax_2_from_npm():
    plan = make("-n", "--always-make", "slides").stdout.replace("\\\n", " ")
    convert = next(command for line in plan.splitlines() for command in line.split("&&") if "nbconvert" in command)
    assert "--to slides" in convert and "--execute" not in convert and "--config slides/nbconvert_config.py" in convert
    assert [name[10:12] for name in convert.split() if name.startswith("notebooks/")] == [f"{n:02}" for n in range(1, 13)]
    assert re.search(r"npm pack --silent reveal\.js@\d+\.\d+\.\d+ ", plan) and "npm pack --silent mathjax@2." in plan
    steps = next(line for line in make("-p", "-n", "help").stdout.splitlines() if line.startswith("TEST_STEPS "))
    assert steps.split()[-1] == "editions-test", "make test ends with the book and the slides in Chromium"
    side_by_side = make("-n", "editions-test").stdout
    assert "-j 2" in side_by_side and "book-test slides-test" in side_by_side


# ---------------------------------------------------------------- the learner's own copy: my_notebooks/


def test_make_lab_opens_notebook_00_of_the_learners_copy_with_kernels_on_unix_sockets():
    plan = make("-n", "lab").stdout.replace("\\\n", " ")
    command = next(line for line in plan.splitlines() if "bin/jupyter lab" in line)
    assert "--ServerApp.root_dir=my_notebooks" in command and "--ServerApp.ip=127.0.0.1" in command
    # the URL JupyterLab prints (and opens) is this one, not the Launcher's /lab
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in command
    assert "--KernelManager.transport=ipc" in command
    assert "--KernelManager.transport=tcp" in make("-n", "lab", "KERNEL_TRANSPORT=tcp").stdout
    assert "Ctrl-C" in plan


def test_git_ignores_the_learners_copy():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", "my_notebooks/00_start_here.ipynb"], cwd=ROOT)
    assert ignored.returncode == 0
    tracked = subprocess.run(["git", "check-ignore", "-q", "notebooks/00_start_here.ipynb"], cwd=ROOT)
    assert tracked.returncode == 1


@pytest.fixture
def checkout(tmp_path):
    """A stand-in checkout: the Makefile and two notebooks (no venv: mine and fresh need none)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00_start_here.ipynb").write_text("start v1")
    (tmp_path / "notebooks" / "05_restarts.ipynb").write_text("restarts v1")
    (tmp_path / "notebooks" / "contents.json").write_text("{}")
    return tmp_path


def test_make_mine_copies_each_notebook_once_and_never_overwrites_the_learners(checkout):
    mine = checkout / "my_notebooks"
    result = make("mine", cwd=checkout)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in mine.glob("*.ipynb")) == ["00_start_here.ipynb", "05_restarts.ipynb"]
    (mine / "05_restarts.ipynb").write_text("restarts v1, with my answers")
    (checkout / "notebooks" / "07_new.ipynb").write_text("new v1")  # a git pull brings a notebook and an update
    (checkout / "notebooks" / "05_restarts.ipynb").write_text("restarts v2")
    result = make("mine", cwd=checkout)
    assert (mine / "05_restarts.ipynb").read_text() == "restarts v1, with my answers"
    assert (mine / "07_new.ipynb").read_text() == "new v1"
    assert "notebooks/05_restarts.ipynb has changed since you copied it: make fresh NB=05" in result.stdout
    assert "00_start_here" not in result.stdout
    assert "05_restarts.ipynb has changed since" in make("mine", cwd=checkout).stdout  # until it is started over


def test_make_fresh_starts_one_notebook_over_from_the_collection_and_keeps_the_learners(checkout):
    mine = checkout / "my_notebooks"
    make("mine", cwd=checkout)
    (mine / "05_restarts.ipynb").write_text("my answers")
    (mine / "00_start_here.ipynb").write_text("my notes")
    (checkout / "notebooks" / "05_restarts.ipynb").write_text("restarts v2")
    result = make("fresh", "NB=05", cwd=checkout)
    assert result.returncode == 0, result.stderr
    assert (mine / "05_restarts.ipynb").read_text() == "restarts v2"
    kept = list((mine / "previous").glob("05_restarts_*.ipynb"))
    assert len(kept) == 1 and kept[0].read_text() == "my answers" and kept[0].name in result.stdout
    assert (mine / "00_start_here.ipynb").read_text() == "my notes"  # only the one asked for
    assert "changed since" not in make("mine", cwd=checkout).stdout
    assert make("fresh", "NB=5", cwd=checkout).returncode == 0  # one digit is enough; unchanged: nothing kept
    assert len(list((mine / "previous").glob("05_*"))) == 1


def test_make_fresh_all_and_what_it_refuses(checkout):
    mine = checkout / "my_notebooks"
    make("mine", cwd=checkout)
    (mine / "00_start_here.ipynb").write_text("my notes")
    assert make("fresh", "NB=all", cwd=checkout).returncode == 0
    assert (mine / "00_start_here.ipynb").read_text() == "start v1"
    assert [p.read_text() for p in (mine / "previous").glob("00_start_here_*.ipynb")] == ["my notes"]
    asked_nothing = make("fresh", cwd=checkout)
    assert asked_nothing.returncode != 0 and "make fresh NB=05" in asked_nothing.stdout
    no_such = make("fresh", "NB=42", cwd=checkout)
    assert no_such.returncode != 0 and "No notebook 42" in no_such.stdout
