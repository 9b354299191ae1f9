"""Write binder/requirements.txt: the locked versions of what lrlib[course,lab] needs at run time.

Binder (repo2docker) builds from binder/requirements.txt, so it installs the versions CI tested:
every package of requirements.lock that lrlib's `course` and `lab` extras pull in, directly or
through their own dependencies (read from the installed packages' metadata), and none of the
test-only ones. torch comes from PyTorch's CPU wheel index (`==2.13.0` matches its `2.13.0+cpu`).

Usage: python tools/binder_requirements.py          # write
       python tools/binder_requirements.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import pathlib
import re
import sys
from importlib.metadata import PackageNotFoundError, distribution

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = ROOT / "binder" / "requirements.txt"
HEADER = """\
# Binder's environment: requirements.lock's run-time packages (written by tools/binder_requirements.py;
# tests/test_environments.py checks it is current). lrlib itself: binder/postBuild.
--extra-index-url https://download.pytorch.org/whl/cpu
"""


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[normal(name)] = f"{name}=={version}"
    return pins


def needed(name: str, extras: tuple[str, ...] = ()) -> set[str]:
    """The normalised names of `name` (with `extras`) and everything it needs, from installed metadata."""
    seen, pending = set(), [(name, extras)]
    while pending:
        current, current_extras = pending.pop()
        try:
            requires = distribution(current).requires or []
        except PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            wanted = any(requirement.marker is None or requirement.marker.evaluate({**default_environment(), "extra": extra})
                         for extra in ("", *current_extras))
            key = (normal(requirement.name), tuple(sorted(requirement.extras)))
            if wanted and key not in seen:
                seen.add(key)
                pending.append((requirement.name, key[1]))
    return {name for name, _ in seen}


def text() -> str:
    pins = lock()
    names = sorted(needed("lrlib", ("course", "lab")) & set(pins))
    return HEADER + "".join(pins[name] + "\n" for name in names)


def main() -> int:
    wanted = text()
    if "--check" in sys.argv:
        current = TARGET.read_text() if TARGET.exists() else ""
        print("binder/requirements.txt is " + ("current" if current == wanted else "out of date"))
        return 0 if current == wanted else 1
    TARGET.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
