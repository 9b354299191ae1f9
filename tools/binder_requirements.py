"""Write binder/requirements.txt: the lines of requirements.lock that lrlib[course,lab] needs at run time.

Binder (repo2docker) builds from binder/requirements.txt, so it installs the versions CI tested. The
file is a pure function of two files of this repository, never of what is installed:
- pyproject.toml names the roots: lrlib's `dependencies` and its `course` and `lab` extras;
- requirements.lock (written by `make lock`, pip-compile) says under each pin which packages pulled
  it in (its "# via" lines).
A locked package is kept when it is a root or when a kept package pulled it in; the test-only
packages (pytest, nbval, playwright, ...) and what only they pull in are left out. torch comes from
PyTorch's CPU wheel index (`torch==X.Y.Z` also accepts its `X.Y.Z+cpu`).

Usage: python tools/binder_requirements.py          # write
       python tools/binder_requirements.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import pathlib
import re
import sys
import tomllib

from generated_file import write_or_check

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = ROOT / "binder" / "requirements.txt"
RUN_TIME_EXTRAS = ("course", "lab")
HEADER = """\
# Binder's environment: requirements.lock's run-time packages (written by tools/binder_requirements.py
# from the lock's "# via" lines; make lock runs it, tests/test_environments.py checks it is current).
# lrlib itself: binder/postBuild.
--extra-index-url https://download.pytorch.org/whl/cpu
"""


def normal(name: str) -> str:
    """A package name as PyPI compares names: lower case, runs of -, _ and . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, tuple[str, set[str]]]:
    """Each pin of a pip-compile output: normal name -> (its line `name==version`, names that pulled it in)."""
    pins: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in text.splitlines():
        pin = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if pin:
            current = normal(pin.group(1))
            pins[current] = (f"{pin.group(1)}=={pin.group(2)}", set())
            continue
        via = re.match(r"^\s+#\s+(?:via\s+)?(\S.*)$", line)
        if current and via and via.group(1).strip() != "via":
            pins[current][1].add(via.group(1).strip())
    return pins


def roots(pyproject: str) -> set[str]:
    """The normal names of lrlib's run-time requirements: `dependencies` and the run-time extras."""
    project = tomllib.loads(pyproject)["project"]
    lines = list(project["dependencies"])
    for extra in RUN_TIME_EXTRAS:
        lines += project["optional-dependencies"][extra]
    return {normal(re.match(r"[A-Za-z0-9._-]+", line).group(0)) for line in lines}


def text(lock: str | None = None, pyproject: str | None = None) -> str:
    """binder/requirements.txt as it should be, from the lock's and pyproject's text (the repo's by default)."""
    lock = (ROOT / "requirements.lock").read_text() if lock is None else lock
    pyproject = (ROOT / "pyproject.toml").read_text() if pyproject is None else pyproject
    pins = parse_lock(lock)
    if not any(parents for _, parents in pins.values()):
        raise SystemExit("requirements.lock has no '# via' lines: write it with `make lock` (pip-compile)")
    wanted = roots(pyproject)
    missing = sorted(wanted - set(pins))
    if missing:
        raise SystemExit(f"requirements.lock pins none of {', '.join(missing)}: run `make lock`")
    kept = set(wanted)
    while True:
        more = {name for name, (_, parents) in pins.items()
                if name not in kept and any(normal(parent) in kept for parent in parents)}
        if not more:
            break
        kept |= more
    return HEADER + "".join(pins[name][0] + "\n" for name in sorted(kept))


def main() -> int:
    return write_or_check(TARGET, text(), sys.argv[1:], "binder/requirements.txt", "python tools/binder_requirements.py")


if __name__ == "__main__":
    sys.exit(main())
