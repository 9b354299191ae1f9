"""The Makefile's targets exist, `make help` lists them, and `make test` fails when any step fails."""

import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text()
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(*args, extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    if extra is not None:
        env["MAKEFILES"] = str(extra)  # read before Makefile, here and in every sub-make
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_every_phony_target_has_a_rule_and_help_lists_the_ones_people_run():
    phony = re.search(r"^\.PHONY:(.*?)(?<!\\)$", MAKEFILE, re.M | re.S).group(1).replace("\\\n", " ").split()
    for target in phony:
        assert re.search(rf"^{re.escape(target)}:", MAKEFILE, re.M), f".PHONY names {target} but no rule makes it"
    listed = make("help").stdout
    for target in ("lab", "test", "unit", "notebooks", "browser", "instructor", "benchmarks", "execute", "nav", "clean"):
        assert f"make {target}" in listed


def test_make_test_runs_the_notebooks_on_plain_kernels_and_two_threads_and_both_transformers_ends():
    assert "ATEN_CPU_CAPABILITY=default" in make("-n", "notebooks-plain-kernels").stdout
    assert "OMP_NUM_THREADS=2" in make("-n", "notebooks-two-threads").stdout
    for plan in (make("-n", "notebooks-plain-kernels").stdout, make("-n", "notebooks-two-threads").stdout):
        assert "--nbval " in plan and "--dist loadfile" in plan and plan.rstrip().endswith("notebooks")
    assert "for release in 5.4.0 5.24.0" in make("-n", "transformers-range").stdout


def test_make_test_runs_every_step_and_fails_if_one_collected_no_test(tmp_path):
    if not pathlib.Path("/usr/bin/chromium").exists() or make("-q", ".venv/.installed").returncode != 0:
        pytest.skip("make test's prerequisites are not installed: this would install them")
    steps = tmp_path / "steps.mk"
    steps.write_text("collects-nothing:\n\t$(PYTEST) -q -m no_such_marker tests/test_steps.py\n")
    result = make("test", "TEST_STEPS=collects-nothing help", extra=steps)
    assert result.returncode != 0
    assert "make help: this list" in result.stdout, "the step after the failed one did not run"
    assert "make test: FAILED: collects-nothing" in result.stdout
