"""pyproject.toml's ranges, requirements.lock, Binder's files and environment.yml agree; postBuild works."""

import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = pathlib.Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.environment
sys.path.insert(0, str(ROOT / "tools"))
import binder_requirements  # noqa: E402
import environment_yml  # noqa: E402
import versions  # noqa: E402

CONDA_NAMES = {"torch": "pytorch-cpu"}  # conda-forge's CPU build of PyTorch
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements(*groups):
    """pyproject's requirements: 'dependencies' and/or extras by name."""
    found = []
    for group in groups:
        lines = PYPROJECT["dependencies"] if group == "dependencies" else PYPROJECT["optional-dependencies"][group]
        found += [Requirement(line) for line in lines]
    return found


def lock_pins():
    return {binder_requirements.normal(name): version for name, version in
            (line.split("==", 1) for line in (ROOT / "requirements.lock").read_text().split() if "==" in line)}


def test_the_core_needs_numpy_and_torch_only_and_pins_nothing():
    core = requirements("dependencies")
    assert sorted(r.name for r in core) == ["numpy", "torch"]
    for requirement in requirements("dependencies", *PYPROJECT["optional-dependencies"]):
        assert not any(spec.operator in ("==", "===") for spec in requirement.specifier), str(requirement)


def test_the_course_extra_holds_what_the_notebooks_import():
    course = {r.name for r in requirements("course")}
    assert {"transformers", "accelerate", "scikit-learn", "matplotlib", "ipywidgets", "tqdm"} <= course


def test_every_declared_range_contains_the_locked_version():
    lock = lock_pins()
    for requirement in requirements("dependencies", *PYPROJECT["optional-dependencies"]):
        version = lock[binder_requirements.normal(requirement.name)]
        assert requirement.specifier.contains(version), f"requirements.lock has {requirement.name}=={version}, pyproject {requirement}"


def test_the_installed_environment_is_the_lock():
    from importlib.metadata import version
    for name, pinned in lock_pins().items():
        assert version(name).split("+")[0] == pinned, name


def test_binder_installs_the_locks_run_time_packages_with_cpu_torch():
    text = (ROOT / "binder/requirements.txt").read_text()
    assert text == binder_requirements.text(), "run: python tools/binder_requirements.py"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu\n" in text
    pins = dict(line.split("==") for line in text.splitlines() if "==" in line)
    assert {name: pins[name] for name in ("torch", "transformers", "jupyterlab", "ipywidgets")} == {
        name: versions.LOCK[name] for name in ("torch", "transformers", "jupyterlab", "ipywidgets")}
    assert not {"pytest", "nbval", "hypothesis", "playwright", "iniconfig", "execnet"} & set(pins)
    lock = lock_pins()
    assert all(lock[binder_requirements.normal(name)] == version for name, version in pins.items())
    assert (ROOT / "binder/runtime.txt").read_text().strip() == f"python-{versions.DECLARED['python']}"
    # repo2docker would prefer a conda environment.yml to requirements.txt
    assert not (ROOT / "binder/environment.yml").exists()


def test_conda_environment_names_pyprojects_ranges():
    text = (ROOT / "environment.yml").read_text()
    packages = text.split("\ndependencies:\n", 1)[1]
    conda = dict(re.findall(r"^  - ([A-Za-z0-9_.-]+)([^\s:]*)$", packages, re.M))
    conda.update(re.findall(r"^      - ([A-Za-z0-9_.-]+)(\S+)$", packages, re.M))
    assert conda.pop("python") == PYPROJECT["requires-python"] and conda.pop("pip") == ""
    expected = {CONDA_NAMES.get(r.name, r.name): r.specifier for r in requirements("dependencies", "course", "lab", "test")}
    assert {name: SpecifierSet(spec) for name, spec in conda.items()} == expected
    channels = re.findall(r"^  - (\S+)$", text.split("\nchannels:\n", 1)[1].split("\ndependencies:\n", 1)[0], re.M)
    assert channels[0] == "conda-forge"  # where pytorch-cpu comes from


def test_environment_yml_is_what_its_generator_writes_from_pyproject():
    assert (ROOT / "environment.yml").read_text() == environment_yml.text(), "run: python tools/environment_yml.py"


def test_the_conda_environment_follows_a_changed_pyproject():
    pyproject = (ROOT / "pyproject.toml").read_text().replace('"numpy>=2.0"', '"numpy>=2.1,<3"').replace(
        '"tqdm>=4.70",', '"tqdm>=4.70",\n    "rich >= 13",').replace('"playwright>=1.65"', '"playwright>=1.70"')
    text = environment_yml.text(pyproject)
    assert "\n  - numpy>=2.1,<3\n" in text and "\n  - rich>=13\n" in text and "\n  - pytorch-cpu>=" in text
    assert text.endswith("  - pip:\n      - playwright>=1.70\n") and "\n  - playwright" not in text
    assert text.count("matplotlib") == 1  # named by three extras, listed once


def test_binder_installs_lrlib_without_dependencies_and_silences_jupyter_news(tmp_path):
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)  # repo2docker runs it as a program

    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    log = tmp_path / "pip.log"
    (fake_bin / "pip").write_text(f'#!/bin/sh\necho "$PWD $*" >> {log}\n')
    (fake_bin / "pip").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}", "NB_PYTHON_PREFIX": str(tmp_path / "prefix")}
    subprocess.run([str(post_build)], cwd=ROOT, env=env, check=True)
    assert log.read_text().strip() == f"{ROOT} install --no-deps -e ."
    installed = tmp_path / "prefix/share/jupyter/lab/settings/overrides.json"
    assert installed.read_text() == (ROOT / "binder/overrides.json").read_text()
    settings = json.loads(installed.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"] == {"checkForUpdates": False, "fetchNews": "false"}
    # every cell rendered, so that a link to a heading lands on it (docs/maintaining.md, "Links to headings")
    assert settings["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"

    # a failed install stops the build: nothing after it runs
    (fake_bin / "pip").write_text("#!/bin/sh\nexit 1\n")
    env["NB_PYTHON_PREFIX"] = str(tmp_path / "second")
    assert subprocess.run([str(post_build)], cwd=ROOT, env=env, capture_output=True).returncode != 0
    assert not (tmp_path / "second").exists()


def _make(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_make_lab_installs_the_lock_and_the_same_jupyterlab_overrides(tmp_path):
    """make's rules run on a stand-in venv: its install is planned from the lock, and the settings
    rule really writes Binder's overrides where JupyterLab reads them (the install taken as done, -o)."""
    venv = tmp_path / "venv"
    installs = [shlex.split(line) for line in _make("-n", f"VENV={venv}", f"{venv}/.installed").stdout.splitlines()
                if " pip install " in line]
    assert installs and all(command[command.index("-c") + 1] == "requirements.lock" for command in installs)
    assert any(command[command.index("-e") + 1] == ".[course,lab,test,book]" for command in installs if "-e" in command)
    settings = venv / "share/jupyter/lab/settings/overrides.json"
    assert str(settings) in _make("-n", f"VENV={venv}", "-o", f"{venv}/.installed", "lab").stdout
    made = _make(f"VENV={venv}", "-o", f"{venv}/.installed", str(settings))
    assert made.returncode == 0, made.stdout + made.stderr
    assert settings.read_text() == (ROOT / "binder/overrides.json").read_text()


@pytest.mark.slow
def test_installing_lrlib_with_the_course_extras_changes_no_installed_package(tmp_path):
    """pip's own plan for `pip install .[course]` in an environment that already has the locked
    torch, transformers and numpy (this one): it would install lrlib and nothing else."""
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--dry-run",
                    "--report", str(report), f"{ROOT}[course]"], check=True, cwd=tmp_path)
    import json
    planned = {item["metadata"]["name"]: item["metadata"]["version"] for item in json.loads(report.read_text())["install"]}
    assert planned == {"lrlib": __import__("lrlib").__version__}
