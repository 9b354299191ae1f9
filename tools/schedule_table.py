"""Write the README's table of schedules and docs/errors.md from lrlib's registry (lrlib.SCHEDULES).

Every row comes from the declarations: a parameter's domain, default and doc for the README; for
docs/errors.md, values just outside each declared domain, each set of alternatives given wrongly,
each relation broken and each required argument left out, with what lrlib and transformers 5.23
actually do with them (both are run).

Usage: python tools/schedule_table.py          # write both
       python tools/schedule_table.py --check  # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
import sys
import warnings
from typing import Any, Callable, Iterator

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import torch  # noqa: E402

import lrlib  # noqa: E402
from lrlib.registry import COMMON_RELATIONS, NUM_TRAINING_STEPS, NUM_WARMUP_STEPS  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ERRORS = ROOT / "docs" / "errors.md"
START, END = "<!-- schedules:start -->", "<!-- schedules:end -->"
NEEDS = {"required": "needed", "optional": "optional", "ignored": "ignored"}
LR = 1e-3


# ---------------------------------------------------------------- README: the schedules


def param_text(param) -> str:
    """One argument as the tables show it: its name, its domain and its default."""
    return f"`{param.name}`: {param.domain.text()}, {param.default_text()}"


def formula(schedule) -> str:
    """The closed form's ``.. math::`` line, as inline LaTeX."""
    if not schedule.has_curve:
        return "none: the lr follows a metric passed to `step(metric)`"
    doc = schedule.function.__doc__
    line = doc[doc.index(".. math::") + len(".. math::"):].strip().splitlines()[0]
    return f"${line.strip()}$"


def _rules(schedule) -> list[str]:
    return [group.text() for group in schedule.alternatives] + [relation.text() for relation in schedule.relations]


def schedule_table() -> str:
    rows = ["| name | transformers function | what it does | multiplier f(s) | warmup | num_training_steps | scheduler_specific_kwargs |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for schedule in lrlib.SCHEDULES.values():
        params = "; ".join([param_text(p) for p in schedule.params] + _rules(schedule)) or "—"
        rows.append(f"| `{schedule.name}` | `{schedule.transformers_function}` | {schedule.summary} | {formula(schedule)} | "
                    f"{NEEDS[schedule.warmup]} | {NEEDS[schedule.training]} | {params} |")
    return "\n".join(rows)


def block() -> str:
    return f"{START}\n{schedule_table()}\n{END}"


# ---------------------------------------------------------------- docs/errors.md: bad input


def _optimizer() -> torch.optim.Optimizer:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in (LR, LR / 2)]
    return torch.optim.AdamW(groups, lr=LR)


def _base(schedule) -> dict[str, Any]:
    """A valid call: W=10, T=100 where used, required arguments and one of each alternatives."""
    call = {"num_warmup_steps": None if schedule.warmup == "ignored" else 10,
            "num_training_steps": None if schedule.training == "ignored" else 100, "kwargs": {}}
    for param in schedule.params:
        if param.required:
            call["kwargs"][param.name] = param.examples[0]
    for group in schedule.alternatives:
        first = group.names[0]
        if group.exactly and first not in call and first not in call["kwargs"]:
            call["kwargs"][first] = schedule.param(first).examples[0]
    return call


def _with(schedule, name: str, value: Any) -> dict[str, Any]:
    call = _base(schedule)
    if name in ("num_warmup_steps", "num_training_steps"):
        call[name] = value
    elif value is None:
        call["kwargs"].pop(name, None)
    else:
        for group in schedule.alternatives:  # the value stands for its alternatives: pass it alone
            if group.exactly and name in group.names:
                for other in group.names:
                    call["kwargs"].pop(other, None)
        call["kwargs"][name] = value
    return call


def readable_outside(domain) -> list[Any]:
    """Values of the right type just outside ``domain`` (one per finite end, a choice it lacks),
    as round numbers a reader recognises."""
    if domain.kind == "choice":
        return [f"{domain.choices[0]}-not"]
    values = []
    for bound, is_open, sign in zip(domain.bounds(LR), (domain.low_open, domain.high_open), (-1, 1)):
        if bound is None:
            continue
        if domain.kind == "whole":
            values.append(int(bound) if is_open else int(bound) + sign)
        else:
            values.append(float(bound) if is_open else float(bound) + sign * (abs(bound) or 0.1))
    return values


def _outside(param) -> list[Any]:
    values = readable_outside(param.domain)
    if param.domain.kind == "whole":
        values += [param.examples[0] + 0.5, True]
    return values


def _broken(relation) -> dict[str, int]:
    """Values that break ``relation``: the right side 100, the left side's sum just wrong."""
    target = {"<=": 110, "<": 100, "==": 80}[relation.op]
    values = {name: 10 for name in relation.left[:-1]}
    values[relation.left[-1]] = target - 10 * (len(relation.left) - 1)
    values[relation.right] = 100
    return values


def error_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """(schedule name, call) for every declared way to call a schedule wrongly."""
    seen: set[int] = set()
    for schedule in (lrlib.SCHEDULES[name] for name in lrlib.CURVE_NAMES):
        steps = [p for p, use in ((NUM_WARMUP_STEPS, schedule.warmup), (NUM_TRAINING_STEPS, schedule.training))
                 if use == "required"]
        for param in steps:
            yield schedule.name, _with(schedule, param.name, None)
        for param in schedule.params:
            if param.required:
                yield schedule.name, _with(schedule, param.name, None)
        for param in (*steps, *schedule.params):
            if id(param) not in seen:
                seen.add(id(param))
                for value in _outside(param):
                    yield schedule.name, _with(schedule, param.name, value)
        for group in schedule.alternatives:
            members = [n for n in group.names if n not in ("num_training_steps", "num_warmup_steps")]
            none = _base(schedule)
            for name in group.names:
                none["kwargs"].pop(name, None)
                if name in none:
                    none[name] = None
            yield schedule.name, none
            if group.exactly:
                both = _base(schedule)
                both["kwargs"].update({n: schedule.param(n).examples[0] for n in members})
                yield schedule.name, both
        relations = list(schedule.relations) + (list(COMMON_RELATIONS) if schedule.name == lrlib.CURVE_NAMES[0] else [])
        for relation in relations:
            call = _base(schedule)
            for name, value in _broken(relation).items():
                if name in call:
                    call[name] = value
                else:
                    call["kwargs"][name] = value
            yield schedule.name, call


def _short(text: str, limit: int | None) -> str:
    text = text.replace("\n", " ")
    return text if limit is None or len(text) <= limit else text[:limit - 3] + "..."


def _outcome(run: Callable[[], Any], limit: int | None = None) -> str:
    """What a call does: the error it raises, the warning it gives, or 'accepts it silently'
    (messages cut to ``limit`` characters)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            run()
        except Exception as error:  # noqa: BLE001 - any error is what the reader should see
            return f"{type(error).__name__}: {_short(str(error), limit)}"
    shown = [w for w in caught if "lr_scheduler.step()" not in str(w.message)]
    if shown:
        return f"warns {shown[0].category.__name__}: {_short(str(shown[0].message), limit)}"
    return "accepts it silently"


def _transformers(name: str, call: dict[str, Any]) -> Callable[[], Any]:
    import transformers

    def run():
        optimizer = _optimizer()
        scheduler = transformers.get_scheduler(name, optimizer, call["num_warmup_steps"], call["num_training_steps"],
                                               scheduler_specific_kwargs=dict(call["kwargs"]))
        for _ in range(3):
            optimizer.step()
            scheduler.step()

    return run


def _lrlib(name: str, call: dict[str, Any]) -> Callable[[], Any]:
    return lambda: lrlib.get_scheduler(name, _optimizer(), call["num_warmup_steps"], call["num_training_steps"],
                                       scheduler_specific_kwargs=dict(call["kwargs"]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


OTHER_CASES = [
    ("`get_scheduler('cosin', optimizer, 10, 100)`", lambda: lrlib.get_scheduler("cosin", _optimizer(), 10, 100),
     lambda: __import__("transformers").get_scheduler("cosin", _optimizer(), 10, 100)),
    ("`get_scheduler(3, optimizer, 1, 10)`", lambda: lrlib.get_scheduler(3, _optimizer(), 1, 10),
     lambda: __import__("transformers").get_scheduler(3, _optimizer(), 1, 10)),
    ("`get_scheduler('linear', [], 1, 10)`", lambda: lrlib.get_scheduler("linear", [], 1, 10),
     lambda: __import__("transformers").get_scheduler("linear", [], 1, 10)),
    ("`get_scheduler('cosine', optimizer, 1, 10, scheduler_specific_kwargs=[('num_cycles', 1)])`",
     lambda: lrlib.get_scheduler("cosine", _optimizer(), 1, 10, scheduler_specific_kwargs=[("num_cycles", 1)]),
     lambda: __import__("transformers").get_scheduler("cosine", _optimizer(), 1, 10,
                                                      scheduler_specific_kwargs=[("num_cycles", 1)])),
    ("`get_scheduler('cosine', optimizer, 10, 100, scheduler_specific_kwargs={'num_cycle': 2})`",
     lambda: lrlib.get_scheduler("cosine", _optimizer(), 10, 100, scheduler_specific_kwargs={"num_cycle": 2}),
     lambda: __import__("transformers").get_scheduler("cosine", _optimizer(), 10, 100,
                                                      scheduler_specific_kwargs={"num_cycle": 2})),
    ("`get_scheduler('greedy', optimizer)`", lambda: lrlib.get_scheduler("greedy", _optimizer()),
     lambda: __import__("transformers").get_scheduler("greedy", _optimizer())),
    ("`get_scheduler('reduce_lr_on_plateau', optimizer, scheduler_specific_kwargs={'patients': 2})`",
     lambda: lrlib.get_scheduler("reduce_lr_on_plateau", _optimizer(), scheduler_specific_kwargs={"patients": 2}),
     lambda: __import__("transformers").get_scheduler("reduce_lr_on_plateau", _optimizer(),
                                                      scheduler_specific_kwargs={"patients": 2})),
    ("`get_scheduler('constant', optimizer, num_warmup_steps=100)`",
     lambda: lrlib.get_scheduler("constant", _optimizer(), num_warmup_steps=100),
     lambda: __import__("transformers").get_scheduler("constant", _optimizer(), num_warmup_steps=100)),
    ("`lr_curve('reduce_lr_on_plateau', 10)`", lambda: lrlib.lr_curve("reduce_lr_on_plateau", 10), None),
    ("`lr_curve('linear', 10, lr=nan, num_warmup_steps=1, num_training_steps=10)`",
     lambda: lrlib.lr_curve("linear", 10, lr=math.nan, num_warmup_steps=1, num_training_steps=10), None),
    ("`lr_curve('linear', 10.0, num_warmup_steps=1, num_training_steps=10)`",
     lambda: lrlib.lr_curve("linear", 10.0, num_warmup_steps=1, num_training_steps=10), None),
]


def errors_page() -> str:
    lines = [
        "# Bad input and what lrlib says",
        "",
        "Written by `tools/schedule_table.py` from the registry (`lrlib.SCHEDULES`): for every schedule, each",
        "argument just outside its declared domain, each required argument left out, each set of alternatives",
        "given wrongly and each relation between arguments broken. Both columns are what the calls actually do",
        "(the optimizer's lr is 1e-3; W = num_warmup_steps, T = num_training_steps). The last column is",
        "transformers 5.23's `get_scheduler` with the same input, stepped three times: often it accepts the",
        "input, which is how a wrong schedule reaches a real training run.",
        "",
        "| input | lrlib | transformers 5.23 |",
        "| --- | --- | --- |",
    ]
    for name, call in error_cases():
        label = f"`{name}`, W={call['num_warmup_steps']}, T={call['num_training_steps']}, {call['kwargs'] or '—'}"
        lines.append(f"| {_cell(label)} | {_cell(_outcome(_lrlib(name, call)))} | "
                     f"{_cell(_outcome(_transformers(name, call), 90))} |")
    lines += ["", "## Other mistakes", "", "| call | lrlib | transformers 5.23 |", "| --- | --- | --- |"]
    for label, ours, theirs in OTHER_CASES:
        lines.append(f"| {_cell(label)} | {_cell(_outcome(ours))} | "
                     f"{_cell(_outcome(theirs, 90)) if theirs else '— (no such function)'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    readme = README.read_text()
    if parser.parse_args().check:
        current = block() in readme and ERRORS.read_text() == errors_page()
        print("the schedules table and docs/errors.md are up to date" if current
              else "README.md's schedules table or docs/errors.md is out of date")
        return 0 if current else 1
    before, _, rest = readme.partition(START)
    README.write_text(f"{before}{block()}{rest.partition(END)[2]}")
    ERRORS.write_text(errors_page())
    return 0


if __name__ == "__main__":
    sys.exit(main())
