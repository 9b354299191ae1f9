"""Write the README's table of schedules from lrlib's registry (lrlib.SCHEDULES).

Usage: python tools/schedule_table.py          # write
       python tools/schedule_table.py --check  # exit 1 if the README's table is out of date
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import lrlib

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- schedules:start -->", "<!-- schedules:end -->"
NEEDS = {"required": "needed", "optional": "optional", "ignored": "ignored"}


def _param(param) -> str:
    default = "required" if param.required else repr(param.default)
    return f"`{param.name}`={default} ({param.allowed})"


def _formula(schedule) -> str:
    """The first paragraph of the closed form's docstring: its formula."""
    if not schedule.has_curve:
        return "none: the lr follows a metric passed to `step(metric)`"
    first = schedule.function.__doc__.split("\n\n")[0]
    return " ".join(line.strip() for line in first.splitlines()).replace("|", "\\|")


def schedule_table() -> str:
    rows = ["| name | transformers function | what it does | multiplier f(s) | warmup | num_training_steps | scheduler_specific_kwargs |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for schedule in lrlib.SCHEDULES.values():
        params = "; ".join(_param(p) for p in schedule.params) or "—"
        rows.append(f"| `{schedule.name}` | `{schedule.transformers_function}` | {schedule.summary} | {_formula(schedule)} | "
                    f"{NEEDS[schedule.warmup]} | {NEEDS[schedule.training]} | {params} |")
    return "\n".join(rows)


def block() -> str:
    return f"{START}\n{schedule_table()}\n{END}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    readme = README.read_text()
    if parser.parse_args().check:
        current = block() in readme
        print("the schedules table is up to date" if current else "README.md: the schedules table is out of date")
        return 0 if current else 1
    before, _, rest = readme.partition(START)
    README.write_text(f"{before}{block()}{rest.partition(END)[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
