"""pyproject.toml, requirements.lock, environment.yml and binder/ agree; postBuild works."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONDA_NAMES = {"torch": "pytorch-cpu"}  # conda-forge's CPU build of PyTorch
PIP_ONLY = {"playwright"}  # installed through environment.yml's pip: section


def pyproject_pins(groups=("dependencies", "lab", "test")):
    text = (ROOT / "pyproject.toml").read_text()
    pins = {}
    for group in groups:
        block = re.search(rf"^{group} = \[(.*?)^\]", text, re.S | re.M).group(1)
        pins.update(dict(re.findall(r'"([A-Za-z0-9_.-]+)==([^"]+)"', block)))
    return pins


def lock_pins():
    return dict(line.split("==", 1) for line in (ROOT / "requirements.lock").read_text().split() if "==" in line)


def conda_pins(path):
    text = (ROOT / path).read_text()
    pins = dict(re.findall(r"^  - ([A-Za-z0-9_.-]+)=([^=\s]+)$", text, re.M))
    pins.update(re.findall(r"^      - ([A-Za-z0-9_.-]+)==(\S+)$", text, re.M))
    return pins


def test_every_direct_dependency_is_pinned_exactly_and_locked_at_that_version():
    pins, lock = pyproject_pins(), lock_pins()
    assert {"torch", "transformers", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbval"} <= set(pins)
    assert pins["torch"] == "2.13.0" and pins["transformers"] == "5.23.0"
    for name, version in pins.items():
        assert lock.get(name) == version, f"requirements.lock has {name}=={lock.get(name)}, pyproject {version}"


@pytest.mark.parametrize("path,groups", [("environment.yml", ("dependencies", "lab", "test")),
                                         ("binder/environment.yml", ("dependencies", "lab"))])
def test_conda_environments_have_the_same_packages_and_versions(path, groups):
    conda = conda_pins(path)
    assert conda.pop("python") == "3.11"
    expected = {CONDA_NAMES.get(name, name): version for name, version in pyproject_pins(groups).items()}
    assert conda == expected
    assert "conda-forge" in (ROOT / path).read_text()


def test_binder_installs_lrlib_without_dependencies_and_silences_jupyter_news(tmp_path):
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    text = post_build.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    assert "pip install --no-deps -e ." in text

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
    assert '"fetchNews": "false"' in installed.read_text() and '"checkForUpdates": false' in installed.read_text()


def test_make_lab_installs_the_same_jupyterlab_overrides():
    makefile = (ROOT / "Makefile").read_text()
    assert "cp binder/overrides.json $@" in makefile
    assert "--ServerApp.ip=127.0.0.1" in makefile
    installed = pathlib.Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json"
    assert installed.exists(), "run the tests through `make test`, which installs the overrides"
    assert installed.read_text() == (ROOT / "binder/overrides.json").read_text()
