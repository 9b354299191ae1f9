"""The command line that the generators of one file share (binder_requirements.py, environment_yml.py):
write the file, or with --check only say whether it is current."""

from __future__ import annotations

import pathlib


def write_or_check(target: pathlib.Path, wanted: str, argv: list[str], shown_as: str, command: str) -> int:
    """With "--check" in ``argv``: print whether ``target`` (named ``shown_as``) holds ``wanted``; the exit
    status is 1 if not, with ``command`` to run. Without it: write ``wanted`` to ``target``."""
    if "--check" not in argv:
        target.write_text(wanted)
        return 0
    current = target.read_text() if target.exists() else ""
    print(f"{shown_as} is current" if current == wanted else f"{shown_as} is out of date: run {command}")
    return 0 if current == wanted else 1
