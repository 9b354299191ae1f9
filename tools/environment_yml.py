"""Write environment.yml, for conda users: conda-forge packages in the ranges pyproject.toml declares.

The file is a pure function of pyproject.toml: `requires-python`, lrlib's `dependencies` and its
`course`, `lab` and `test` extras, in the order they first appear there, each range copied as written.
A package conda-forge names otherwise is renamed (`CONDA_NAMES`); one it does not carry goes under
`pip:` (`PIP_ONLY`). The exact tested set is requirements.lock, not this file.

Usage: python tools/environment_yml.py          # write
       python tools/environment_yml.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import pathlib
import re
import sys
import tomllib

from generated_file import write_or_check

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = ROOT / "environment.yml"
EXTRAS = ("course", "lab", "test")
CONDA_NAMES = {"torch": "pytorch-cpu"}  # conda-forge's CPU build of PyTorch
PIP_ONLY = ("playwright",)  # the browser tests' driver: installed with pip
HEADER = """\
# For conda users (not what Binder or CI use): conda-forge packages in the ranges lrlib declares in
# pyproject.toml, so a conda solver can pick versions; the exact tested set is requirements.lock.
# Written by tools/environment_yml.py from pyproject.toml (make check-generated checks it is current).
# Nothing here builds this environment: this machine cannot reach conda-forge.
#   conda env create -f environment.yml && conda activate warmup-explained
#   pip install --no-deps -e .
name: warmup-explained
channels:
  - conda-forge
  - nodefaults
dependencies:
"""


def requirements(pyproject: str) -> list[tuple[str, str]]:
    """(name, range) of each requirement of the dependencies and EXTRAS, first mention first, no repeats."""
    project = tomllib.loads(pyproject)["project"]
    lines = list(project["dependencies"])
    for extra in EXTRAS:
        lines += project["optional-dependencies"][extra]
    found: dict[str, str] = {}
    for line in lines:
        name, spec = re.match(r"\s*([A-Za-z0-9._-]+)\s*(.*)$", line).groups()
        found.setdefault(name, spec.replace(" ", ""))
    return list(found.items())


def text(pyproject: str | None = None) -> str:
    """environment.yml as it should be, from pyproject.toml's text (the repo's by default)."""
    pyproject = (ROOT / "pyproject.toml").read_text() if pyproject is None else pyproject
    python = tomllib.loads(pyproject)["project"]["requires-python"]
    wanted = requirements(pyproject)
    conda = "".join(f"  - {CONDA_NAMES.get(name, name)}{spec}\n" for name, spec in wanted if name not in PIP_ONLY)
    pip = "".join(f"      - {name}{spec}\n" for name, spec in wanted if name in PIP_ONLY)
    return HEADER + f"  - python{python}\n  - pip\n" + conda + ("  - pip:\n" + pip if pip else "")


def main() -> int:
    return write_or_check(TARGET, text(), sys.argv[1:], "environment.yml", "python tools/environment_yml.py")


if __name__ == "__main__":
    sys.exit(main())
