"""lrlib as a package: lazy helpers that still work, and a wheel with its metadata (that `import lrlib` stays
light is tested in tests/test_course_layer.py)."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

import lrlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run_fresh(code):
    """Run `code` in a new interpreter and return what it prints, parsed as JSON."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout)


@pytest.mark.environment
def test_lazy_helpers_work_as_eager_imports_did():
    found = run_fresh(
        "import json, lrlib\n"
        "from lrlib import explore\n"
        "ax = lrlib.plot_schedule('linear', 20, lr=1e-3, num_warmup_steps=2, num_training_steps=20)\n"
        "print(json.dumps([explore is lrlib.explore, callable(lrlib.explore), ax.get_xlabel() != '']))")
    assert found == [True, True, True]


@pytest.mark.environment
def test_importing_the_explorer_module_first_leaves_lrlib_explore_the_function():
    # pytest's doctest collection imports lrlib.explorer before any test calls lrlib.explore()
    found = run_fresh("import json, lrlib.explorer, lrlib\n"
                      "print(json.dumps([callable(lrlib.explore), lrlib.explore is lrlib.explorer.explore]))")
    assert found == [True, True]


def test_every_public_name_is_listed_and_resolves():
    assert set(lrlib.__all__) <= set(dir(lrlib))
    assert {"explore", "plot_schedule", "plot_curves", "decimate", "Explorer"} <= set(lrlib.__all__)
    for name in lrlib.__all__:
        assert getattr(lrlib, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'plotting'"):
        lrlib.plotting


def test_version_is_the_installed_distributions():
    from importlib.metadata import version
    assert lrlib.__version__ == version("lrlib")


def test_gitignore_lists_no_tracked_file():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert ignored == []


@pytest.mark.slow
def test_the_wheel_carries_the_license_the_typing_marker_the_version_and_two_core_dependencies_and_imports(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--wheel-dir", str(tmp_path), str(ROOT)], check=True, cwd=tmp_path)
    (wheel,) = tmp_path.glob("lrlib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
        licenses = [archive.read(n) for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert "lrlib/py.typed" in names and "lrlib/__init__.py" in names
    in_the_tree = {str(p.relative_to(ROOT)) for p in (ROOT / "lrlib").rglob("*.py")}
    assert in_the_tree <= set(names), f"modules missing from the wheel: {sorted(in_the_tree - set(names))}"
    assert licenses == [(ROOT / "LICENSE").read_bytes()]
    assert f"\nVersion: {lrlib.__version__}\n" in metadata and "\nLicense-Expression: MIT\n" in metadata
    assert "Project-URL: Source, https://github.com/warmup-explained/warmup-explained" in metadata
    from packaging.requirements import Requirement
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = [Requirement(line.split(":", 1)[1]) for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    unconditional = {(r.name, r.specifier) for r in required if r.marker is None}
    assert unconditional == {(r.name, r.specifier) for r in map(Requirement, project["dependencies"])}
    assert len(unconditional) == 2
    course = {(r.name, r.specifier) for r in required if r.marker and r.marker.evaluate({"extra": "course"})}
    assert {(r.name, r.specifier) for r in map(Requirement, project["optional-dependencies"]["course"])} <= course
    # installed on its own (the environment's torch and numpy beside it), the wheel's lrlib is the one imported
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--target", str(tmp_path / "site"), str(wheel)], check=True, cwd=tmp_path)
    found = subprocess.run(
        [sys.executable, "-c", "import json, lrlib, lrlib.course\n"
         "print(json.dumps([lrlib.__file__, lrlib.__version__, lrlib.lr_curve('linear', 4, lr=1.0, "
         "num_warmup_steps=2, num_training_steps=4).tolist()]))"],
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")}, cwd=tmp_path, capture_output=True, text=True, check=True)
    file, version, curve = json.loads(found.stdout)
    assert pathlib.Path(file).parent == tmp_path / "site" / "lrlib" and version == lrlib.__version__
    assert curve == lrlib.lr_curve("linear", 4, lr=1.0, num_warmup_steps=2, num_training_steps=4).tolist()
