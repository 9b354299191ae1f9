"""Every third-party package the tests import is declared in pyproject.toml, so `pip install -e .[test]`
(with the course and lab extras) is enough to run them."""

import ast
import pathlib
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

ROOT = pathlib.Path(__file__).resolve().parents[1]


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_names(folder):
    """The top-level module names that the Python files under `folder` import (absolute imports only)."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_package_the_tests_import_is_declared_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {normal(re.match(r"[A-Za-z0-9._-]+", line).group(0))
                for group in [project["dependencies"], *project["optional-dependencies"].values()] for line in group}
    ours = {path.stem for folder in ("tests", "tools", "book", "slides") for path in (ROOT / folder).rglob("*.py")} | {"lrlib"}
    third_party = imported_top_level_names(ROOT / "tests") - set(sys.stdlib_module_names) - ours
    assert {"pytest", "torch"} <= third_party  # the walk over tests/ found their imports
    distributions = packages_distributions()
    undeclared = {name: distributions.get(name) for name in third_party
                  if not {normal(d) for d in distributions.get(name, [name])} & declared}
    assert not undeclared, f"imported by tests/ but declared by no extra in pyproject.toml: {undeclared}"
