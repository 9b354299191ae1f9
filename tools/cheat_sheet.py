"""Write docs/cheatsheet.md, one printed page of every schedule, from lrlib's registry (lrlib.SCHEDULES).

Each row: the name, the multiplier's formula (the closed form's ``.. math::`` line, as the README's
table shows it), the arguments that matter with their domains and defaults, and the trap. The traps
are the one part the registry does not hold: they are ``TRAPS`` below, one per schedule, and
tests/test_cheat_sheet.py checks that every schedule has one and no other name does.

Usage: python tools/cheat_sheet.py          # write docs/cheatsheet.md
       python tools/cheat_sheet.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import pathlib
import sys

from generated_file import write_or_check
from schedule_table import formula as schedule_formula, param_text

import lrlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHEAT_SHEET = ROOT / "docs" / "cheatsheet.md"
STEPS = {"required": "needed", "optional": "optional", "ignored": "ignored"}

TRAPS = {
    "linear": "With W > 0 the first optimizer step runs at lr 0; with W = 0, at the peak. T counts optimizer "
              "steps, not batches.",
    "cosine": "Past T it climbs back up. `num_cycles=1.0` is a whole wave: down to 0 and back up by T.",
    "cosine_with_restarts": "`num_cycles` counts decays (1: no restart); each restart jumps to the peak. "
                            "transformers takes a fractional `num_cycles`; lrlib refuses it.",
    "polynomial": "`lr_end` is absolute: divided by `optimizer.defaults['lr']`, one ratio for every group (a floor "
                  "per group needs a lambda per group). Needs W < T. `power=1` is `linear` only with `lr_end=0`.",
    "constant": "Ignores `num_warmup_steps` without a word: use `constant_with_warmup`.",
    "constant_with_warmup": "Ignores `num_training_steps`: it never decays.",
    "inverse_sqrt": "Never reaches 0; ignores T. τ defaults to W (10000 when W is 0).",
    "reduce_lr_on_plateau": "No warmup, no curve. `patience` counts `scheduler.step(metric)` calls: step once per "
                            "evaluation, not per batch.",
    "cosine_with_min_lr": "`min_lr` is absolute (divided by `optimizer.defaults['lr']`): only a group at the "
                          "constructor's lr ends at it. A floor per group: `min_lr_rate`.",
    "cosine_warmup_with_min_lr": "One step ahead: the peak at s = W − 1, the floor at s = T − 1. The first step "
                                 "runs at 1/W of the peak, not 0 (at 0 with `warmup_lr_rate=0`). `min_lr` as in "
                                 "`cosine_with_min_lr`.",
    "warmup_stable_decay": "Needs `num_decay_steps`. Given both T and `num_stable_steps`, transformers warns and "
                           "uses `num_stable_steps` (lrlib refuses both unless W + S + D = T); the `Trainer` always "
                           "passes T. Starts at `min_lr_ratio`, back to it only at s = W + S + D.",
    "greedy": "No warmup, no curve: `scheduler.step(metric)` needs the metric. Its defaults `min_lr=1e-3` and "
              "`max_lr=1.0` are absolute: at a fine-tuning lr it never cuts, only raises. Its `warmup` counts "
              "evaluations after a raise, not an lr warmup.",
}

# Where the registry's one-line formula leaves a branch out, the cheat sheet adds it after the formula.
FORMULA_NOTES = {
    "cosine_warmup_with_min_lr": r"; with `warmup_lr_rate` w, for s < W: $w + (1 - w)\, s / \max(1, W - 1)$",
}

SYMBOLS = (
    "f(s) multiplies each group's initial lr. s: the optimizer step (0 first, T − 1 last); W, T: "
    "`num_warmup_steps`, `num_training_steps`; t: s − W (for `warmup_stable_decay`, s − W − S); "
    "p = (s − W) / max(1, T − W), p′ = (s − W + 1) / max(1, T − W); c: `num_cycles`; r: the floor's share "
    "(`min_lr` / `optimizer.defaults['lr']`, `min_lr_rate`, or `min_lr_ratio`); l₀: `optimizer.defaults['lr']` "
    "(the constructor's `lr=`, or the class's default); l_e: `lr_end`; k: `power`; τ: `timescale`; S, D: stable "
    "and decay steps; g, h: warmup and decay shapes; w: `warmup_lr_rate`. With W > 0 every warmup starts at 0 but "
    "`cosine_warmup_with_min_lr` (1/W, or w) and `warmup_stable_decay` (r). The decays reach their end (0, the "
    "floor, l_e) at s = T, one step after a run's last (`cosine_warmup_with_min_lr`: at s = T − 1)."
)


def formula(schedule) -> str:
    """The registry's formula, with the branch it leaves out where there is one (``FORMULA_NOTES``)."""
    return schedule_formula(schedule) + FORMULA_NOTES.get(schedule.name, "")


def arguments(schedule) -> str:
    """What a schedule needs: the two step counts, then its own arguments and which exclude each other."""
    steps = [f"W {STEPS[schedule.warmup]}", f"T {STEPS[schedule.training]}"]
    own = [param_text(param) for param in schedule.params] + [group.text() for group in schedule.alternatives]
    return "; ".join(steps + own)


def cheat_sheet() -> str:
    unknown = set(TRAPS) - set(lrlib.SCHEDULES)
    missing = set(lrlib.SCHEDULES) - set(TRAPS)
    if unknown or missing:
        raise ValueError(f"TRAPS in tools/cheat_sheet.py must name each schedule of lrlib.SCHEDULES once: "
                         f"no trap for {sorted(missing)}, traps for unknown names {sorted(unknown)}")
    rows = ["| schedule | f(s) | arguments that matter | the trap |", "| --- | --- | --- | --- |"]
    for schedule in lrlib.SCHEDULES.values():
        rows.append(f"| `{schedule.name}` | {formula(schedule)} | {arguments(schedule)} | {TRAPS[schedule.name]} |")
    return "\n".join([
        "# Cheat sheet: the schedules",
        "",
        "Every name `transformers.get_scheduler` accepts, written by `tools/cheat_sheet.py` from lrlib's registry "
        "(`lrlib.SCHEDULES`), so it agrees with the library. " + SYMBOLS,
        "",
        *rows,
        "",
    ])


def main(argv: list[str]) -> int:
    return write_or_check(CHEAT_SHEET, cheat_sheet(), argv, "docs/cheatsheet.md", "python tools/cheat_sheet.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
